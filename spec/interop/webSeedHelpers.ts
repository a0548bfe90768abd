/**
 * Shared setup of the web seed interop specs: a torrent with a `url-list`, written to disk for
 * the other clients, and a download that ends with the session.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { lastValueFrom, timeout } from 'rxjs';
import type { Torrent } from '../../src/protocol/metainfo/index.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { download, type DownloadConfig } from '../../src/streams/download.js';
import type { SessionState } from '../../src/streams/session/sessionState.js';

/** A v1 torrent of `path` (32 KiB pieces) naming `urlList`; with `file`, also written there. */
export async function webSeedTorrent(path: string, urlList: readonly string[], file?: string): Promise<Torrent> {
  const done = await lastValueFrom(createTorrent(path, { pieceLength: 32768, urlList }));
  if (done.type !== 'done') throw new Error('no torrent');
  if (file !== undefined) await writeFile(file, done.bytes);
  return done.torrent;
}

/** Downloads into `dir` (no seeding after) and resolves with the last state. */
export function fetchAll(torrent: Torrent, dir: string, config: DownloadConfig = {}, ms = 60_000): Promise<SessionState> {
  return lastValueFrom(download(torrent, { dir, host: '127.0.0.1', port: 0, seed: false, ...config }).pipe(timeout(ms)));
}
