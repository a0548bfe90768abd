/** A small single-file torrent made with our createTorrent, for the wire interop specs. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import type { Torrent } from '../../src/protocol/metainfo/index.js';
import { pieceSize } from '../../src/protocol/metainfo/index.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { payloadBytes, writePayload } from '../helpers/payload.js';

/** What {@link makeWireTorrent} made. */
export interface WireTorrent {
  readonly torrent: Torrent;
  /** The .torrent file. */
  readonly torrentPath: string;
  /** The folder holding the payload (a seeder's save path). */
  readonly dataDir: string;
  /** The payload's bytes. */
  readonly payload: Uint8Array;
  /** Wire limits for the torrent's geometry. */
  readonly limits: { readonly pieceCount: number; readonly pieceLength: (index: number) => number };
}

/**
 * Writes `size` deterministic bytes to `dir/data/payload.bin` and a torrent of them to
 * `dir/payload.torrent`.
 *
 * @param dir - a temp dir
 * @param size - payload bytes @default 1 MiB + 1000 (a short last piece)
 * @param pieceLength - @default 64 KiB
 */
export async function makeWireTorrent(dir: string, size = (1 << 20) + 1000, pieceLength = 65536): Promise<WireTorrent> {
  const dataDir = join(dir, 'data');
  const file = join(dataDir, 'payload.bin');
  await writePayload(file, size, 'wire');
  const done = await lastValueFrom(createTorrent(file, { pieceLength, creationDate: null }));
  if (done.type !== 'done') throw new Error('createTorrent ended without a torrent');
  const torrentPath = join(dir, 'payload.torrent');
  await writeFile(torrentPath, done.bytes);
  const { torrent } = done;
  return {
    torrent, torrentPath, dataDir, payload: payloadBytes(size, 'wire'),
    limits: { pieceCount: torrent.pieceCount, pieceLength: (i) => pieceSize(torrent, i) },
  };
}
