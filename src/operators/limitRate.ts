/**
 * `limitRate(buckets, config)`: delays items until their bytes fit in every token bucket. A thin
 * shell over {@link LimiterChain}; the buckets are shared collaborators (one client-wide, one per
 * torrent), the queue, the place in line and the timer belong to each subscription.
 *
 * @module
 */
import { asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { RateLimitError } from '../errors.js';
import { LimiterChain, type TokenBucket } from '../protocol/rate/index.js';
import { operate } from './internal/operate.js';

/** Options of {@link limitRate}. */
export interface LimitRateConfig<T> {
  /** The bytes an item counts for, e.g. a piece message's block length or a request's length. */
  readonly cost: (item: T) => number;
  /** Most items waiting for tokens; one more errors with `ERR_RATE_QUEUE_FULL`. @default 1024 */
  readonly maxQueue?: number;
  /** Clock and timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** Default bound of the queue: above the request pipelines we allow (500) and serve (256). */
export const DEFAULT_RATE_MAX_QUEUE = 1024;
/** Longest delay a timer is armed with (setTimeout's limit); a later deadline is re-checked then. */
const MAX_TIMER_MS = 0x7fffffff;

/**
 * Lets items through in order, each once its `cost(item)` bytes can be taken from every bucket
 * at once; later items wait behind it (FIFO). Tokens are taken only when an item goes, so an
 * unsubscribed stream leaves the shared buckets as they were. When the source completes, the
 * queue drains first; a source error is passed on at once and drops the queue. Streams sharing a
 * bucket take turns: a waiting item is queued at its buckets and goes before items of other
 * streams that started waiting later.
 *
 * ```
 * rate 32 KiB/s, items of 16 KiB (a bucket starts with one block)
 * source: abcd|
 * output: a 500ms b 500ms c 500ms d|     a at once, then one every 500 ms
 * ```
 *
 * @param buckets - every bucket an item must fit in (e.g. client-wide and per-torrent upload)
 * @param config - the cost of an item, the queue bound, the scheduler
 * @returns an operator emitting the same items, delayed
 * @throws {RateLimitError} `ERR_RATE_INVALID_ARGUMENT` at once for a negative or fractional
 *   `maxQueue`; the output errors with `ERR_RATE_BAD_COST` for a cost that is not a finite number
 *   ≥ 0 and with `ERR_RATE_QUEUE_FULL` when more than `maxQueue` items wait
 * @example
 * ```ts
 * declare const pieces$: import('rxjs').Observable<Extract<WireMessage, { type: 'piece' }>>, torrentUpload: TokenBucket;
 * declare function send(message: Extract<WireMessage, { type: 'piece' }>): void;
 * const upload = new TokenBucket({ rate: 1024 * 1024 });
 * pieces$.pipe(limitRate([upload, torrentUpload], { cost: (m) => m.block.length })).subscribe(send);
 * ```
 */
export function limitRate<T>(buckets: readonly TokenBucket[], config: LimitRateConfig<T>): MonoTypeOperatorFunction<T> {
  const scheduler = config.scheduler ?? asyncScheduler;
  const maxQueue = config.maxQueue ?? DEFAULT_RATE_MAX_QUEUE;
  if (!(maxQueue >= 0 && (Number.isInteger(maxQueue) || maxQueue === Infinity))) {
    throw new RateLimitError('ERR_RATE_INVALID_ARGUMENT', `maxQueue must be an integer ≥ 0, not ${maxQueue}`);
  }
  const limits = [...buckets];
  return operate<T, T>((subscriber) => {
    const chain = new LimiterChain(limits);
    const queue: { readonly item: T; readonly bytes: number }[] = [];
    let timer: Subscription | undefined;
    let draining = false;
    let sourceDone = false;
    const drain = (): void => {
      draining = true;
      while (queue.length > 0 && !subscriber.closed) {
        const head = queue[0]!;
        const waitMs = chain.take(head.bytes, scheduler.now());
        if (waitMs > 0) {
          timer = scheduler.schedule(() => {
            timer = undefined;
            drain();
          }, Math.min(Math.ceil(waitMs), MAX_TIMER_MS));
          break;
        }
        queue.shift();
        subscriber.next(head.item);
      }
      draining = false;
      if (sourceDone && queue.length === 0) subscriber.complete();
    };
    return {
      next: (item) => {
        const bytes = config.cost(item);
        if (!(bytes >= 0 && bytes < Infinity)) throw new RateLimitError('ERR_RATE_BAD_COST', `cost must be a finite number ≥ 0, not ${bytes}`);
        queue.push({ item, bytes });
        if (!timer && !draining) drain();
        if (queue.length > maxQueue) throw new RateLimitError('ERR_RATE_QUEUE_FULL', `more than ${maxQueue} items wait for tokens`);
      },
      complete: () => {
        sourceDone = true;
        if (!timer && !draining && queue.length === 0) subscriber.complete();
      },
      teardown: () => {
        timer?.unsubscribe();
        chain.cancel();
      },
    };
  });
}
