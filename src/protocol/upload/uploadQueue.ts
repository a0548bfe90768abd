/**
 * The requests one peer made of us, checked and queued: the pure core of `serveBlocks`.
 *
 * A request is refused when it is empty or larger than we serve, out of range, for a piece we
 * do not have, made while we choke the peer, or beyond the queue's bound. Under BEP 6 a refusal
 * is a `reject-request`; without it the request is silently dropped (BEP 3 has no reply).
 *
 * @see https://www.bittorrent.org/beps/bep_0006.html
 * @module
 */
import type { BlockRef } from '../scheduler/index.js';

/** Largest request served by default (requests above it are refused, as libtorrent does). */
export const DEFAULT_MAX_SERVED_REQUEST = 16 * 1024;

/** What a queue needs to judge a request. */
export interface UploadQueueConfig {
  readonly pieceCount: number;
  /** Bytes in piece `index`. */
  readonly pieceSize: (index: number) => number;
  /** Whether we have piece `index` (verified and written). */
  readonly have: (index: number) => boolean;
  /** Largest request served, ≤ 128 KiB. @default 16384 */
  readonly maxRequestLength?: number;
  /** Most requests queued for one peer; more are refused. @default 256 */
  readonly maxQueue?: number;
}

/** Why a request was refused. */
export type RefusalReason = 'choked' | 'too-large' | 'out-of-range' | 'not-have' | 'queue-full';

/** The verdict on one request. */
export type RequestVerdict = { readonly type: 'queued' } | { readonly type: 'refused'; readonly reason: RefusalReason };

const keyOf = (r: BlockRef): string => `${r.index}:${r.begin}:${r.length}`;
const fromKey = (key: string): BlockRef => {
  const [index, begin, length] = key.split(':').map(Number) as [number, number, number];
  return { index, begin, length };
};

/**
 * One peer's request queue.
 *
 * @example
 * ```ts
 * declare const book: ProgressBook;
 * const queue = new UploadQueue({ pieceCount, pieceSize: (i) => pieceSize(torrent, i), have: (i) => book.have.has(i) });
 * queue.unchoke();
 * queue.request({ index: 0, begin: 0, length: 16384 }); // { type: 'queued' }
 * queue.next(); // the request, to read and send
 * ```
 */
export class UploadQueue {
  private readonly queued = new Map<string, BlockRef>();
  private readonly serving = new Set<string>();
  private choked = true;

  constructor(private readonly config: UploadQueueConfig) {}

  /** Requests waiting to be served. */
  get size(): number {
    return this.queued.size;
  }

  /** Checks and queues a request. */
  request(r: BlockRef): RequestVerdict {
    const refuse = (reason: RefusalReason): RequestVerdict => ({ type: 'refused', reason });
    if (this.choked) return refuse('choked');
    if (!(r.length > 0) || r.length > (this.config.maxRequestLength ?? DEFAULT_MAX_SERVED_REQUEST)) return refuse('too-large');
    if (!Number.isInteger(r.index) || r.index < 0 || r.index >= this.config.pieceCount) return refuse('out-of-range');
    if (!Number.isInteger(r.begin) || r.begin < 0 || r.begin + r.length > this.config.pieceSize(r.index)) return refuse('out-of-range');
    if (!this.config.have(r.index)) return refuse('not-have');
    const key = keyOf(r);
    if (this.queued.has(key) || this.serving.has(key)) return { type: 'queued' };
    if (this.queued.size >= (this.config.maxQueue ?? 256)) return refuse('queue-full');
    this.queued.set(key, { index: r.index, begin: r.begin, length: r.length });
    return { type: 'queued' };
  }

  /** The peer withdrew a request; true if it was still waiting (or being served). */
  cancel(r: BlockRef): boolean {
    const key = keyOf(r);
    return this.queued.delete(key) || this.serving.delete(key);
  }

  /**
   * We choke the peer: every request waiting or being served is dropped and returned (to reject
   * under BEP 6, which wants every request answered).
   */
  choke(): BlockRef[] {
    this.choked = true;
    const dropped = [...this.serving].map(fromKey).concat([...this.queued.values()]);
    this.queued.clear();
    this.serving.clear();
    return dropped;
  }

  /** We unchoke the peer: its requests are accepted from now on. */
  unchoke(): void {
    this.choked = false;
  }

  /** Takes the oldest waiting request to serve, or undefined. */
  next(): BlockRef | undefined {
    for (const [key, r] of this.queued) {
      this.queued.delete(key);
      this.serving.add(key);
      return r;
    }
    return undefined;
  }

  /**
   * A request taken with {@link next} was read; returns true when it should still be sent
   * (it was neither cancelled nor dropped by a choke meanwhile).
   */
  finish(r: BlockRef): boolean {
    return this.serving.delete(keyOf(r));
  }
}
