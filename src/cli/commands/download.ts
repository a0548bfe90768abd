/**
 * `rxtorrent download <torrent> [-o DIR] [-d DOWNLOADED] [--ip IP] [-p PORT] [--peer ADDR]...
 * [--max-peers N] [--no-seed] [--json] [--dashboard[=PORT]]`. Without `-d` it downloads then
 * keeps seeding; with `-d` it seeds the given content at once (the seed's contract).
 *
 * @module
 */
import { Command } from 'commander';
import { download, seed } from '../../streams/download.js';
import { readTorrent } from '../../streams/readTorrent.js';
import { clientOptions, dashboardPort, sharedOptions, type SharedOptions } from '../clientOptions.js';
import { withDashboard } from '../dashboard.js';
import { runSession } from '../runSession.js';
import { sessionView } from '../sessionView.js';

interface DownloadOptions extends SharedOptions {
  output: string;
  downloaded?: string;
  seed: boolean;
}

/**
 * The `download` command.
 *
 * @example
 * ```ts
 * program.addCommand(downloadCommand());
 * ```
 */
export function downloadCommand(): Command {
  return sharedOptions(
    new Command('download')
      .description('download a torrent, then keep seeding it until Ctrl-C')
      .argument('<torrent>', '.torrent file')
      .option('-o, --output <dir>', 'folder to save into', '.')
      .option('-d, --downloaded <content>', 'seed this content at once instead (the file, or the top folder)')
      .option('--no-seed', 'exit when the download completes'),
  ).action(async (source: string, options: DownloadOptions) => {
    const config = clientOptions(options);
    const port = dashboardPort(options.dashboard);
    const torrent = await readTorrent(source);
    const view = sessionView({ stream: process.stderr, json: options.json === true });
    const states$ =
      options.downloaded !== undefined
        ? seed(torrent, { ...config, path: options.downloaded })
        : download(torrent, { ...config, dir: options.output, seed: options.seed });
    const board = await withDashboard(states$, port, process.stderr);
    try {
      process.exitCode = await runSession(board.states$, view);
    } finally {
      await board.close();
    }
  });
}
