/**
 * Reading `.torrent` files from disk.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { MetainfoError } from '../errors.js';
import { MAX_TORRENT_BYTES, parseMetainfo, type Torrent } from '../protocol/metainfo/index.js';

/** The bytes a bencoded value can start with. */
const BENCODE_START = /^[dli0-9]$/;

/**
 * Reads and parses a `.torrent` file; files over the size cap are refused before reading.
 *
 * @param path - the `.torrent` file
 * @returns the parsed torrent
 * @throws {@link MetainfoError} / {@link BencodeError} for bad content; `ERR_METAINFO_UNREADABLE`
 *   (the I/O error as `cause`) when the file cannot be read
 * @example
 * ```ts
 * const torrent = await readTorrent('ubuntu.torrent');
 * ```
 */
export async function readTorrent(path: string): Promise<Torrent> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new MetainfoError('ERR_METAINFO_UNREADABLE', `cannot read ${path}: ${err.code ?? err.message}`, { cause: err });
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new MetainfoError('ERR_METAINFO_UNREADABLE', `${path} is not a file`);
    const size = stats.size;
    if (size > MAX_TORRENT_BYTES) {
      throw new MetainfoError('ERR_METAINFO_TOO_LARGE', `${path} is ${size} bytes; the cap is ${MAX_TORRENT_BYTES}`);
    }
    const bytes = new Uint8Array(await handle.readFile());
    // A file that is not bencode at all (a JSON file, an HTML page) is named for what it is.
    if (!BENCODE_START.test(String.fromCharCode(bytes[0] ?? 0))) {
      throw new MetainfoError('ERR_METAINFO_NOT_A_DICT', `${path} is not a torrent file (it does not start with a bencoded dictionary)`);
    }
    return parseMetainfo(bytes);
  } finally {
    await handle.close();
  }
}
