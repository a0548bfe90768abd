/**
 * What `rxtorrent download` runs once its options parsed: loaded lazily by the command, after the
 * process is tuned for a long transfer (see `heapTuning.ts`).
 *
 * @module
 */
import { join, resolve } from 'node:path';
import { parseMagnet } from '../../protocol/metainfo/index.js';
import { download, seed } from '../../streams/download.js';
import { readTorrent } from '../../streams/readTorrent.js';
import { clientOptions, dashboardPort, type SharedOptions } from '../clientOptions.js';
import { parseCount } from '../options.js';
import { sessionView } from '../sessionView.js';
import { UsageError } from '../usageError.js';
import { runWithDashboard } from './withDashboard.js';

/** Longest `--metadata-timeout` (a week). */
export const MAX_METADATA_TIMEOUT_SEC = 7 * 24 * 3600;

/** Most hash worker threads `--hash-threads` accepts. */
export const MAX_HASH_THREADS = 16;

/** The options of `rxtorrent download`, as commander parsed them. */
export interface DownloadOptions extends SharedOptions {
  output: string;
  downloaded?: string;
  seed: boolean;
  saveTorrent?: string;
  metadataTimeout?: string;
  hashThreads: string;
}

/**
 * Downloads (or with `-d` seeds) one torrent or magnet link until done or interrupted.
 *
 * @param source - a .torrent path or a magnet URI
 * @param options - the command's options
 * @returns the exit code
 * @throws {@link UsageError} for options that contradict the source
 * @example
 * ```ts
 * process.exitCode = await runDownload('file.torrent', { output: '.', seed: false, ip: '127.0.0.1', port: '0', peer: [], maxPeers: '50', hashThreads: '0' });
 * ```
 */
export async function runDownload(source: string, options: DownloadOptions): Promise<number> {
  const config = { ...clientOptions(options), hashThreads: parseCount(options.hashThreads, '--hash-threads', MAX_HASH_THREADS) };
  const port = dashboardPort(options.dashboard);
  const magnet = /^magnet:/i.test(source);
  if (magnet && options.downloaded !== undefined) throw new UsageError('-d seeds a .torrent\'s content; a magnet link has none yet');
  if (!magnet && options.saveTorrent !== undefined) throw new UsageError('--save-torrent is for magnet links');
  const timeoutSec = parseCount(options.metadataTimeout ?? '0', '--metadata-timeout', MAX_METADATA_TIMEOUT_SEC);
  if (!magnet && timeoutSec > 0) throw new UsageError('--metadata-timeout is for magnet links');
  const metadataTimeoutMs = timeoutSec === 0 ? undefined : timeoutSec * 1000;
  const output = resolve(options.output);
  const view = sessionView({
    stream: process.stderr, json: options.json === true, quiet: options.quiet === true,
    savedTo: options.downloaded === undefined ? (s) => join(output, s.name) : undefined,
  });
  const states$ = magnet
    ? download(parseMagnet(source), { ...config, dir: options.output, seed: options.seed, saveTorrent: options.saveTorrent, metadataTimeoutMs })
    : options.downloaded !== undefined
      ? seed(await readTorrent(source), { ...config, path: options.downloaded })
      : download(await readTorrent(source), { ...config, dir: options.output, seed: options.seed });
  return runWithDashboard(states$, port, view);
}
