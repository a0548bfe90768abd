/**
 * `rxtorrent demo [--leechers N] [--size SIZE] [--dht] [--dashboard[=PORT]]`: a tracker (or with
 * `--dht` a DHT node of its own), a seeder and N leechers on loopback; with `--dashboard` a live web page follows them, and the swarm keeps
 * seeding after the summary until Ctrl-C.
 *
 * @module
 */
import { Command } from 'commander';
import { DASHBOARD_FLAGS, DASHBOARD_HELP, ENCRYPTION_FLAGS, ENCRYPTION_HELP, dashboardPort, parseEncryption } from '../clientOptions.js';
import { EXIT } from '../report.js';
import { parsePositive } from '../options.js';
import { parseSize } from '../units.js';
import { UsageError } from '../usageError.js';

/**
 * The `demo` command.
 *
 * @example
 * ```ts
 * declare const program: import('commander').Command;
 * program.addCommand(demoCommand());
 * ```
 */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run a whole swarm on loopback: tracker, seeder and leechers as separate processes')
    .option('--leechers <n>', 'leechers in the swarm', '4')
    .option('--size <size>', 'size of the shared file', '64MiB')
    .option('--seeder-rate <size>', 'upload limit of the seeder per second, so the leechers trade', '16MiB')
    .option('--timeout <seconds>', 'give up after this long', '300')
    .option(DASHBOARD_FLAGS, `${DASHBOARD_HELP}; the swarm then keeps seeding until Ctrl-C`)
    .option(ENCRYPTION_FLAGS, `${ENCRYPTION_HELP}, for every peer`, 'prefer')
    .option('--dht', 'no tracker: the peers find each other through a DHT node of the demo\'s own (loopback only)')
    .action(async (options: { leechers: string; size: string; seederRate: string; timeout: string; dashboard?: string | boolean; encryption?: string; dht?: boolean }) => {
      const leechers = parsePositive(options.leechers, '--leechers');
      const size = parseSize(options.size, '--size');
      if (size <= 0) throw new UsageError('--size must be above 0');
      if (leechers > 32) throw new UsageError('--leechers is at most 32 on one machine');
      const { runDemo } = await import('../demo/runDemo.js');
      const ok = await runDemo({
        leechers, size, seederRate: parseSize(options.seederRate, '--seeder-rate'),
        timeoutMs: parsePositive(options.timeout, '--timeout') * 1000, out: process.stderr,
        dashboard: dashboardPort(options.dashboard), encryption: parseEncryption(options.encryption), dht: options.dht === true,
      });
      process.exitCode = ok ? EXIT.ok : EXIT.failure;
    });
}
