/**
 * `rxtorrent seed <torrent> -d <content> [--ip IP] [-p PORT] [--max-peers N] [--json] [--dashboard[=PORT]]`
 * `rxtorrent seed <torrent>... --dir <parent> [...]` — many torrents on one port.
 *
 * @module
 */
import { Command } from 'commander';
import { sharedOptions } from '../clientOptions.js';
import { holdYoungGeneration } from '../heapTuning.js';
import type { SeedOptions } from '../peer/runSeed.js';

/**
 * The `seed` command.
 *
 * @example
 * ```ts
 * declare const program: import('commander').Command;
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
    // Tuned before the library loads: its modules alone would grow the young generation.
    holdYoungGeneration();
    const { runSeed } = await import('../peer/runSeed.js');
    process.exitCode = await runSeed(sources, options);
  });
}
