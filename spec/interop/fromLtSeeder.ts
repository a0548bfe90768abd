/**
 * Downloading with rxtorrent from a libtorrent seeder dialled directly (`--peer`, no tracker):
 * shared by `download.spec.ts` (v1) and `v2Transfer.spec.ts` (v2-only).
 */
import { lastValueFrom, timeout } from 'rxjs';
import type { Torrent } from '../../src/protocol/metainfo/index.js';
import { download } from '../../src/streams/download.js';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { LT_READY, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';

/**
 * Starts libtorrent seeding `file` from `savePath`, waits until it has checked its data, then
 * downloads `torrent` (or a magnet link of it) into `out` from it alone.
 *
 * @returns the last session state (`done` when it worked)
 */
export async function downloadFromLtSeeder(o: { torrent: Torrent | string; file: string; savePath: string; out: string }): Promise<SessionState> {
  const port = await freeUdpAndTcpPort();
  const seeder = ltPeer({ mode: 'seed', torrent: o.file, savePath: o.savePath, port });
  await seeder.waitForLine(LT_READY, 30_000);
  return lastValueFrom(
    download(o.torrent, { dir: o.out, host: '127.0.0.1', port: 0, peers: [{ host: '127.0.0.1', port }], seed: false }).pipe(timeout(60_000)),
  );
}
