/**
 * What the user wants of a torrent — a priority per file, and per byte range — as one priority
 * level per piece for the scheduler. A piece shared by files of different priorities takes the
 * highest (a wanted file's bytes must be fetched even if a skipped neighbour shares the piece).
 *
 * @module
 */
import type { Torrent } from '../metainfo/index.js';
import type { PieceLevel } from './availability.js';

/** How much a file, or a byte range, is wanted. */
export type Priority = 'skip' | 'normal' | 'high';

/** The scheduler level of a priority. */
export const PRIORITY_LEVEL: Readonly<Record<Priority, PieceLevel>> = Object.freeze({ skip: 0, normal: 1, high: 2 });

/** A byte range of one file with a priority of its own (it overrides the file's). */
export interface RangePriority {
  /** Index among the torrent's files that are not BEP 47 pad files (as `rxtorrent info` numbers them). */
  readonly file: number;
  /** First byte, in the file. */
  readonly start: number;
  /** One past the last byte, in the file. */
  readonly end: number;
  readonly priority: Priority;
}

/**
 * The files a user can name: the torrent's files without BEP 47 pad files, in layout order.
 *
 * @example
 * ```ts
 * visibleFiles(torrent).map((f, i) => `${i} ${f.relativePath}`);
 * ```
 */
export function visibleFiles(torrent: Pick<Torrent, 'files'>): Torrent['files'] {
  return torrent.files.filter((f) => !f.pad);
}

/**
 * One level per piece: for each piece, the highest priority of a byte it holds, where a byte
 * takes its file's priority unless a range covering it says otherwise (later ranges win).
 * Pad-file bytes count for nothing. Linear in pieces, files and ranges.
 *
 * @param torrent - geometry and files
 * @param files - priority per visible file (missing: normal)
 * @param ranges - ranges with their own priority
 * @returns a fresh array of `pieceCount` levels (0 skip, 1 normal, 2 high)
 * @example
 * ```ts
 * pieceLevels(torrent, ['skip', 'normal'], [{ file: 1, start: 0, end: 1 << 20, priority: 'high' }]);
 * ```
 */
export function pieceLevels(torrent: Pick<Torrent, 'files' | 'pieceLength' | 'pieceCount'>, files: readonly Priority[], ranges: readonly RangePriority[] = []): Uint8Array {
  const levels = new Uint8Array(torrent.pieceCount);
  const visible = visibleFiles(torrent);
  const raise = (start: number, end: number, level: number): void => {
    if (end <= start || level === 0) return;
    const last = Math.min(torrent.pieceCount - 1, Math.floor((end - 1) / torrent.pieceLength));
    for (let p = Math.floor(start / torrent.pieceLength); p <= last; p++) if (levels[p]! < level) levels[p] = level;
  };
  visible.forEach((file, i) => {
    const own = PRIORITY_LEVEL[files[i] ?? 'normal'];
    // The file's bytes outside every range of its own keep its priority.
    const cuts = ranges
      .filter((r) => r.file === i)
      .map((r) => ({ start: clamp(r.start, file.length), end: clamp(r.end, file.length), level: PRIORITY_LEVEL[r.priority] }))
      .filter((r) => r.end > r.start);
    for (const [start, end, level] of overlay(file.length, own, cuts)) raise(file.offset + start, file.offset + end, level);
  });
  return levels;
}

/**
 * Which of `torrent.files` (pad files included, as storage numbers them) must exist on disk: those
 * the user did not skip, those with a range of their own that is not skipped, and those a reader
 * is reading (`windows`, in torrent byte space). The rest are never created.
 *
 * @param torrent - files
 * @param files - priority per visible file (missing: normal)
 * @param ranges - ranges with their own priority
 * @param windows - byte ranges readers need, `[start, end)` in the torrent
 * @returns one flag per entry of `torrent.files` (false for pad files)
 * @example
 * ```ts
 * wantedFiles(torrent, ['skip', 'normal']); // [false, true]
 * ```
 */
export function wantedFiles(
  torrent: Pick<Torrent, 'files'>, files: readonly Priority[], ranges: readonly RangePriority[] = [], windows: readonly { start: number; end: number }[] = [],
): boolean[] {
  let visible = -1;
  return torrent.files.map((file) => {
    if (file.pad) return false;
    const i = ++visible;
    if ((files[i] ?? 'normal') !== 'skip') return true;
    if (ranges.some((r) => r.file === i && r.priority !== 'skip' && r.end > r.start)) return true;
    return windows.some((w) => w.start < file.offset + file.length && w.end > file.offset);
  });
}

/** `[start, end, level]` pieces of `[0, length)`: `base` overlaid with each cut in turn. */
function overlay(length: number, base: number, cuts: readonly { start: number; end: number; level: number }[]): [number, number, number][] {
  let parts: [number, number, number][] = [[0, length, base]];
  for (const cut of cuts) {
    const next: [number, number, number][] = [];
    for (const [s, e, l] of parts) {
      if (e <= cut.start || s >= cut.end) next.push([s, e, l]);
      else {
        if (s < cut.start) next.push([s, cut.start, l]);
        if (e > cut.end) next.push([cut.end, e, l]);
      }
    }
    next.push([cut.start, cut.end, cut.level]);
    parts = next;
  }
  return parts;
}

function clamp(n: number, length: number): number {
  return Math.max(0, Math.min(length, Math.floor(n)));
}
