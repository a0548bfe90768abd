/**
 * `rxtorrent seed <torrent> -d <content> [--ip IP] [-p PORT] [--max-peers N] [--json] [--dashboard[=PORT]]`
 * `rxtorrent seed <torrent>... --dir <parent> [...]` — many torrents on one port.
 *
 * @module
 */
import { Command } from 'commander';
import { join } from 'node:path';
import { merge, type Observable } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { createClient } from '../../streams/client/createClient.js';
import { readTorrent } from '../../streams/readTorrent.js';
import type { SessionState } from '../../streams/session/sessionState.js';
import { clientOptions, dashboardPort, sharedOptions, type SharedOptions } from '../clientOptions.js';
import { withDashboard } from '../dashboard.js';
import { runSession } from '../runSession.js';
import { sessionView } from '../sessionView.js';
import { UsageError } from '../usageError.js';

interface SeedOptions extends SharedOptions {
  downloaded?: string;
  dir?: string;
}

/**
 * The `seed` command.
 *
 * @example
 * ```ts
 * program.addCommand(seedCommand());
 * ```
 */
export function seedCommand(): Command {
  return sharedOptions(
    new Command('seed')
      .description('seed content you have: recheck it, announce as a seeder, serve until Ctrl-C')
      .argument('<torrent...>', '.torrent file(s)')
      .option('-d, --downloaded <content>', 'the content itself: the file, or the top folder of a multi-file torrent')
      .option('--dir <parent>', 'with several torrents: each one\'s content is <parent>/<name>'),
  ).action(async (sources: string[], options: SeedOptions) => {
    if ((options.downloaded === undefined) === (options.dir === undefined)) throw new UsageError('give either -d <content> or --dir <parent>');
    if (options.downloaded !== undefined && sources.length > 1) throw new UsageError('-d names one torrent\'s content; use --dir for several');
    const config = clientOptions(options);
    const port = dashboardPort(options.dashboard);
    const torrents = await Promise.all(sources.map((source) => readTorrent(source)));
    const client = createClient(config);
    const pathOf = (t: Torrent): string => options.downloaded ?? join(options.dir as string, t.name);
    const states$: Observable<SessionState> = merge(
      ...torrents.map((t) => client.add(t, { ...config, path: pathOf(t), mode: 'seed' })),
    );
    const view = sessionView({ stream: process.stderr, json: options.json === true, multi: torrents.length > 1 });
    const board = await withDashboard(states$, port, process.stderr);
    try {
      process.exitCode = await runSession(board.states$, view);
    } finally {
      await board.close();
    }
  });
}
