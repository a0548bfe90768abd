/**
 * Several token buckets limiting one stream together (client-wide AND per-torrent): an item
 * takes its bytes from every bucket at once or from none.
 *
 * @module
 */
import { TokenBucket, type TokenClaim } from './tokenBucket.js';

/**
 * One stream's place in line at a chain of buckets: the stateful counterpart of {@link takeAll}
 * that `limitRate` keeps per subscription. When its item cannot go, the chain queues a claim at
 * every bucket, so the item goes before items of other streams that started waiting later.
 * Nothing is reserved: tokens are taken only when the item goes.
 *
 * Call {@link LimiterChain.cancel} when the stream ends while waiting, or its claim keeps
 * holding bytes back from the streams queued behind it.
 *
 * @example
 * ```ts
 * declare const clientUpload: TokenBucket, torrentUpload: TokenBucket;
 * const chain = new LimiterChain([clientUpload, torrentUpload]);
 * const waitMs = chain.take(16384, now);   // 0: send now; otherwise try again in waitMs
 * chain.cancel();                          // on teardown
 * ```
 */
export class LimiterChain {
  private readonly buckets: readonly TokenBucket[];
  private claim: TokenClaim | undefined;

  constructor(buckets: readonly TokenBucket[]) {
    // A bucket listed twice is charged once.
    this.buckets = [...new Set(buckets)];
  }

  /** True while an item waits in line. */
  get waiting(): boolean {
    return this.claim !== undefined;
  }

  /**
   * Takes `bytes` from every bucket when they all can give them to this stream now.
   *
   * @param bytes - the size of the stream's next item (the same item until it went)
   * @param now - current time in ms
   * @returns 0 when taken (the item may go); otherwise the ms to wait before asking again,
   *   with nothing taken and the item in line
   */
  take(bytes: number, now: number): number {
    if (this.claim && this.claim.bytes !== bytes) this.cancel();
    const claim = this.claim ?? { bytes, buckets: this.buckets };
    let wait = 0;
    for (const bucket of this.buckets) wait = Math.max(wait, bucket.timeUntil(bytes, now, claim));
    if (wait > 0) {
      this.claim = claim;
      for (const bucket of this.buckets) bucket.enqueue(claim);
      return wait;
    }
    for (const bucket of this.buckets) bucket.tryTake(bytes, now, claim);
    this.cancel();
    return 0;
  }

  /** Leaves the line: the stream ended, or its waiting item is no longer wanted. */
  cancel(): void {
    if (this.claim) for (const bucket of this.buckets) bucket.dequeue(this.claim);
    this.claim = undefined;
  }
}

/**
 * Milliseconds until `bytes` fit in every bucket, for a newcomer: the longest wait of them.
 *
 * @param buckets - e.g. `[clientUpload, torrentUpload]`
 * @param bytes - the item's size
 * @param now - current time in ms
 * @returns the wait in ms, ≥ 0
 * @example
 * ```ts
 * declare const clientUpload: TokenBucket, torrentUpload: TokenBucket;
 * const waitMs = timeUntilAll([clientUpload, torrentUpload], 16384, now); // 0: it may go now
 * ```
 */
export function timeUntilAll(buckets: readonly TokenBucket[], bytes: number, now: number): number {
  let wait = 0;
  for (const bucket of buckets) wait = Math.max(wait, bucket.timeUntil(bytes, now));
  return wait;
}

/**
 * Takes `bytes` from every bucket, or from none: all or nothing, so waiting on one bucket never
 * spends (or reserves) tokens of another. A newcomer: it does not queue, and leaves the bytes of
 * streams queued at the buckets ({@link LimiterChain}) to them.
 *
 * @param buckets - e.g. `[clientUpload, torrentUpload]`
 * @param bytes - the item's size
 * @param now - current time in ms
 * @returns 0 when taken from all; otherwise the ms to wait before trying again (nothing taken)
 * @example
 * ```ts
 * declare const clientBucket: TokenBucket, torrentBucket: TokenBucket, piece: Uint8Array;
 * declare function send(bytes: Uint8Array): void;
 * declare function retryIn(ms: number): void;
 * const waitMs = takeAll([clientBucket, torrentBucket], 16384, now);
 * if (waitMs === 0) send(piece); else retryIn(Math.ceil(waitMs));
 * ```
 */
export function takeAll(buckets: readonly TokenBucket[], bytes: number, now: number): number {
  const wait = timeUntilAll(buckets, bytes, now);
  if (wait > 0) return wait;
  // A bucket listed twice is charged once.
  for (const bucket of new Set(buckets)) bucket.tryTake(bytes, now);
  return 0;
}
