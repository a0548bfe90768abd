/**
 * A live web dashboard over a small swarm in this one process: a tracker, a rate-limited seeder
 * and two leechers sharing 32 MiB of random bytes held in memory, all on 127.0.0.1. It shows
 * how a session's states plug into `createDashboardApp` through the public API.
 *
 * ```
 * npm run build && node --import ./spec/register-ts-node.mjs demo/dashboard.ts [PORT]
 * ```
 * Open the printed URL; Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { map, merge, shareReplay, switchMap, timer, type Observable } from 'rxjs';
import { buildMetainfo, createClient, memoryStorage, parseMetainfo, sha1, type SessionState } from 'rxtorrent';
import { createTrackerApp } from 'rxtorrent/tracker';
import { clientState, createDashboardApp, pollTrackerStats } from 'rxtorrent/ui';

const SIZE = 32 * 2 ** 20;
const PIECE_LENGTH = 256 * 1024;
const SEEDER_RATE = 4 * 2 ** 20;

async function listen(server: http.Server, port: number): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// A tracker, so the leechers find each other (and the dashboard can show its /stats).
const tracker = http.createServer(createTrackerApp({ interval: 10 }).callback());
const trackerUrl = await listen(tracker, 0);

// The content and its torrent.
const data = new Uint8Array(randomBytes(SIZE));
const pieces = new Uint8Array((SIZE / PIECE_LENGTH) * 20);
for (let i = 0; i < SIZE / PIECE_LENGTH; i++) pieces.set(sha1(data.subarray(i * PIECE_LENGTH, (i + 1) * PIECE_LENGTH)), i * 20);
const torrent = parseMetainfo(buildMetainfo({
  name: 'demo.bin', multiFile: false, files: [{ path: ['demo.bin'], length: SIZE }],
  pieceLength: PIECE_LENGTH, pieces, trackers: [[`${trackerUrl}/announce`]],
}));

// Three clients, as three machines would be; each session's states carry who it is.
const labelled = (label: string, states$: Observable<SessionState>): Observable<SessionState> =>
  states$.pipe(map((s) => ({ ...s, name: `${label} · ${s.name}` })));
const seeder = createClient({ host: '127.0.0.1', port: 0, uploadRate: SEEDER_RATE });
const swarm$ = merge(
  labelled('seeder', seeder.run(torrent, { path: 'demo.bin', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) })),
  // Each leecher starts after the seeder (and the previous leecher) announced, so the tracker knows them.
  ...[1, 2].map((n) =>
    timer(1000 * n).pipe(
      switchMap(() => labelled(`leecher ${n}`, createClient({ host: '127.0.0.1', port: 0 }).run(torrent, { path: 'demo.bin' }, { storage: memoryStorage(torrent) }))),
    ),
  ),
);

// One client-wide state for every page: the swarm runs once, whether pages are open or not.
const state$ = clientState(swarm$, { key: (s) => s.name }).pipe(shareReplay({ bufferSize: 1, refCount: true }));
const running = state$.subscribe();

const app = createDashboardApp(state$, { title: 'rxtorrent demo swarm', tracker$: pollTrackerStats(`${trackerUrl}/stats`) });
const dashboard = http.createServer(app.callback());
console.log(`dashboard: ${await listen(dashboard, Number(process.argv[2] ?? 0))}/  (Ctrl-C to stop)`);

process.once('SIGINT', () => {
  running.unsubscribe();
  dashboard.closeAllConnections();
  dashboard.close();
  // The sessions' `stopped` announces go out first.
  setTimeout(() => tracker.close(), 300);
});
