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
import { parseMagnet } from '../../protocol/metainfo/index.js';
import { UsageError } from '../usageError.js';
import { clientOptions, dashboardPort, sharedOptions, type SharedOptions } from '../clientOptions.js';
import { withDashboard } from '../dashboard.js';
import { runSession } from '../runSession.js';
import { sessionView } from '../sessionView.js';

interface DownloadOptions extends SharedOptions {
  output: string;
  downloaded?: string;
  seed: boolean;
  saveTorrent?: string;
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
      .argument('<torrent>', '.torrent file or magnet: URI')
      .option('-o, --output <dir>', 'folder to save into', '.')
      .option('-d, --downloaded <content>', 'seed this content at once instead (the file, or the top folder)')
      .option('--no-seed', 'exit when the download completes')
      .option('--save-torrent <file>', 'for a magnet link: write the .torrent once the metadata is fetched'),
  ).action(async (source: string, options: DownloadOptions) => {
    const config = clientOptions(options);
    const port = dashboardPort(options.dashboard);
    const magnet = /^magnet:/i.test(source);
    if (magnet && options.downloaded !== undefined) throw new UsageError('-d seeds a .torrent\'s content; a magnet link has none yet');
    if (!magnet && options.saveTorrent !== undefined) throw new UsageError('--save-torrent is for magnet links');
    const view = sessionView({ stream: process.stderr, json: options.json === true });
    const states$ = magnet
      ? download(parseMagnet(source), { ...config, dir: options.output, seed: options.seed, saveTorrent: options.saveTorrent })
      : options.downloaded !== undefined
        ? seed(await readTorrent(source), { ...config, path: options.downloaded })
        : download(await readTorrent(source), { ...config, dir: options.output, seed: options.seed });
    const board = await withDashboard(states$, port, process.stderr);
    try {
      process.exitCode = await runSession(board.states$, view);
    } finally {
      await board.close();
    }
  });
}
