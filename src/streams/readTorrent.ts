/**
 * Reading `.torrent` files from disk.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { MetainfoError } from '../errors.js';
import { MAX_TORRENT_BYTES, parseMetainfo, type Torrent } from '../protocol/metainfo/index.js';

/**
 * Reads and parses a `.torrent` file; files over the size cap are refused before reading.
 *
 * @param path - the `.torrent` file
 * @returns the parsed torrent
 * @throws {@link MetainfoError} / {@link BencodeError} for bad content; Node's `ENOENT` etc. for I/O
 * @example
 * ```ts
 * const torrent = await readTorrent('ubuntu.torrent');
 * ```
 */
export async function readTorrent(path: string): Promise<Torrent> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_TORRENT_BYTES) {
      throw new MetainfoError('ERR_METAINFO_TOO_LARGE', `${path} is ${size} bytes; the cap is ${MAX_TORRENT_BYTES}`);
    }
    return parseMetainfo(new Uint8Array(await handle.readFile()));
  } finally {
    await handle.close();
  }
}
