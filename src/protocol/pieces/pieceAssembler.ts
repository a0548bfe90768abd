/**
 * Blocks → whole pieces, one buffer per piece (allocated at its first block; blocks are copied
 * into it once). The pure core of `assemblePieces`.
 *
 * @module
 */
import { PieceError } from '../../errors.js';
import { BLOCK_LENGTH, pieceSize } from '../metainfo/layout.js';
import type { Torrent } from '../metainfo/torrent.js';
import type { PeerKey } from '../scheduler/index.js';
import type { AssembledPiece, ReceivedBlock } from './types.js';

interface Pending {
  readonly data: Uint8Array;
  readonly got: Uint8Array;
  missing: number;
  readonly senders: PeerKey[];
  readonly hash: IncrementalHash | undefined;
  /** Blocks from the start already fed to `hash`. */
  hashed: number;
}

/** A hash fed piece by piece (`createHash('sha1')` fits). */
export interface IncrementalHash {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

/** The geometry an assembler needs. */
export type PieceGeometry = Pick<Torrent, 'pieceCount' | 'pieceLength' | 'length'>;

/**
 * Collects blocks until pieces are whole.
 *
 * @example
 * ```ts
 * declare const block: ReceivedBlock;
 * const assembler = new PieceAssembler(torrent);
 * const piece = assembler.add(block); // AssembledPiece once the last block arrives
 * ```
 */
export class PieceAssembler {
  private readonly pending = new Map<number, Pending>();

  /**
   * @param geometry - piece count and lengths
   * @param allocate - makes a piece buffer; the I/O edge may pass one that skips zero-filling
   *   (`Buffer.allocUnsafe`), since every byte is overwritten by a block before the piece is emitted
   * @param hash - when given, each piece is hashed while its blocks arrive (the in-order prefix,
   *   as it grows), so a piece's last block is followed by a hash of its tail only, not of the
   *   whole piece; the digest comes with the piece as `digest`
   */
  constructor(
    private readonly geometry: PieceGeometry,
    private readonly allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
    private readonly hash?: () => IncrementalHash,
  ) {}

  /** Pieces with at least one block and not yet whole. */
  get partialCount(): number {
    return this.pending.size;
  }

  /** Bytes held in partial pieces. */
  get bufferedBytes(): number {
    let n = 0;
    for (const p of this.pending.values()) n += p.data.length;
    return n;
  }

  /**
   * Adds one block; duplicates are ignored.
   *
   * @returns the whole piece when this block completed it
   * @throws {@link PieceError} for a block outside the piece or not on a 16 KiB boundary
   */
  add(block: ReceivedBlock): AssembledPiece | undefined {
    const { index, begin, data } = block;
    if (!Number.isInteger(index) || index < 0 || index >= this.geometry.pieceCount) {
      throw new PieceError('ERR_PIECE_OUT_OF_RANGE', `piece ${index} out of range`);
    }
    const size = pieceSize(this.geometry, index);
    const slot = begin / BLOCK_LENGTH;
    const expected = Math.min(BLOCK_LENGTH, size - begin);
    if (!Number.isInteger(slot) || begin < 0 || begin >= size || data.length !== expected) {
      throw new PieceError('ERR_PIECE_BAD_BLOCK', `block [${begin}, +${data.length}) does not fit piece ${index}`);
    }
    let piece = this.pending.get(index);
    if (piece === undefined) {
      const blocks = Math.ceil(size / BLOCK_LENGTH);
      piece = { data: this.allocate(size), got: new Uint8Array(blocks), missing: blocks, senders: new Array<PeerKey>(blocks), hash: this.hash?.(), hashed: 0 };
      this.pending.set(index, piece);
    }
    if (piece.got[slot] === 1) return undefined;
    piece.got[slot] = 1;
    piece.data.set(data, begin);
    piece.senders[slot] = block.peer;
    if (piece.hash !== undefined && slot === piece.hashed) hashPrefix(piece, size);
    if (--piece.missing > 0) return undefined;
    this.pending.delete(index);
    const assembled = { index, data: piece.data, peers: [...new Set(piece.senders)], blockPeers: piece.senders };
    return piece.hash === undefined ? assembled : { ...assembled, digest: piece.hash.digest() };
  }

  /** Forgets a partial piece (its blocks will be fetched again). */
  drop(index: number): void {
    this.pending.delete(index);
  }
}

/** Feeds the blocks that now extend the piece's in-order prefix to its hash, in one update. */
function hashPrefix(piece: Pending, size: number): void {
  let end = piece.hashed;
  while (end < piece.got.length && piece.got[end] === 1) end++;
  piece.hash!.update(piece.data.subarray(piece.hashed * BLOCK_LENGTH, Math.min(end * BLOCK_LENGTH, size)));
  piece.hashed = end;
}
