/**
 * What `rxtorrent download` runs once its options parsed: loaded lazily by the command, after the
 * process is tuned for a long transfer (see `heapTuning.ts`).
 *
 * @module
 */
import { join, resolve } from 'node:path';
import { parseMagnet, type Torrent } from '../../protocol/metainfo/index.js';
import { visibleFiles, type Priority } from '../../protocol/scheduler/pieceLevels.js';
import { download, seed } from '../../streams/download.js';
import { readTorrent } from '../../streams/readTorrent.js';
import { clientOptions, dashboardPort, optionalPort, type SharedOptions } from '../clientOptions.js';
import { parseCount, parseFileList } from '../options.js';
import { sessionView } from '../sessionView.js';
import { UsageError } from '../usageError.js';
import { planListen } from './listenPlan.js';
import { servedDownload } from './servedDownload.js';
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
  files?: string;
  sequential?: boolean;
  /** `--serve` alone is `true`; `--serve=PORT` gives the port. */
  serve?: string | boolean;
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
  const asked = {
    ...clientOptions(options),
    hashThreads: parseCount(options.hashThreads, '--hash-threads', MAX_HASH_THREADS),
    sequential: options.sequential === true,
  };
  const port = dashboardPort(options.dashboard);
  const servePort = optionalPort(options.serve, '--serve');
  const magnet = /^magnet:/i.test(source);
  if (magnet && options.downloaded !== undefined) throw new UsageError('-d seeds a .torrent\'s content; a magnet link has none yet');
  if (!magnet && options.saveTorrent !== undefined) throw new UsageError('--save-torrent is for magnet links');
  const timeoutSec = parseCount(options.metadataTimeout ?? '0', '--metadata-timeout', MAX_METADATA_TIMEOUT_SEC);
  if (!magnet && timeoutSec > 0) throw new UsageError('--metadata-timeout is for magnet links');
  const metadataTimeoutMs = timeoutSec === 0 ? undefined : timeoutSec * 1000;
  if (magnet && options.files !== undefined) {
    throw new UsageError('--files needs a .torrent: a magnet link\'s files are unknown until its metadata arrives (fetch it with --save-torrent, then rxtorrent info)');
  }
  if (options.downloaded !== undefined && options.files !== undefined) throw new UsageError('--files picks what to download; -d seeds content you have');
  const output = resolve(options.output);
  const view = sessionView({
    stream: process.stderr, json: options.json === true, quiet: options.quiet === true,
    savedTo: options.downloaded === undefined ? (s) => join(output, s.name) : undefined,
  });
  const quiet = options.quiet === true;
  if (magnet) {
    const link = parseMagnet(source);
    if (link.trackers.length === 0 && link.peers.length === 0 && asked.peers.length === 0 && asked.dht === undefined) {
      throw new UsageError('this magnet link names no tracker and no peer: turn the DHT on (--dht, or --dht-bootstrap HOST:PORT) or give one with --peer');
    }
    const config = await planListen(asked, link.trackers, quiet);
    const magnetConfig = { ...config, dir: options.output, seed: options.seed, saveTorrent: options.saveTorrent, metadataTimeoutMs };
    const states$ = servePort === undefined ? download(link, magnetConfig) : servedDownload({ kind: 'magnet', link, config: magnetConfig }, servePort, process.stderr);
    return runWithDashboard(states$, port, view);
  }
  const torrent = await readTorrent(source);
  const config = await planListen(asked, torrent.announce.flat(), quiet);
  const files = options.files === undefined ? undefined : filePriorities(torrent, parseFileList(options.files));
  const states$ = options.downloaded !== undefined
    ? servePort === undefined
      ? seed(torrent, { ...config, path: options.downloaded })
      : servedDownload({ kind: 'seed', torrent, config: { ...config, path: options.downloaded } }, servePort, process.stderr)
    : servePort === undefined
      ? download(torrent, { ...config, dir: options.output, seed: options.seed, files })
      : servedDownload({ kind: 'torrent', torrent, config: { ...config, dir: options.output, seed: options.seed, files } }, servePort, process.stderr);
  return runWithDashboard(states$, port, view);
}

/**
 * `--files`: the listed files normal, every other one skipped.
 *
 * @throws {@link UsageError} for an index the torrent does not have
 */
function filePriorities(torrent: Torrent, wanted: readonly number[]): Priority[] {
  const count = visibleFiles(torrent).length;
  const missing = wanted.filter((i) => i >= count);
  if (missing.length > 0) throw new UsageError(`--files: no file ${missing.join(', ')} in this torrent (it has ${count}, numbered from 0 as rxtorrent info prints them)`);
  const set = new Set(wanted);
  return Array.from({ length: count }, (_, i) => (set.has(i) ? 'normal' : 'skip'));
}
