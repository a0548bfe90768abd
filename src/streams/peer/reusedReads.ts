/**
 * Reading a socket into one reused buffer (Node's `onread` option) instead of a fresh 64 KiB
 * buffer per read. A download reads its whole payload through its sockets; fresh buffers made
 * that many megabytes of garbage per second, and the process's private memory followed the
 * garbage collector's pace (measured: 100–190 MiB of ArrayBuffers in flight on 1 GiB).
 *
 * The price: a chunk is valid only while it is being delivered. Everything downstream is
 * synchronous and copies what it keeps (the frame decoder copies frames that span chunks, the
 * assembler copies blocks, bitfields are copied), and a paused connection stops reading, so
 * its held messages stay valid until they are delivered.
 *
 * @module
 */

/** Size of the reused buffer: the largest read Node makes by default. */
export const READ_BUFFER_BYTES = 64 * 1024;

/**
 * The receiving end of a socket created with `onread: reads.onread`.
 *
 * @example
 * ```ts
 * import { connect } from 'node:net';
 * declare const host: string;
 * const reads = new ReusedReads();
 * const socket = connect({ host, port, onread: reads.onread });
 * const io = fromSocket(socket, reads);
 * ```
 */
export class ReusedReads {
  /** Pass as `net.connect({ onread })`. */
  readonly onread: { buffer: Uint8Array; callback: (bytes: number, buffer: Uint8Array) => boolean };
  private handler: ((chunk: Uint8Array) => void) | undefined;
  private paused = false;
  /** Chunks that arrived before anyone listened (copied: the buffer is reused). */
  private early: Uint8Array[] = [];

  constructor(size = READ_BUFFER_BYTES) {
    this.onread = {
      buffer: new Uint8Array(size),
      callback: (bytes, buffer) => {
        const view = buffer.subarray(0, bytes);
        if (this.handler !== undefined) this.handler(view);
        else this.early.push(view.slice());
        // Returning false stops reading until `socket.resume()`.
        return !this.paused;
      },
    };
  }

  /** Starts delivering chunks (first those that came early). */
  listen(handler: (chunk: Uint8Array) => void): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const chunk of early) handler(chunk);
  }

  /** Stops delivering. */
  unlisten(): void {
    this.handler = undefined;
  }

  /** Reading stops after the current chunk. */
  pause(): void {
    this.paused = true;
  }

  /** Reading may go on (the caller also calls `socket.resume()`). */
  resume(): void {
    this.paused = false;
  }
}
