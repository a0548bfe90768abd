/**
 * Streaming as the scheduler sees it: each reader of a byte range wants the pieces just ahead of
 * its position first, over a readahead window that follows how fast it reads (the models:
 * anacrolix/torrent's `Reader` readahead and libtorrent's piece deadlines). The pieces in the
 * windows become the scheduler's deadlines, nearest first, and their bytes high priority.
 *
 * @module
 */

/** One reader, in the torrent's concatenated byte space. */
export interface ReaderPosition {
  /** The next byte it will read. */
  readonly position: number;
  /** One past the last byte it wants. */
  readonly end: number;
  /** Bytes/s it has been reading at lately (0 before it read anything). */
  readonly rate: number;
}

/** Tuning of {@link readaheadWindows}. */
export interface ReadaheadConfig {
  /** Seconds of reading at the reader's rate the window covers. @default 10 */
  readonly seconds?: number;
  /** Least window, in bytes (and at least two pieces). @default 2 MiB */
  readonly minBytes?: number;
  /** Largest window, in bytes. @default 64 MiB */
  readonly maxBytes?: number;
}

/** The readahead of every reader. */
export interface ReadaheadPlan {
  /** Pieces to fetch first, nearest to a reader's position first (each once). */
  readonly deadlines: readonly number[];
  /** The windows, `[start, end)` in the torrent's byte space, to raise to high priority. */
  readonly windows: readonly { readonly start: number; readonly end: number }[];
}

/**
 * The deadlines and high-priority windows of a set of readers.
 *
 * @param readers - where each reader is, where it stops and how fast it reads
 * @param geometry - the torrent's piece length and count, and which pieces we have
 * @param config - window size
 * @returns deadlines (pieces we lack, nearest first) and windows
 * @example
 * ```ts
 * declare const file: TorrentFile, pieceLength: number, book: ProgressBook;
 * readaheadWindows([{ position: 0, end: file.length, rate: 0 }], { pieceLength, pieceCount, has: (i) => book.have.has(i) });
 * ```
 */
export function readaheadWindows(
  readers: readonly ReaderPosition[],
  geometry: { readonly pieceLength: number; readonly pieceCount: number; readonly has: (index: number) => boolean },
  config: ReadaheadConfig = {},
): ReadaheadPlan {
  const { pieceLength, pieceCount } = geometry;
  const minBytes = Math.max(config.minBytes ?? 2 * 1024 * 1024, 2 * pieceLength);
  const maxBytes = Math.max(minBytes, config.maxBytes ?? 64 * 1024 * 1024);
  const seconds = config.seconds ?? 10;
  const windows: { start: number; end: number }[] = [];
  const wanted: { index: number; distance: number }[] = [];
  for (const reader of readers) {
    if (!(reader.end > reader.position)) continue;
    const size = Math.min(maxBytes, Math.max(minBytes, reader.rate * seconds));
    const end = Math.min(reader.end, reader.position + size);
    windows.push({ start: reader.position, end });
    const last = Math.min(pieceCount - 1, Math.floor((end - 1) / pieceLength));
    for (let index = Math.floor(reader.position / pieceLength); index <= last; index++) {
      if (!geometry.has(index)) wanted.push({ index, distance: Math.max(0, index * pieceLength - reader.position) });
    }
  }
  wanted.sort((a, b) => a.distance - b.distance || a.index - b.index);
  const seen = new Set<number>();
  const deadlines: number[] = [];
  for (const { index } of wanted) {
    if (seen.has(index)) continue;
    seen.add(index);
    deadlines.push(index);
  }
  return { deadlines, windows };
}
