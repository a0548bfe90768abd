/**
 * One-shot torrent tools: independent .torrent makers (mktorrent, transmission-create,
 * libtorrent) and independent readers of info-hashes (transmission-show, libtorrent), so specs can
 * check rxtorrent against them. Re-exported by `clients.ts`.
 */
import { fileURLToPath } from 'node:url';
import { run } from './proc.js';
import { PYTHON } from './tools.js';

/** Absolute path of the libtorrent driver script (run it with {@link PYTHON}). */
export const LT_DRIVER = fileURLToPath(new URL('../interop/drivers/lt_driver.py', import.meta.url));

/** Common options of the torrent makers. */
export interface CreateOptions {
  /** File or directory to describe. */
  path: string;
  /** Where to write the .torrent. */
  out: string;
  /** Announce URL. */
  tracker: string;
}

/**
 * `mktorrent -a TRACKER -o OUT [-l LOG2] PATH`.
 *
 * @param o - options; `pieceLengthLog2` is mktorrent's `-l` (default 18 = 256 KiB)
 * @returns `o.out`
 */
export async function mktorrentCreate(o: CreateOptions & { pieceLengthLog2?: number }): Promise<string> {
  const args = ['-a', o.tracker, '-o', o.out];
  if (o.pieceLengthLog2 !== undefined) args.push('-l', String(o.pieceLengthLog2));
  await run('mktorrent', [...args, o.path], { name: 'mktorrent' });
  return o.out;
}

/**
 * `transmission-create -o OUT -t TRACKER [-s KiB] PATH`.
 *
 * @param o - options; `pieceSizeKiB` is its `-s`
 * @returns `o.out`
 */
export async function transmissionCreate(o: CreateOptions & { pieceSizeKiB?: number }): Promise<string> {
  const args = ['-o', o.out, '-t', o.tracker];
  if (o.pieceSizeKiB !== undefined) args.push('-s', String(o.pieceSizeKiB));
  await run('transmission-create', [...args, o.path], { name: 'transmission-create' });
  return o.out;
}

/**
 * `lt_driver.py create`: libtorrent's default is a hybrid v1+v2 torrent with BEP 47 pad files.
 *
 * @param o - options; `pieceSize` in bytes (0 = libtorrent's choice), `v1Only` for a plain v1
 *   torrent, `v2Only` for a BEP 52 v2-only one
 * @returns the v1 info-hash (the v2 one for `v2Only`), lowercase hex
 */
export async function ltCreate(o: CreateOptions & { pieceSize?: number; v1Only?: boolean; v2Only?: boolean }): Promise<string> {
  const args = [LT_DRIVER, 'create', o.path, o.out, '--tracker', o.tracker];
  if (o.pieceSize !== undefined) args.push('--piece-size', String(o.pieceSize));
  if (o.v1Only) args.push('--v1-only');
  if (o.v2Only) args.push('--v2-only');
  const { lines } = await run(PYTHON, args, { name: 'lt-create' });
  return lines.at(-1)?.trim() ?? '';
}

/**
 * The info-hash `transmission-show` reports for a .torrent.
 *
 * @param torrent - path of the .torrent
 * @returns lowercase hex
 */
export async function transmissionShowInfoHash(torrent: string): Promise<string> {
  const { lines } = await run('transmission-show', [torrent], { name: 'transmission-show' });
  const m = lines.map((l) => l.match(/^\s*Hash: ([0-9a-f]{40})$/)).find((x) => x !== null);
  if (!m) throw new Error(`no "Hash:" line from transmission-show ${torrent}:\n${lines.join('\n')}`);
  return m[1]!;
}

/** What libtorrent reads from a .torrent (`lt_driver.py infohash --json`). */
export interface LtTorrentInfo {
  /** v1 info-hash (all zeros for a v2-only torrent). */
  infoHash: string;
  /** v2 info-hash, SHA-256 (all zeros for a v1-only torrent). */
  infoHashV2: string;
  hasV1: boolean;
  hasV2: boolean;
  /** `lt.make_magnet_uri`. */
  magnet: string;
  name: string;
  /** In the info dict's order; `pad` marks BEP 47 pad files; `root` is the v2 pieces root (hex). */
  files: { path: string; size: number; pad: boolean; root: string | null }[];
  pieceLength: number;
  numPieces: number;
  totalSize: number;
  trackers: string[];
  /** Whether it also has a v2 info-hash (hybrid torrent). */
  v2: boolean;
}

/**
 * libtorrent's reading of a .torrent.
 *
 * @param torrent - path of the .torrent
 * @returns the parsed JSON from the driver
 */
export async function ltTorrentInfo(torrent: string): Promise<LtTorrentInfo> {
  const { lines } = await run(PYTHON, [LT_DRIVER, 'infohash', '--json', torrent], { name: 'lt-info' });
  const json = lines.find((l) => l.startsWith('{'));
  if (json === undefined) throw new Error(`lt infohash --json printed no JSON:\n${lines.join('\n')}`);
  return JSON.parse(json) as LtTorrentInfo;
}

/**
 * The v1 info-hash libtorrent computes for a .torrent.
 *
 * @param torrent - path of the .torrent
 * @returns lowercase hex
 */
export async function ltInfoHash(torrent: string): Promise<string> {
  const { lines } = await run(PYTHON, [LT_DRIVER, 'infohash', torrent], { name: 'lt-infohash' });
  return lines[0]?.trim() ?? '';
}

/**
 * How many pieces of `torrent` libtorrent finds valid in `savePath` (a full hash check).
 *
 * @param torrent - path of the .torrent
 * @param savePath - directory holding the data (the torrent's name is a child of it)
 * @returns valid and total piece counts
 */
export async function ltRecheck(torrent: string, savePath: string): Promise<{ have: number; total: number }> {
  const { lines } = await run(PYTHON, [LT_DRIVER, 'recheck', torrent, savePath], {
    name: 'lt-recheck',
    timeoutSec: 600,
  });
  const m = lines.map((l) => l.match(/^VALID (\d+) (\d+)$/)).find((x) => x !== null);
  if (!m) throw new Error(`lt recheck printed no VALID line:\n${lines.join('\n')}`);
  return { have: Number(m[1]), total: Number(m[2]) };
}
