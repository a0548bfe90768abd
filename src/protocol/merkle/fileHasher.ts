/**
 * The v2 hashing core of torrent creation: one file's bytes in (any chunking), its `pieces root`
 * and piece layer out. Memory: one piece's leaves plus the piece layer, never the file.
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto';
import { treeGeometry } from './geometry.js';
import { HASH_LENGTH, LEAF_LENGTH, isPowerOfTwo, layersAbove, nextPowerOfTwo } from './merkle.js';

/** What hashing one file gives. */
export interface FileHashes {
  /** The file's `pieces root` (32 bytes). */
  readonly piecesRoot: Uint8Array;
  /** One hash per piece (`pieces` × 32 bytes); for a file of one piece, its root. */
  readonly pieceLayer: Uint8Array;
  /** Pieces of the file. */
  readonly pieces: number;
}

/**
 * Incremental Merkle hasher for one non-empty file.
 *
 * @example
 * ```ts
 * declare const file: AsyncIterable<Uint8Array>;
 * const h = new FileMerkleHasher(262144);
 * for await (const chunk of file) h.update(chunk);
 * const { piecesRoot, pieceLayer } = h.digest();
 * ```
 */
export class FileMerkleHasher {
  readonly #blocksPerPiece: number;
  #block: Hash | undefined;
  #blockFilled = 0;
  #leaves: Uint8Array;
  #leafCount = 0;
  readonly #pieceHashes: Uint8Array[] = [];
  #total = 0;

  /** @param pieceLength - the torrent's piece length, a power of two ≥ 16 KiB */
  constructor(readonly pieceLength: number) {
    if (!isPowerOfTwo(pieceLength) || pieceLength < LEAF_LENGTH) {
      throw new RangeError(`piece length must be a power of two ≥ 16 KiB, got ${pieceLength}`);
    }
    this.#blocksPerPiece = pieceLength / LEAF_LENGTH;
    this.#leaves = new Uint8Array(this.#blocksPerPiece * HASH_LENGTH);
  }

  /** Bytes hashed so far. */
  get bytesHashed(): number {
    return this.#total;
  }

  /** Hashes the next `chunk` of the file (any length, including 0). */
  update(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      const take = Math.min(LEAF_LENGTH - this.#blockFilled, chunk.length - pos);
      this.#block ??= createHash('sha256');
      this.#block.update(chunk.subarray(pos, pos + take));
      this.#blockFilled += take;
      pos += take;
      if (this.#blockFilled === LEAF_LENGTH) this.#endBlock();
    }
    this.#total += chunk.length;
  }

  /**
   * Ends the file.
   *
   * @returns its root and piece layer
   * @throws RangeError for an empty file (it has no tree)
   */
  digest(): FileHashes {
    if (this.#blockFilled > 0) this.#endBlock();
    const g = treeGeometry(this.#total, this.pieceLength);
    if (g.singlePiece) {
      const width = nextPowerOfTwo(this.#leafCount);
      const root = layersAbove(this.#leaves.subarray(0, width * HASH_LENGTH), width, 0).at(-1)!.slice();
      return { piecesRoot: root, pieceLayer: root, pieces: 1 };
    }
    if (this.#leafCount > 0) this.#endPiece();
    const pieceLayer = new Uint8Array(this.#pieceHashes.length * HASH_LENGTH);
    this.#pieceHashes.forEach((h, i) => pieceLayer.set(h, i * HASH_LENGTH));
    const root = layersAbove(pieceLayer, nextPowerOfTwo(g.pieces), g.pieceHeight).at(-1)!;
    return { piecesRoot: root, pieceLayer, pieces: g.pieces };
  }

  #endBlock(): void {
    if (this.#leafCount === this.#blocksPerPiece) this.#endPiece();
    this.#leaves.set((this.#block as Hash).digest(), this.#leafCount * HASH_LENGTH);
    this.#leafCount++;
    this.#block = undefined;
    this.#blockFilled = 0;
  }

  /** The piece's root over a whole piece's leaves, zero leaves past the file's end. */
  #endPiece(): void {
    this.#leaves.fill(0, this.#leafCount * HASH_LENGTH);
    this.#pieceHashes.push(layersAbove(this.#leaves, this.#blocksPerPiece, 0).at(-1)!.slice());
    this.#leafCount = 0;
  }
}
