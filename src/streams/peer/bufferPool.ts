/**
 * Reused write buffers for an encrypted connection. An RC4 connection cannot send a block where
 * it lies (the cipher writes the bytes), so each piece message is encrypted into a buffer of its
 * own; taking those from a pool, and giving them back when the socket has written them, saves a
 * fresh 16 KiB `ArrayBuffer` per block (its `malloc` and its share of V8's external-memory
 * collections).
 *
 * @module
 */

/** Writes smaller than this are not pooled (control messages: allocating them costs little). */
export const POOLED_WRITE_MIN_BYTES = 1024;
/** Buffers kept per size. */
const PER_SIZE = 16;
/** Sizes kept (a connection's piece messages come in one or two sizes). */
const SIZES = 4;

/**
 * Buffers by exact size, a few of each.
 *
 * @example
 * ```ts
 * declare const socket: SocketStream;
 * const pool = new BufferPool();
 * const out = pool.take(16397);
 * socket.lend(() => pool.give(out), out);
 * ```
 */
export class BufferPool {
  readonly #free = new Map<number, Uint8Array[]>();

  /** A buffer of `size` bytes (contents undefined). */
  take(size: number): Uint8Array {
    return this.#free.get(size)?.pop() ?? new Uint8Array(size);
  }

  /** Gives `buffer` back once nothing holds it. */
  give(buffer: Uint8Array): void {
    let list = this.#free.get(buffer.length);
    if (list === undefined) {
      if (this.#free.size >= SIZES) return;
      list = [];
      this.#free.set(buffer.length, list);
    }
    if (list.length < PER_SIZE) list.push(buffer);
  }
}
