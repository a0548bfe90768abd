/**
 * Recycled fixed-size buffers: the download path's piece buffers and the upload path's read-cache
 * windows. Pieces are assembled, hashed, written and then no longer needed; allocating a fresh
 * buffer for each one left the heap to the garbage collector and to malloc's free lists, and the
 * download's private memory drifted upward with the file size. A pool keeps the number of live
 * buffers at what is actually in flight.
 *
 * @module
 */

/**
 * Most bytes of idle buffers kept for reuse. The scheduler keeps at most 8 MiB of pieces pending,
 * so with this bound a buffer is practically never dropped: none becomes garbage, and the memory
 * of piece buffers is the peak in flight, not that plus whatever the collector has not reclaimed.
 */
export const MAX_IDLE_PIECE_BYTES = 32 * 1024 * 1024;

/**
 * A pool of buffers of one size (a piece's, a window's; shorter ones use a view).
 *
 * @example
 * ```ts
 * declare const size: number;
 * const pool = new PiecePool(torrent.pieceLength);
 * const data = pool.take(size);
 * pool.give(data); // once the piece is written or rejected
 * ```
 */
export class PiecePool {
  private readonly idle: Uint8Array[] = [];

  private readonly maxIdle: number;

  /**
   * @param pieceLength - the size of every buffer
   * @param maxIdleBytes - most bytes of idle buffers kept (at least one buffer)
   */
  constructor(private readonly pieceLength: number, maxIdleBytes = MAX_IDLE_PIECE_BYTES) {
    this.maxIdle = Math.max(1, Math.floor(maxIdleBytes / pieceLength));
  }

  /** A buffer of `size` bytes (contents undefined: every byte is overwritten by a block). */
  take(size: number): Uint8Array {
    const buffer = this.idle.pop() ?? Buffer.allocUnsafeSlow(this.pieceLength);
    return size === this.pieceLength ? buffer : buffer.subarray(0, size);
  }

  /** Returns a buffer from {@link take}; it must no longer be used by anyone. */
  give(view: Uint8Array): void {
    if (this.idle.length >= this.maxIdle || view.buffer.byteLength !== this.pieceLength) return;
    this.idle.push(new Uint8Array(view.buffer, 0, this.pieceLength));
  }
}
