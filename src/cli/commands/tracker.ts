/**
 * `rxtorrent tracker [--host H] [--port P] [--interval S] [--udp] [--redis URL] [--workers N]`:
 * serves the tracker until SIGINT or SIGTERM.
 *
 * @module
 */
import cluster from 'node:cluster';
import { Command } from 'commander';
import { DEFAULT_MAX_HTTP_CONNECTIONS } from '../../tracker/server/limitConnections.js';
import { DEFAULT_INTERVAL_SECONDS } from '../../tracker/store/swarmStore.js';
import type { ListeningMessage, TrackerProcessIo } from '../tracker/serveTracker.js';
import { parseTrackerOptions } from '../tracker/trackerOptions.js';
import type { RawTrackerOptions } from '../tracker/trackerOptions.js';

export { formatTrackerStatsLine, TRACKER_LOG_INTERVAL_MS } from '../tracker/statsLine.js';

/**
 * The `tracker` command: `GET /announce`, `/scrape` and `/stats` over HTTP, with `--udp` BEP 15
 * on the same port number, over a memory store or (`--redis`) a Redis one, in one process or
 * (`--workers N`, which needs `--redis`) N `node:cluster` workers sharing the ports.
 *
 * Prints `listening on http://HOST:PORT/announce` (and `listening on udp://HOST:PORT/announce`),
 * then a summary line a minute (per worker); SIGINT or SIGTERM closes everything and exits 0. A
 * bad option exits 2; a taken port or an unreachable Redis exits 1.
 *
 * @example
 * ```ts
 * declare const program: import('commander').Command;
 * program.addCommand(trackerCommand());
 * ```
 */
export function trackerCommand(): Command {
  return new Command('tracker')
    .description('run a BitTorrent tracker: HTTP announce, scrape and stats; UDP (BEP 15) with --udp')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP (and UDP) port; 0 picks a free one', '8000')
    .option('--interval <seconds>', 'announce interval handed to clients', String(DEFAULT_INTERVAL_SECONDS))
    .option('--udp', 'also serve UDP announces (BEP 15) on the same port number')
    .option('--redis <url>', 'keep swarms in Redis (redis://host:port/db), shared by every tracker process using it')
    .option('--workers <n>', 'processes sharing the ports (needs --redis when above 1)', '1')
    .option('--max-connections <n>', 'most open HTTP connections per process; over it the idlest is closed', String(DEFAULT_MAX_HTTP_CONNECTIONS))
    .action(async (raw: RawTrackerOptions) => {
      const options = parseTrackerOptions(raw);
      // The servers (koa, ioredis) load only when a tracker runs, not for every command.
      const [{ serveTracker }, { runTrackerCluster }] = await Promise.all([
        import('../tracker/serveTracker.js'),
        import('../tracker/trackerCluster.js'),
      ]);
      const io: TrackerProcessIo = {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
      };
      if (cluster.isWorker) {
        const worker = cluster.worker!;
        try {
          await serveTracker(options, { ...io, worker: worker.id, listening: (message: ListeningMessage) => worker.send(message) });
        } finally {
          // Closing the IPC channel lets the worker exit once its sockets are closed.
          worker.disconnect();
        }
      } else if (options.workers > 1) {
        await runTrackerCluster(options, io);
      } else {
        await serveTracker(options, io);
      }
    });
}
