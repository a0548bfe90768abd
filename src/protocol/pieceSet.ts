/**
 * `PieceSet`: an immutable set of piece indices with cheap updates. A peer announces its pieces
 * one `have` at a time; a model that copied a whole bitfield per `have` would cost O(pieces²) over
 * a peer's life (262,144 pieces: 8 GiB of copying). Here the bits live in chunks of 1,024 pieces
 * shared between versions, so adding a piece copies one 128-byte chunk and the chunk table.
 *
 * @module
 */
import { Bitfield } from './bitfield.js';

/** Pieces per chunk (128 bytes of bits). */
const CHUNK_PIECES = 1024;
const CHUNK_BYTES = CHUNK_PIECES / 8;
const EMPTY_CHUNK = new Uint8Array(CHUNK_BYTES);
const FULL_CHUNK = new Uint8Array(CHUNK_BYTES).fill(0xff);

/**
 * An immutable set of pieces of one torrent.
 *
 * @example
 * ```ts
 * const a = PieceSet.empty(4000);
 * const b = a.with(7);      // a is unchanged
 * b.has(7) && !a.has(7);    // true
 * ```
 */
export class PieceSet implements Iterable<number> {
  private constructor(
    /** Number of pieces in the torrent. */
    readonly pieceCount: number,
    /** Pieces in the set. */
    readonly count: number,
    private readonly chunks: readonly Uint8Array[],
  ) {}

  /** No piece of `pieceCount`. */
  static empty(pieceCount: number): PieceSet {
    return new PieceSet(pieceCount, 0, new Array<Uint8Array>(Math.ceil(pieceCount / CHUNK_PIECES)).fill(EMPTY_CHUNK));
  }

  /** Every piece of `pieceCount`. */
  static full(pieceCount: number): PieceSet {
    const chunks = new Array<Uint8Array>(Math.ceil(pieceCount / CHUNK_PIECES)).fill(FULL_CHUNK);
    return new PieceSet(pieceCount, pieceCount, chunks);
  }

  /** The pieces of a bitfield (copied). */
  static of(bitfield: Bitfield): PieceSet {
    const bytes = bitfield.toBytes();
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      const chunk = new Uint8Array(CHUNK_BYTES);
      chunk.set(bytes.subarray(at, at + CHUNK_BYTES));
      chunks.push(chunk);
    }
    return new PieceSet(bitfield.pieceCount, bitfield.count, chunks);
  }

  /** True when every piece is in the set. */
  get isComplete(): boolean {
    return this.count === this.pieceCount;
  }

  /** True when piece `index` is in the set (false outside the torrent). */
  has(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) return false;
    const chunk = this.chunks[Math.floor(index / CHUNK_PIECES)] as Uint8Array;
    const bit = index % CHUNK_PIECES;
    return (chunk[bit >> 3]! & (0x80 >> (bit & 7))) !== 0;
  }

  /**
   * The set with `index` added: this set itself when it already holds it or `index` is outside
   * the torrent.
   */
  with(index: number): PieceSet {
    if (this.has(index) || !Number.isInteger(index) || index < 0 || index >= this.pieceCount) return this;
    const at = Math.floor(index / CHUNK_PIECES);
    const chunk = Uint8Array.from(this.chunks[at] as Uint8Array);
    const bit = index % CHUNK_PIECES;
    chunk[bit >> 3] = chunk[bit >> 3]! | (0x80 >> (bit & 7));
    const chunks = this.chunks.slice();
    chunks[at] = chunk;
    return new PieceSet(this.pieceCount, this.count + 1, chunks);
  }

  /** The BEP 3 bitfield payload of the set (a fresh copy). */
  toBytes(): Uint8Array {
    const out = new Uint8Array(Math.ceil(this.pieceCount / 8));
    this.chunks.forEach((chunk, i) => out.set(chunk.subarray(0, Math.min(CHUNK_BYTES, out.length - i * CHUNK_BYTES)), i * CHUNK_BYTES));
    // A full chunk beyond the last piece sets spare bits: clear them.
    const spare = out.length * 8 - this.pieceCount;
    if (spare > 0) out[out.length - 1] = out[out.length - 1]! & (0xff << spare);
    return out;
  }

  /** The set as a mutable {@link Bitfield} (a copy). */
  toBitfield(): Bitfield {
    return Bitfield.fromBytes(this.toBytes(), this.pieceCount);
  }

  /** Indices in the set, ascending. */
  *[Symbol.iterator](): Iterator<number> {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c] as Uint8Array;
      if (chunk === EMPTY_CHUNK) continue;
      for (let bit = 0; bit < CHUNK_PIECES; bit++) {
        const index = c * CHUNK_PIECES + bit;
        if (index >= this.pieceCount) return;
        if ((chunk[bit >> 3]! & (0x80 >> (bit & 7))) !== 0) yield index;
      }
    }
  }
}
