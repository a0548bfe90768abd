/**
 * The files of a torrent as a session's state shows them: path, length, priority and how much of
 * each is verified; and the readers streaming from it.
 *
 * @module
 */
import type { Torrent } from '../../protocol/metainfo/index.js';
import { visibleFiles, type Priority } from '../../protocol/scheduler/pieceLevels.js';
import type { ReaderPosition } from '../../protocol/scheduler/readahead.js';

/** Most files listed in a state (a state goes out every second; the rest are left out). */
export const MAX_FILE_VIEWS = 4096;

/** One file of the torrent in a state. */
export interface FileView {
  /** Index as `rxtorrent info` numbers files (pad files left out). */
  readonly index: number;
  /** Path inside the torrent, `/`-separated, starting with the torrent's name for a multi-file one. */
  readonly path: string;
  readonly length: number;
  readonly priority: Priority;
  /** Fraction of its bytes in verified pieces, 0..1 (1 for an empty file). */
  readonly progress: number;
}

/** A reader streaming from the torrent (`read$`, `createReadStream`, the stream server). */
export interface ReaderView {
  /** The file it reads, and its next byte and end in that file. */
  readonly file: number;
  readonly position: number;
  readonly end: number;
  /** Bytes/s it reads at lately. */
  readonly rate: number;
}

/**
 * Every file's view (at most {@link MAX_FILE_VIEWS}): linear in pieces and files.
 *
 * @param torrent - geometry and files
 * @param has - true for a verified piece
 * @param priorities - per visible file (missing: normal)
 * @returns the views, in `rxtorrent info` order
 * @example
 * ```ts
 * declare const book: ProgressBook;
 * fileViewsOf(torrent, (i) => book.have.has(i), ['skip', 'normal']);
 * ```
 */
export function fileViewsOf(torrent: Torrent, has: (index: number) => boolean, priorities: readonly Priority[]): FileView[] {
  const { pieceLength } = torrent;
  return visibleFiles(torrent).slice(0, MAX_FILE_VIEWS).map((file, index) => {
    let had = 0;
    if (file.length > 0) {
      const end = file.offset + file.length;
      for (let p = Math.floor(file.offset / pieceLength); p * pieceLength < end; p++) {
        if (has(p)) had += Math.min(end, (p + 1) * pieceLength) - Math.max(file.offset, p * pieceLength);
      }
    }
    return { index, path: file.relativePath, length: file.length, priority: priorities[index] ?? 'normal', progress: file.length === 0 ? 1 : had / file.length };
  });
}

/**
 * The readers in file terms (a reader is always inside one file).
 *
 * @example
 * ```ts
 * declare const control: HandleControl;
 * readerViewsOf(torrent, control.readers);
 * ```
 */
export function readerViewsOf(torrent: Torrent, readers: readonly ReaderPosition[]): ReaderView[] {
  const files = visibleFiles(torrent);
  return readers.flatMap((r) => {
    const file = files.findIndex((f) => r.position >= f.offset && r.position <= f.offset + f.length && r.end <= f.offset + f.length);
    const at = files[file];
    return at === undefined ? [] : [{ file, position: r.position - at.offset, end: r.end - at.offset, rate: r.rate }];
  });
}
