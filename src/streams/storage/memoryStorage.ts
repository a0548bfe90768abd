/**
 * Pieces in memory: for tests, demos and small in-process swarms.
 *
 * @module
 */
import { copyOf } from '../../protocol/bytes.js';
import { StorageError } from '../../errors.js';
import { pieceSize, type Torrent } from '../../protocol/metainfo/index.js';
import type { PieceStorage } from './pieceStorage.js';

/** A memory storage exposes what it holds. */
export interface MemoryStorage extends PieceStorage {
  /** Pieces written so far (or given at creation). */
  readonly pieces: ReadonlyMap<number, Uint8Array>;
  /** The whole content (missing pieces read as zeros). */
  content(): Uint8Array;
}

/**
 * A storage backed by memory, optionally pre-filled with the whole content (to seed).
 *
 * @param torrent - geometry of the content
 * @param config - `data`: the full content to seed
 * @example
 * ```ts
 * declare const fileBytes: Uint8Array;
 * const storage = memoryStorage(torrent, { data: fileBytes });
 * ```
 */
export function memoryStorage(torrent: Torrent, config: { data?: Uint8Array } = {}): MemoryStorage {
  const pieces = new Map<number, Uint8Array>();
  if (config.data !== undefined) {
    if (config.data.length !== torrent.length) {
      throw new StorageError('ERR_STORAGE_CONFLICT', `data has ${config.data.length} bytes; the torrent says ${torrent.length}`);
    }
    for (let i = 0; i < torrent.pieceCount; i++) {
      pieces.set(i, config.data.subarray(i * torrent.pieceLength, i * torrent.pieceLength + pieceSize(torrent, i)));
    }
  }
  const check = (index: number, begin: number, length: number): void => {
    const size = index >= 0 && index < torrent.pieceCount ? pieceSize(torrent, index) : -1;
    if (!Number.isInteger(begin) || begin < 0 || length < 0 || begin + length > size) {
      throw new StorageError('ERR_STORAGE_OUT_OF_RANGE', `piece ${index} [${begin}, +${length}) is outside the torrent`);
    }
  };
  return {
    pieces,
    async readBlock(index, begin, length) {
      check(index, begin, length);
      return (pieces.get(index) ?? new Uint8Array(pieceSize(torrent, index))).slice(begin, begin + length);
    },
    async readInto(index, begin, target) {
      check(index, begin, target.length);
      const piece = pieces.get(index);
      if (piece === undefined) target.fill(0);
      else target.set(piece.subarray(begin, begin + target.length));
    },
    async writePiece(index, data) {
      check(index, 0, data.length);
      pieces.set(index, copyOf(data));
    },
    async finalize() {},
    async close() {},
    content() {
      const out = new Uint8Array(torrent.length);
      for (const [i, piece] of pieces) out.set(piece, i * torrent.pieceLength);
      return out;
    },
  };
}
