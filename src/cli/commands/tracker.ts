/**
 * `rxtorrent tracker [--host H] [--port P] [--interval S]`: serves the HTTP tracker until SIGINT
 * or SIGTERM.
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import { createTrackerApp } from '../../tracker/server/createTrackerApp.js';
import type { TrackerStats } from '../../tracker/server/stats.js';
import { memoryStore } from '../../tracker/store/memoryStore.js';
import { DEFAULT_INTERVAL_SECONDS, peerTtlMsFor } from '../../tracker/store/swarmStore.js';
import { UsageError } from '../usageError.js';

/** Options after parsing. */
interface TrackerOptions {
  host: string;
  port: string;
  interval: string;
}

/** How often the tracker prints its one-line summary. */
export const TRACKER_LOG_INTERVAL_MS = 60_000;

function integerOption(text: string, name: string, min: number, max: number): number {
  const value = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

/**
 * The once-a-minute summary line: announce rate since the last line, then the swarm counts.
 *
 * @param previous - the stats at the last line (`undefined` for the first).
 * @param current - the stats now.
 * @param elapsedMs - time between the two.
 * @example
 * ```ts
 * formatTrackerStatsLine(undefined, stats, 60_000); // '12.50 announces/s, 3 swarms, 4 seeders, 9 leechers'
 * ```
 */
export function formatTrackerStatsLine(previous: TrackerStats | undefined, current: TrackerStats, elapsedMs: number): string {
  const announces = current.announces - (previous?.announces ?? 0);
  const rate = elapsedMs > 0 ? (announces * 1000) / elapsedMs : 0;
  return `${rate.toFixed(2)} announces/s, ${current.swarms} swarms, ${current.seeders} seeders, ${current.leechers} leechers`;
}

/** Reads the app's `/stats` over loopback from the listening server itself. */
function fetchStats(address: AddressInfo): Promise<TrackerStats> {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? (address.family === 'IPv6' ? '::1' : '127.0.0.1') : address.address;
  return new Promise((resolve, reject) => {
    const request = http.get({ host, port: address.port, path: '/stats', agent: false, timeout: 10_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as TrackerStats);
        } catch (err) {
          reject(err);
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error('no reply from /stats')));
    request.on('error', reject);
  });
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

/**
 * The `tracker` command: `GET /announce`, `/scrape` and `/stats` over a memory swarm store.
 * Prints `listening on http://HOST:PORT/announce`, then a summary line a minute; SIGINT or
 * SIGTERM closes the server and exits 0. A bad `--port` or `--interval` exits 2.
 *
 * @example
 * ```ts
 * program.addCommand(trackerCommand());
 * ```
 */
export function trackerCommand(): Command {
  return new Command('tracker')
    .description('run an HTTP BitTorrent tracker (announce, scrape, stats)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port; 0 picks a free one', '8000')
    .option('--interval <seconds>', 'announce interval handed to clients', String(DEFAULT_INTERVAL_SECONDS))
    .action(async (options: TrackerOptions) => {
      const port = integerOption(options.port, '--port', 0, 65535);
      const interval = integerOption(options.interval, '--interval', 1, 86_400);
      if (options.host.trim() === '') throw new UsageError('--host must not be empty');
      // Handlers go in before the URL is printed: whoever reads it may signal us at once. They
      // stay installed (a signal listener does not keep the process alive), so a second signal
      // during shutdown — `timeout(1)` forwards one to the child and to its whole process
      // group — cannot fall through to the default action and kill us mid-close.
      const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
        process.on('SIGINT', resolve);
        process.on('SIGTERM', resolve);
      });
      const store = memoryStore({ peerTtlMs: peerTtlMsFor(interval) });
      const server = http.createServer(createTrackerApp({ interval }, { store }).callback());
      const address = await listen(server, port, options.host);
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      process.stdout.write(`listening on http://${shown}:${address.port}/announce\n`);

      let previous: { stats: TrackerStats; atMs: number } | undefined;
      const startedMs = Date.now();
      const summary = setInterval(() => {
        fetchStats(address).then(
          (stats) => {
            const nowMs = Date.now();
            process.stdout.write(`${new Date(nowMs).toISOString()} ${formatTrackerStatsLine(previous?.stats, stats, nowMs - (previous?.atMs ?? startedMs))}\n`);
            previous = { stats, atMs: nowMs };
          },
          (err: unknown) => process.stderr.write(`rxtorrent tracker: cannot read stats: ${err instanceof Error ? err.message : String(err)}\n`),
        );
      }, TRACKER_LOG_INTERVAL_MS);

      const signal = await stopSignal;
      clearInterval(summary);
      process.stderr.write(`rxtorrent tracker: ${signal}, shutting down\n`);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    });
}
