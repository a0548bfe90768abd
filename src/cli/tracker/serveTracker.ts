/**
 * One tracker process: HTTP (and with `--udp` BEP 15 on the same port number) over a memory or
 * Redis swarm store, until SIGINT or SIGTERM. Run alone, or as a `node:cluster` worker.
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTrackerApp } from '../../tracker/server/createTrackerApp.js';
import { limitConnections } from '../../tracker/server/limitConnections.js';
import { createCounters, readStats } from '../../tracker/server/stats.js';
import type { TrackerStats } from '../../tracker/server/stats.js';
import { SwarmCreationLimit } from '../../tracker/server/swarmCreationLimit.js';
import { createUdpTrackerHandler } from '../../tracker/server/udpHandler.js';
import { listenUdpTracker } from '../../tracker/server/udpServer.js';
import type { UdpTrackerServer } from '../../tracker/server/udpServer.js';
import { memoryStore } from '../../tracker/store/memoryStore.js';
import { redisStore } from '../../tracker/store/redisStore.js';
import { peerTtlMsFor } from '../../tracker/store/swarmStore.js';
import type { SwarmStore } from '../../tracker/store/swarmStore.js';
import { formatTrackerStatsLine, TRACKER_LOG_INTERVAL_MS } from './statsLine.js';
import { udpSecretFromEnv } from './trackerOptions.js';
import type { TrackerOptions } from './trackerOptions.js';

/** What a worker tells the primary once it listens. */
export interface ListeningMessage {
  readonly type: 'rxtorrent-tracker-listening';
  readonly urls: readonly string[];
}

/** Where a process of the tracker reports. */
export interface TrackerProcessIo {
  /** Prints one line to stdout. */
  out(line: string): void;
  /** Prints one line to stderr. */
  err(line: string): void;
  /** Set in a cluster worker: its number, shown in its summary lines. */
  readonly worker?: number;
  /** Set in a cluster worker: tells the primary it listens (instead of printing the URLs). */
  readonly listening?: (message: ListeningMessage) => void;
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Resolves with the first SIGINT or SIGTERM; the handlers stay, so a second one cannot kill us mid-close. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve);
    process.on('SIGTERM', resolve);
  });
}

/**
 * Runs one tracker process until SIGINT or SIGTERM, then closes its sockets and store.
 * Prints `listening on http://HOST:PORT/announce` (and `listening on udp://HOST:PORT/announce`)
 * unless it is a worker, which tells the primary instead; then a summary line a minute.
 *
 * @param options - checked options.
 * @param io - output, and the worker's identity and report channel.
 * @example
 * ```ts
 * declare const raw: RawTrackerOptions;
 * await serveTracker(parseTrackerOptions(raw), { out: console.log, err: console.error });
 * ```
 */
export async function serveTracker(options: TrackerOptions, io: TrackerProcessIo): Promise<void> {
  // Handlers go in before the URL is printed: whoever reads it may signal us at once.
  const stopped = stopSignal();
  const peerTtlMs = peerTtlMsFor(options.interval);
  const shared = options.redis === undefined ? undefined : redisStore(options.redis, { peerTtlMs });
  const store: SwarmStore = shared ?? memoryStore({ peerTtlMs });
  const counters = createCounters();
  // One budget for HTTP and UDP, so a source cannot create twice as many swarms over both.
  const swarmCreation = new SwarmCreationLimit();
  let server: http.Server | undefined;
  let udp: UdpTrackerServer | undefined;
  try {
    // Fail at start, not on the first announce, when Redis is unreachable (and drop stale peers).
    await shared?.sweep(Date.now());
    const secret = options.udp ? ((await shared?.sharedSecret()) ?? udpSecretFromEnv(process.env)) : undefined;
    server = http.createServer(createTrackerApp({ interval: options.interval }, { store, counters, swarmCreation }).callback());
    limitConnections(server, { maxConnections: options.maxConnections });
    const address = await listen(server, options.port, options.host);
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const urls = [`http://${shown}:${address.port}/announce`];
    if (options.udp) {
      const handler = createUdpTrackerHandler({ interval: options.interval }, { store, counters, secret, swarmCreation });
      udp = await listenUdpTracker(handler, { host: options.host, port: address.port });
      urls.push(`udp://${shown}:${address.port}/announce`);
    }
    if (io.listening !== undefined) io.listening({ type: 'rxtorrent-tracker-listening', urls });
    else for (const url of urls) io.out(`listening on ${url}`);

    const startedMs = Date.now();
    let previous: { stats: TrackerStats; atMs: number } | undefined;
    const prefix = io.worker === undefined ? '' : `worker ${io.worker}: `;
    const summary = setInterval(() => {
      readStats(store, counters, startedMs, Date.now()).then(
        (stats) => {
          const nowMs = Date.now();
          const line = formatTrackerStatsLine(previous?.stats, stats, nowMs - (previous?.atMs ?? startedMs));
          io.out(`${new Date(nowMs).toISOString()} ${prefix}${line}`);
          previous = { stats, atMs: nowMs };
        },
        (err: unknown) => io.err(`rxtorrent tracker: ${prefix}cannot read stats: ${err instanceof Error ? err.message : String(err)}`),
      );
    }, TRACKER_LOG_INTERVAL_MS);

    const signal = await stopped;
    clearInterval(summary);
    if (io.worker === undefined) io.err(`rxtorrent tracker: ${signal}, shutting down`);
  } finally {
    await udp?.close();
    const open = server;
    if (open?.listening === true) {
      await new Promise<void>((resolve) => {
        open.close(() => resolve());
        open.closeAllConnections();
      });
    }
    await store.close();
  }
}
