/**
 * Recycled piece buffers for the download path. Pieces are assembled, hashed, written and then
 * no longer needed; allocating a fresh buffer for each one left the heap to the garbage
 * collector and to malloc's free lists, and the download's private memory drifted upward with
 * the file size. A pool keeps the number of live piece buffers at what is actually in flight.
 *
 * @module
 */

/** Most idle buffers kept for reuse (more are left to the garbage collector). */
export const MAX_IDLE_PIECE_BUFFERS = 16;

/**
 * A pool of piece-sized buffers (the torrent's piece length; shorter pieces use a view).
 *
 * @example
 * ```ts
 * const pool = new PiecePool(torrent.pieceLength);
 * const data = pool.take(size);
 * pool.give(data); // once the piece is written or rejected
 * ```
 */
export class PiecePool {
  private readonly idle: Uint8Array[] = [];

  constructor(private readonly pieceLength: number) {}

  /** A buffer of `size` bytes (contents undefined: every byte is overwritten by a block). */
  take(size: number): Uint8Array {
    const buffer = this.idle.pop() ?? Buffer.allocUnsafeSlow(this.pieceLength);
    return size === this.pieceLength ? buffer : buffer.subarray(0, size);
  }

  /** Returns a buffer from {@link take}; it must no longer be used by anyone. */
  give(view: Uint8Array): void {
    if (this.idle.length >= MAX_IDLE_PIECE_BUFFERS || view.buffer.byteLength !== this.pieceLength) return;
    this.idle.push(new Uint8Array(view.buffer, 0, this.pieceLength));
  }
}
