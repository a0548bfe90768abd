/**
 * `rxtorrent create <file|dir> -t URL... [-o out.torrent] [--piece-length SIZE] [--private] [--comment TEXT] [--web-seed URL...] [--v2 | --hybrid]`
 *
 * @module
 */
import { Command, Option } from 'commander';
import { stat, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { CreateTorrentError } from '../../errors.js';
import { lastValueFrom, tap } from 'rxjs';
import { magnetOf } from '../../protocol/metainfo/index.js';
import { createTorrent, isValidPieceLength } from '../../streams/create/createTorrent.js';
import { progressView } from '../progressView.js';
import { formatBytes, parseSize } from '../units.js';
import { UsageError } from '../usageError.js';

/** Options after parsing. */
interface CreateOptions {
  tracker: string[];
  webSeed: string[];
  output?: string;
  pieceLength?: string;
  private?: boolean;
  comment?: string;
  v2?: boolean;
  hybrid?: boolean;
  force?: boolean;
}

/**
 * The `create` command.
 *
 * @example
 * ```ts
 * declare const program: import('commander').Command;
 * program.addCommand(createCommand());
 * ```
 */
export function createCommand(): Command {
  return new Command('create')
    .description('create a .torrent from a file or a folder')
    .argument('<path>', 'file or folder to share')
    .option('-t, --tracker <url>', 'announce URL (repeat for more tiers)', collect, [])
    .option('-o, --output <file>', 'where to write the .torrent (default: <name>.torrent)')
    .option('--piece-length <size>', 'bytes per piece, e.g. 256KiB (default: automatic)')
    .option('--private', 'private torrent (BEP 27): peers only from the tracker')
    .option('--comment <text>', 'free-text comment')
    .option('--web-seed <url>', 'BEP 19 web seed: an HTTP(S) folder (or, single file, the file) serving the content (repeatable)', collect, [])
    .addOption(new Option('--v2', 'BitTorrent v2 only (BEP 52): per-file SHA-256 Merkle trees').conflicts('hybrid'))
    .option('--hybrid', 'v1 and v2 in one torrent (BEP 52 + BEP 47 pad files): usable by every client')
    .option('-f, --force', 'overwrite the output file if it exists')
    .action(async (path: string, options: CreateOptions) => {
      const pieceLength = options.pieceLength === undefined ? undefined : parseSize(options.pieceLength, 'piece length');
      if (pieceLength !== undefined && !isValidPieceLength(pieceLength)) {
        throw new UsageError(`invalid piece length "${options.pieceLength}": a power of two from 16 KiB to 256 MiB (e.g. 256KiB, 1MiB)`);
      }
      const version = options.v2 === true ? 'v2' : options.hybrid === true ? 'hybrid' : 'v1';
      // The output is checked before hashing, not after an hour of it.
      const output = options.output ?? `${basename(resolve(path))}.torrent`;
      if (options.force !== true && (await stat(output).then(() => true, () => false))) {
        throw new CreateTorrentError('ERR_CREATE_OUTPUT_EXISTS', `${output} exists (use --force to overwrite it)`);
      }
      const started = Date.now();
      const view = progressView({ stream: process.stderr, label: 'hashing' });
      const done = await lastValueFrom(
        createTorrent(path, { trackers: options.tracker, pieceLength, private: options.private, comment: options.comment, version, urlList: options.webSeed }).pipe(
          tap((event) => {
            if (event.type !== 'progress') return;
            const seconds = (Date.now() - started) / 1000;
            const rate = seconds > 0 ? `${formatBytes(event.bytesHashed / seconds)}/s` : '';
            view.update({
              fraction: event.totalBytes === 0 ? 1 : event.bytesHashed / event.totalBytes,
              detail: `${formatBytes(event.bytesHashed)}/${formatBytes(event.totalBytes)} ${rate}`,
            });
          }),
        ),
      );
      view.finish();
      if (done.type !== 'done') return;
      await writeFile(output, done.bytes, { flag: options.force === true ? 'w' : 'wx' });
      const t = done.torrent;
      process.stdout.write(
        `created ${output}: ${t.name}, ${formatBytes(t.length)}, ${t.pieceCount} pieces of ${formatBytes(t.pieceLength)}\n` +
          `${t.version === 2 ? '' : `info-hash ${t.infoHash}\n`}${t.infoHashV2 === undefined ? '' : `info-hash v2 ${t.infoHashV2}\n`}${magnetOf(t)}\n`,
      );
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
