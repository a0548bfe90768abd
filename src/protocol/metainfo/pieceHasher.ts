/**
 * The piece-hashing core: bytes in, 20-byte SHA-1 per piece out, for any chunking of the input.
 * Used to create torrents and to recheck data on disk.
 *
 * @module
 */
import { createHash, type Hash } from 'node:crypto';

/**
 * Incremental piece hasher. Feed the torrent's content in order, in chunks of any size; every
 * time a piece boundary is crossed its hash is appended. No input bytes are copied.
 *
 * @example
 * ```ts
 * declare const stream: AsyncIterable<Uint8Array>;
 * const hasher = new PieceHasher(256 * 1024);
 * for await (const chunk of stream) hasher.update(chunk);
 * const pieces = hasher.digest(); // 20 bytes per piece
 * ```
 */
export class PieceHasher {
  private hash: Hash | undefined;
  private filled = 0;
  private readonly out: Uint8Array[] = [];
  private total = 0;

  /** @param pieceLength - bytes per piece, > 0 */
  constructor(private readonly pieceLength: number) {
    if (!Number.isSafeInteger(pieceLength) || pieceLength <= 0) {
      throw new RangeError(`piece length must be a positive integer, got ${pieceLength}`);
    }
  }

  /** Bytes hashed so far. */
  get bytesHashed(): number {
    return this.total;
  }

  /** Pieces completed so far. */
  get piecesDone(): number {
    return this.out.length;
  }

  /** Hashes `chunk` (any length, including 0). */
  update(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      const take = Math.min(this.pieceLength - this.filled, chunk.length - pos);
      this.hash ??= createHash('sha1');
      this.hash.update(chunk.subarray(pos, pos + take));
      this.filled += take;
      pos += take;
      if (this.filled === this.pieceLength) this.finishPiece();
    }
    this.total += chunk.length;
  }

  /**
   * Ends the input: a partial last piece is hashed as it is.
   *
   * @returns the concatenated 20-byte hashes of all pieces
   */
  digest(): Uint8Array {
    if (this.filled > 0) this.finishPiece();
    const pieces = new Uint8Array(this.out.length * 20);
    this.out.forEach((h, i) => pieces.set(h, i * 20));
    return pieces;
  }

  private finishPiece(): void {
    this.out.push(new Uint8Array((this.hash as Hash).digest()));
    this.hash = undefined;
    this.filled = 0;
  }
}

/**
 * SHA-1 of one whole piece.
 *
 * @example
 * ```ts
 * declare const piece: Uint8Array, index: number;
 * const ok = Buffer.from(sha1(piece)).equals(pieceHash(torrent, index));
 * ```
 */
export function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}
