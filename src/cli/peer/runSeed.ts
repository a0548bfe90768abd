/**
 * What `rxtorrent seed` runs once its options parsed: loaded lazily by the command, after the
 * process is tuned for a long transfer (see `heapTuning.ts`).
 *
 * @module
 */
import { join } from 'node:path';
import { merge, type Observable } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { createClient } from '../../streams/client/createClient.js';
import { readTorrent } from '../../streams/readTorrent.js';
import type { SessionState } from '../../streams/session/sessionState.js';
import { clientOptions, dashboardPort, type SharedOptions } from '../clientOptions.js';
import { sessionView } from '../sessionView.js';
import { UsageError } from '../usageError.js';
import { planListen } from './listenPlan.js';
import { runWithDashboard } from './withDashboard.js';

/** The options of `rxtorrent seed`, as commander parsed them. */
export interface SeedOptions extends SharedOptions {
  downloaded?: string;
  dir?: string;
}

/**
 * Seeds one torrent (`-d`) or several (`--dir`) on one port until interrupted.
 *
 * @param sources - .torrent paths
 * @param options - the command's options
 * @returns the exit code
 * @throws {@link UsageError} unless exactly one of `-d` and `--dir` fits the sources
 * @example
 * ```ts
 * process.exitCode = await runSeed(['a.torrent', 'b.torrent'], { dir: 'shared', ip: '127.0.0.1', port: '0', peer: [], maxPeers: '50' });
 * ```
 */
export async function runSeed(sources: readonly string[], options: SeedOptions): Promise<number> {
  if ((options.downloaded === undefined) === (options.dir === undefined)) throw new UsageError('give either -d <content> or --dir <parent>');
  if (options.downloaded !== undefined && sources.length > 1) throw new UsageError('-d names one torrent\'s content; use --dir for several');
  const asked = clientOptions(options);
  const port = dashboardPort(options.dashboard);
  const torrents = await Promise.all(sources.map((source) => readTorrent(source)));
  const config = await planListen(asked, torrents.flatMap((t) => t.announce.flat()), options.quiet === true);
  const client = createClient(config);
  const pathOf = (t: Torrent): string => options.downloaded ?? join(options.dir as string, t.name);
  const states$: Observable<SessionState> = merge(
    ...torrents.map((t) => client.run(t, { ...config, path: pathOf(t), mode: 'seed' })),
  );
  const view = sessionView({ stream: process.stderr, json: options.json === true, multi: torrents.length > 1, quiet: options.quiet === true });
  return runWithDashboard(states$, port, view);
}
