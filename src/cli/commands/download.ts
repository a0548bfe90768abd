/**
 * `rxtorrent download <torrent> [-o DIR] [-d DOWNLOADED] [--ip IP] [-p PORT] [--peer ADDR]...
 * [--max-peers N] [--no-seed] [--hash-threads N] [--files LIST] [--sequential] [--serve[=PORT]]
 * [--json] [--dashboard[=PORT]]`. Without `-d` it downloads then keeps seeding; with `-d` it
 * seeds the given content at once (the seed's contract).
 *
 * @module
 */
import { Command } from 'commander';
import { sharedOptions } from '../clientOptions.js';
import { holdYoungGeneration } from '../heapTuning.js';
import type { DownloadOptions } from '../peer/runDownload.js';

/**
 * The `download` command.
 *
 * @example
 * ```ts
 * declare const program: import('commander').Command;
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
      .option('--save-torrent <file>', 'for a magnet link: write the .torrent once the metadata is fetched')
      .option('--metadata-timeout <seconds>', 'for a magnet link: give up when no peer sent the metadata in this time (0: wait)', '0')
      .option('--hash-threads <n>', 'worker threads that check piece hashes (0: on the main thread)', '0')
      .option('--files <list>', 'download only these files, e.g. 0,2 (indices as rxtorrent info prints them)')
      .option('--sequential', 'fetch pieces in order instead of rarest first')
      .option('--serve [port]', 'stream the files over HTTP on 127.0.0.1 while they download (default port: any free one) and print the URL'),
  ).action(async (source: string, options: DownloadOptions) => {
    // Tuned before the library loads: its modules alone would grow the young generation.
    holdYoungGeneration();
    const { runDownload } = await import('../peer/runDownload.js');
    process.exitCode = await runDownload(source, options);
  });
}
