#!/usr/bin/env node
/**
 * The `rxtorrent` command line. Exit codes: 0 done, 1 runtime failure, 2 usage error.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import { createCommand } from './commands/create.js';
import { demoCommand } from './commands/demo.js';
import { downloadCommand } from './commands/download.js';
import { infoCommand } from './commands/info.js';
import { seedCommand } from './commands/seed.js';
import { trackerCommand } from './commands/tracker.js';
import { EXIT, reportError } from './report.js';

const program = new Command('rxtorrent')
  .description('BitTorrent client, seeder and tracker built on RxJS')
  .version(VERSION)
  .option('--verbose', 'print stack traces with errors')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .addCommand(createCommand())
  .addCommand(infoCommand())
  .addCommand(downloadCommand())
  .addCommand(seedCommand())
  .addCommand(trackerCommand())
  .addCommand(demoCommand());

for (const command of program.commands) command.exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // Commander already printed its message; help and --version are successes.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    const verbose = process.argv.includes('--verbose');
    process.exitCode = reportError(err, { verbose, write: (text) => process.stderr.write(text) });
  }
}
