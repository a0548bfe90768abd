/**
 * `fromSocket(socket)`: a connected TCP socket as an observable of the bytes it receives plus a
 * `write` that honours backpressure. The one place peer code touches Node's `Buffer`: chunks
 * come out as plain `Uint8Array` views.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { Observable } from 'rxjs';
import { PeerError } from '../../errors.js';
import type { ReusedReads } from './reusedReads.js';

/** A socket as bytes in and a promise-returning write. */
export interface SocketStream {
  /**
   * The bytes received, as they arrive. Subscribing starts reading; it completes when the peer
   * closes, gracefully or with a reset (`ECONNRESET`, `EPIPE`: a peer that closes with our data
   * unread resets, and either way it is gone); errors with {@link PeerError}
   * `ERR_PEER_SOCKET_ERROR` (the socket error as `cause`) on any other socket error.
   * Unsubscribing destroys the socket. Subscribe once.
   */
  readonly bytes$: Observable<Uint8Array>;
  /**
   * Writes `chunks` back to back with no copy (a piece header and its block). Everything written
   * in one tick leaves in one `writev` at its end: a burst of requests or haves, or the blocks
   * served for one read of requests (as many as the socket's backpressure let through).
   * @returns resolves at once while the socket's buffer is below its high-water mark, else after
   *   `drain`; also when the socket is (or becomes) closed. Never rejects.
   */
  write(...chunks: readonly Uint8Array[]): Promise<void>;
  /**
   * Writes `chunks` as {@link SocketStream.write} does, for memory the caller lends: `release` is
   * called once the socket no longer holds them (they reached the kernel, or the socket closed
   * and dropped them). The chunks must not change until then.
   */
  lend(release: () => void, ...chunks: readonly Uint8Array[]): Promise<void>;
  /**
   * Stops reading: TCP flow control then slows the peer down. Reading also stops by itself while
   * more than {@link MAX_UNSENT_BYTES} (or {@link MAX_UNSENT_WRITES} writes) wait to be sent (a
   * peer that asks and never reads).
   */
  pause(): void;
  /** Reads again after {@link SocketStream.pause}. */
  resume(): void;
  /** Closes the socket at once, dropping unsent data. Idempotent. */
  destroy(): void;
  /** True once the socket is destroyed. */
  readonly destroyed: boolean;
}

const RESOLVED = Promise.resolve();
/**
 * Most bytes queued for a peer before we stop reading from it: whatever it asks for (blocks,
 * rejects, metadata pieces), what it does not read cannot grow past this plus one read's replies.
 */
export const MAX_UNSENT_BYTES = 1024 * 1024;
/**
 * Most writes queued for a peer (counted from the first one the socket held back until it
 * drains) before we stop reading from it: each costs far more memory than its bytes (a 17-byte
 * reject is a buffer, a write request and a callback), so bytes alone do not bound it. Measured:
 * a peer that requests and never reads (spec/heavy/seedNoRead.spec.ts) grew the seeder's RssAnon
 * by 100 MiB under the byte bound alone, by 55 MiB with this one too (V8 heap kept after garbage; live heap +1 MiB).
 */
export const MAX_UNSENT_WRITES = 1024;
/** Socket error codes that only mean the peer has closed the connection. */
const CLOSED_BY_PEER = new Set(['ECONNRESET', 'EPIPE']);
const ignore = (): void => undefined;

/** Destroys a socket so that a late error event cannot become an uncaught exception. */
function destroyQuietly(socket: Socket): void {
  if (!socket.listeners('error').includes(ignore)) socket.on('error', ignore);
  socket.destroy();
}

/**
 * Wraps a connected socket.
 *
 * ```
 * socket:  --[data]--[data]--end
 * bytes$:  --a-------b-------|
 * ```
 *
 * @param socket - a connected (or connecting) `net.Socket`
 * @param reads - when the socket was created with `onread: reads.onread`, where its bytes arrive
 *   (chunks are then views of one reused buffer, valid only while delivered)
 * @returns the byte stream and writer
 * @example
 * ```ts
 * declare function handle(message: DecodedMessage): void;
 * const io = fromSocket(socket);
 * io.bytes$.pipe(frameMessages(), decodeMessages()).subscribe(handle);
 * await io.write(encodeMessage({ type: 'interested' }));
 * ```
 */
export function fromSocket(socket: Socket, reads?: ReusedReads): SocketStream {
  let drained: Promise<void> | undefined;
  const waitForDrain = (): Promise<void> =>
    (drained ??= new Promise<void>((resolve) => {
      const done = (): void => {
        socket.off('drain', done).off('close', done);
        drained = undefined;
        resolve();
      };
      socket.on('drain', done).on('close', done);
    }));

  // Reading runs unless paused by the owner or held back by unsent bytes.
  let paused = false;
  let backlogged = false;
  /** Writes since the socket last held one back, until it drains. */
  let held = 0;
  socket.on('drain', () => (held = 0));
  const apply = (): void => {
    if (paused || backlogged) {
      reads?.pause();
      socket.pause();
    } else {
      reads?.resume();
      socket.resume();
    }
  };
  const unblock = (): void => {
    backlogged = false;
    apply();
  };

  let corked = false;
  const uncork = (): void => {
    corked = false;
    socket.uncork();
  };

  const bytes$ = new Observable<Uint8Array>((subscriber) => {
    const onData = (chunk: Buffer): void => subscriber.next(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    const onEnd = (): void => subscriber.complete();
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code !== undefined && CLOSED_BY_PEER.has(err.code)) subscriber.complete();
      else subscriber.error(new PeerError('ERR_PEER_SOCKET_ERROR', `socket error: ${err.message}`, { cause: err }));
    };
    if (reads === undefined) socket.on('data', onData);
    else reads.listen((chunk) => subscriber.next(chunk));
    socket.on('end', onEnd).on('close', onEnd).on('error', onError);
    if (socket.destroyed) subscriber.complete();
    else if (!backlogged) socket.resume();
    return () => {
      reads?.unlisten();
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', onError);
      if (corked) uncork();
      destroyQuietly(socket);
    };
  });

  const write = (release: (() => void) | undefined, chunks: readonly Uint8Array[]): Promise<void> => {
    if (socket.destroyed || !socket.writable) {
      release?.();
      return RESOLVED;
    }
    // What is written in one tick leaves in one writev: a burst of requests or haves is one
    // syscall, not one each (measured: per-message writes were a quarter of a download's CPU),
    // and so are the blocks served in one tick. The socket's backpressure is unchanged: write()
    // still says when its buffer is past the high-water mark.
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(uncork);
    }
    let ok = true;
    // Node calls a write's callback once it reached the kernel, or with an error when the
    // socket is destroyed first: either way the memory is no longer held.
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) ok = socket.write(chunks[i]!);
    if (last >= 0) ok = release === undefined ? socket.write(chunks[last]!) : socket.write(chunks[last]!, () => release());
    else release?.();
    if (!ok || held > 0) held += chunks.length;
    if (!backlogged && (socket.writableLength > MAX_UNSENT_BYTES || held > MAX_UNSENT_WRITES)) {
      backlogged = true;
      apply();
      socket.once('drain', unblock);
    }
    return ok ? RESOLVED : waitForDrain();
  };

  return {
    bytes$,
    write: (...chunks) => write(undefined, chunks),
    lend: (release, ...chunks) => write(release, chunks),
    pause: () => {
      paused = true;
      apply();
    },
    resume: () => {
      paused = false;
      apply();
    },
    destroy: () => {
      // What was written this tick still goes out (a handshake answered just before a hang-up).
      if (corked) uncork();
      destroyQuietly(socket);
    },
    get destroyed() {
      return socket.destroyed;
    },
  };
}
