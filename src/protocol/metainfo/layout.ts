/**
 * Piece and file geometry: how the concatenated content of a torrent maps onto pieces, blocks and
 * files. Pure arithmetic over {@link Torrent}; storage and scheduling build on it.
 *
 * @module
 */
import type { Torrent, TorrentFile } from './torrent.js';

/** Bytes per block: the unit of a request (BEP 3 recommends 16 KiB; larger is often refused). */
export const BLOCK_LENGTH = 16 * 1024;

/** The part of one file covered by a byte range of the content. */
export interface FileSpan {
  /** Index into `torrent.files`. */
  readonly fileIndex: number;
  /** Offset inside that file. */
  readonly fileOffset: number;
  /** Offset inside the range that was asked for. */
  readonly rangeOffset: number;
  /** Bytes of the range that fall into this file. */
  readonly length: number;
}

/**
 * Length of piece `index` (only the last piece may be shorter).
 *
 * @example
 * ```ts
 * pieceSize({ pieceLength: 16, length: 40, pieceCount: 3 }, 2); // 8
 * ```
 */
export function pieceSize(torrent: Pick<Torrent, 'pieceLength' | 'length' | 'pieceCount'>, index: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= torrent.pieceCount) {
    throw new RangeError(`piece ${index} out of range 0..${torrent.pieceCount - 1}`);
  }
  return Math.min(torrent.pieceLength, torrent.length - index * torrent.pieceLength);
}

/**
 * The expected 20-byte SHA-1 of piece `index` (a view, not a copy).
 *
 * @example
 * ```ts
 * const expected = pieceHash(torrent, 0);
 * ```
 */
export function pieceHash(torrent: Pick<Torrent, 'pieces'>, index: number): Uint8Array {
  return torrent.pieces.subarray(index * 20, index * 20 + 20);
}

/**
 * Number of blocks in piece `index`.
 *
 * @example
 * ```ts
 * blockCount(torrent, torrent.pieceCount - 1);
 * ```
 */
export function blockCount(torrent: Pick<Torrent, 'pieceLength' | 'length' | 'pieceCount'>, index: number): number {
  return Math.ceil(pieceSize(torrent, index) / BLOCK_LENGTH);
}

/**
 * Splits the content range `[offset, offset + length)` into the files it touches, in order,
 * skipping empty files. Binary search: O(log files + files touched).
 *
 * @param files - the torrent's files (offsets ascending)
 * @param offset - start of the range in the concatenated content
 * @param length - bytes in the range
 * @returns one span per file touched (pad files included: callers skip them)
 * @example
 * ```ts
 * declare const index: number, size: number;
 * for (const span of fileSpans(torrent.files, index * torrent.pieceLength, size)) console.log(span);
 * ```
 */
export function fileSpans(files: readonly TorrentFile[], offset: number, length: number): FileSpan[] {
  const spans: FileSpan[] = [];
  let i = firstFileAt(files, offset);
  const end = offset + length;
  for (let pos = offset; pos < end && i < files.length; i++) {
    const file = files[i] as TorrentFile;
    const fileEnd = file.offset + file.length;
    if (file.length === 0 || fileEnd <= pos) continue;
    const take = Math.min(fileEnd, end) - pos;
    spans.push({ fileIndex: i, fileOffset: pos - file.offset, rangeOffset: pos - offset, length: take });
    pos += take;
  }
  return spans;
}

/** Index of the first file whose range ends after `offset`. */
function firstFileAt(files: readonly TorrentFile[], offset: number): number {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const file = files[mid] as TorrentFile;
    if (file.offset + file.length <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The pieces that overlap file `fileIndex` (first and last index, inclusive), or undefined for
 * an empty file.
 *
 * @example
 * ```ts
 * const range = piecesOfFile(torrent, 2); // { first: 3, last: 5 }
 * ```
 */
export function piecesOfFile(
  torrent: Pick<Torrent, 'pieceLength' | 'files'>,
  fileIndex: number,
): { first: number; last: number } | undefined {
  const file = torrent.files[fileIndex];
  if (file === undefined || file.length === 0) return undefined;
  return {
    first: Math.floor(file.offset / torrent.pieceLength),
    last: Math.floor((file.offset + file.length - 1) / torrent.pieceLength),
  };
}

/** Where a piece of a v2 or hybrid torrent lies: in one file, from a piece boundary of it. */
export interface V2PieceLocation {
  /** Index into `torrent.files` of the (non-pad) file holding the piece. */
  readonly fileIndex: number;
  /** The piece's index inside that file (0 for its first piece). */
  readonly filePiece: number;
  /**
   * Bytes of the file in the piece: `pieceLength`, or less for the file's last piece. The rest of
   * the piece (up to `pieceSize`) is pad file, zeros never written to disk.
   */
  readonly dataLength: number;
}

/**
 * The v2 mapping of piece `index` (BEP 52: pieces never span files; each non-empty file starts at
 * a piece boundary). For a v2 or hybrid torrent, `files` already holds the pad files that give that
 * alignment, so `fileSpans`, `pieceSize` and storage work unchanged; this names the file and the
 * piece inside it that v2 hashes are about. O(log files).
 *
 * @param torrent - a v2 or hybrid torrent
 * @param index - a piece index
 * @returns the file, its piece, and the bytes of data
 * @throws RangeError for an index out of range or a torrent that is not piece-aligned (v1)
 * @example
 * ```ts
 * const { fileIndex, filePiece, dataLength } = pieceInFile(torrent, 7);
 * ```
 */
export function pieceInFile(torrent: Pick<Torrent, 'pieceLength' | 'pieceCount' | 'files'>, index: number): V2PieceLocation {
  if (!Number.isInteger(index) || index < 0 || index >= torrent.pieceCount) {
    throw new RangeError(`piece ${index} out of range 0..${torrent.pieceCount - 1}`);
  }
  const start = index * torrent.pieceLength;
  const fileIndex = firstFileAt(torrent.files, start);
  const file = torrent.files[fileIndex];
  if (file === undefined || file.pad || file.offset % torrent.pieceLength !== 0 || file.offset > start) {
    throw new RangeError(`piece ${index} does not start inside a piece-aligned file: not a v2 layout`);
  }
  return {
    fileIndex,
    filePiece: (start - file.offset) / torrent.pieceLength,
    dataLength: Math.min(torrent.pieceLength, file.offset + file.length - start),
  };
}

/**
 * The bytes of content a user has: `length`, less, for a v2-only torrent, the pad files
 * libtorrent implies (they are not in the torrent; a v1 or hybrid torrent lists its own, and its
 * `length` counts them as BEP 47 says).
 *
 * @example
 * ```ts
 * console.log(`${contentLength(torrent)} bytes`); // what `rxtorrent info` calls the size
 * ```
 */
export function contentLength(torrent: Pick<Torrent, 'version' | 'length' | 'files'>): number {
  if (torrent.version !== 2) return torrent.length;
  return torrent.files.reduce((n, f) => (f.pad ? n : n + f.length), 0);
}
