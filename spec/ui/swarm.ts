/**
 * An in-process swarm for dashboard specs: an HTTP tracker, one rate-limited seeder and some
 * leechers, each its own `createClient` on 127.0.0.1 with memory storage, and the dashboard app
 * over all their states (keyed by a label, since they share one torrent).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, map, shareReplay, Subject, Subscription, timeout, type Observable } from 'rxjs';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../src/protocol/metainfo/index.js';
import { clientState, type ClientState } from '../../src/streams/client/clientState.js';
import { createClient } from '../../src/streams/client/createClient.js';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { memoryStorage } from '../../src/streams/storage/index.js';
import { createTrackerApp } from '../../src/tracker/server/createTrackerApp.js';
import { createDashboardApp, pollTrackerStats } from '../../src/ui/index.js';
import { content, hashes } from '../protocol/metainfo/fixtures.js';

/** Options of {@link startSwarm}. */
export interface SwarmOptions {
  readonly length: number;
  readonly pieceLength: number;
  /** Upload limit of the seeder, bytes/s. */
  readonly seederRate: number;
  readonly leechers: number;
}

/** A running swarm and its dashboard. */
export interface Swarm {
  readonly torrent: Torrent;
  /** The dashboard's URL (`http://127.0.0.1:PORT/`). */
  readonly url: string;
  /** Requests to the dashboard's `/events` so far. */
  readonly eventRequests: number;
  /** Latest client-wide state over seeder and leechers. */
  readonly state$: Observable<ClientState>;
  /** Starts the leechers one after another (each once the previous one has announced). */
  startLeechers(): Promise<void>;
  /** Drops every open dashboard connection, as a network failure would. */
  dropConnections(): void;
  stop(): Promise<void>;
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** Starts the tracker, the seeder and the dashboard; the leechers wait for `startLeechers`. */
export async function startSwarm(options: SwarmOptions): Promise<Swarm> {
  const subscriptions = new Subscription();
  const tracker = await listen(createTrackerApp({ interval: 5 }).callback());
  const trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
  const data = content(options.length, 7);
  const torrent = parseMetainfo(buildMetainfo({
    name: 'swarm.bin', multiFile: false, files: [{ path: ['swarm.bin'], length: options.length }],
    pieceLength: options.pieceLength, pieces: hashes(data, options.pieceLength), trackers: [[`${trackerUrl}/announce`]],
  }));
  const hub = new Subject<SessionState>();
  const state$ = clientState(hub, { key: (s) => s.name }).pipe(shareReplay({ bufferSize: 1, refCount: true }));
  subscriptions.add(state$.subscribe());
  const run = (label: string, states$: Observable<SessionState>): Observable<SessionState> => {
    const labelled$ = states$.pipe(map((s) => ({ ...s, name: `${label} · ${s.name}` })), shareReplay({ bufferSize: 1, refCount: true }));
    subscriptions.add(labelled$.subscribe((s) => hub.next(s)));
    return labelled$;
  };
  const announced = (states$: Observable<SessionState>): Promise<unknown> =>
    firstValueFrom(states$.pipe(filter((s) => s.trackers.some((t) => t.ok)), timeout(10_000)));
  const seeder = createClient({ host: '127.0.0.1', port: 0, uploadRate: options.seederRate });
  await announced(run('seeder', seeder.run(torrent, { path: 'unused', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) })));
  let eventRequests = 0;
  const callback = createDashboardApp(state$, {
    title: 'rxtorrent swarm', tracker$: pollTrackerStats(`${trackerUrl}/stats`, { intervalMs: 500 }), events: { retryMs: 300 },
  }).callback();
  const dashboard = await listen((req, res) => {
    if (req.url === '/events') eventRequests++;
    void callback(req, res);
  });
  return {
    torrent,
    url: `http://127.0.0.1:${(dashboard.address() as AddressInfo).port}/`,
    get eventRequests() {
      return eventRequests;
    },
    state$,
    startLeechers: async () => {
      for (let i = 1; i <= options.leechers; i++) {
        const client = createClient({ host: '127.0.0.1', port: 0 });
        await announced(run(`leecher ${i}`, client.run(torrent, { path: 'unused' }, { storage: memoryStorage(torrent) })));
      }
    },
    dropConnections: () => dashboard.closeAllConnections(),
    stop: async () => {
      subscriptions.unsubscribe();
      hub.complete();
      await close(dashboard);
      // Let the sessions' `stopped` announces reach the tracker before it goes.
      await new Promise((r) => setTimeout(r, 200));
      await close(tracker);
    },
  };
}
