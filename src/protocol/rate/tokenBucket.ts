/**
 * Token buckets: the pure core of `limitRate`. A bucket holds up to `burst` bytes of tokens and
 * refills at `rate` bytes/s with the time that passed; an item of `n` bytes goes when `n` tokens
 * are there. Several buckets (client-wide, per torrent) limit one stream together: an item takes
 * from all of them at once or from none (`takeAll`, `LimiterChain`).
 *
 * Tokens are only ever taken at the moment an item goes, never reserved ahead: a stream waiting
 * for one bucket spends nothing of the others, and a stream unsubscribed while it waits has
 * nothing to give back. Streams that share a bucket queue for it in arrival order (a
 * {@link TokenClaim} per waiting item), so one busy stream cannot starve the others.
 *
 * @module
 */
import { RateLimitError } from '../../errors.js';
import { BLOCK_LENGTH } from '../metainfo/layout.js';

/** Limits of a {@link TokenBucket}. */
export interface TokenBucketConfig {
  /** Refill rate in bytes/s; `Infinity` means unlimited. */
  readonly rate: number;
  /**
   * Most tokens held, in bytes: how much may go at once after a quiet spell, so at most
   * `burst + rate × T` bytes go in any T seconds. @default max(rate / 4, 16384): a quarter second
   */
  readonly burst?: number;
}

/** Tokens a limited bucket starts with (at most its burst): one block, so a transfer can begin at once. */
const START_BYTES = BLOCK_LENGTH;

/** Tokens short of a need by less than this count as enough (floating-point refill error). */
const EPSILON_BYTES = 1e-6;

/**
 * One waiting item of one stream, queued at each of its buckets. While it could go but for a
 * bucket (every other bucket of its has the tokens), that bucket holds its bytes back from
 * claims queued later and from newcomers. A claim blocked elsewhere holds nothing back, so a
 * slow per-torrent limit never idles the client-wide one.
 */
export interface TokenClaim {
  /** The item's size. */
  readonly bytes: number;
  /** Every bucket the item needs tokens from. */
  readonly buckets: readonly TokenBucket[];
}

/**
 * A token bucket on an injected clock (`now` in ms on every call). It starts with one block of
 * tokens (16 KiB, or its burst if smaller), not full, and its burst defaults to a quarter second
 * of the rate: with a full bucket of one second, the first second (or any second after a quiet
 * spell) let twice the rate through (2 MB under `--download-rate 1MiB`).
 *
 * An item larger than `burst` would never fit: it goes once the bucket is full and leaves it in
 * debt, so the long-run rate still holds.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket({ rate: 1024 * 1024 }); // burst 256 KiB, starts with 16 KiB
 * bucket.tryTake(16384, now);                           // true
 * bucket.timeUntil(32768, now);                         // 31.25: ms until 32 KiB are there
 * ```
 */
export class TokenBucket {
  private rateBps = Infinity;
  private burstBytes = Infinity;
  private tokens = 0;
  private updatedAt: number | undefined;
  /** Claims waiting here, in arrival order. */
  private readonly claims = new Set<TokenClaim>();

  /** @throws {RateLimitError} `ERR_RATE_INVALID_ARGUMENT` for a rate ≤ 0 or a burst < 1 */
  constructor(config: TokenBucketConfig) {
    this.setLimit(config);
  }

  /** Refill rate in bytes/s (`Infinity`: unlimited). */
  get rate(): number {
    return this.rateBps;
  }

  /** Most tokens held, in bytes. */
  get burst(): number {
    return this.burstBytes;
  }

  /** True when this bucket never delays anything. */
  get unlimited(): boolean {
    return this.rateBps === Infinity;
  }

  /**
   * Changes the limits (the user changed a setting). Tokens earned so far are kept, up to the
   * new burst; an unlimited bucket that becomes limited starts as a new one does (one block).
   *
   * @param config - the new limits
   * @param now - current time in ms
   * @throws {RateLimitError} `ERR_RATE_INVALID_ARGUMENT` for a rate ≤ 0 or a burst < 1
   */
  setLimit(config: TokenBucketConfig, now?: number): void {
    const { rate } = config;
    const burst = config.burst ?? Math.max(rate / 4, BLOCK_LENGTH);
    if (!(rate > 0)) throw new RateLimitError('ERR_RATE_INVALID_ARGUMENT', `rate must be > 0 bytes/s, not ${rate}`);
    if (rate !== Infinity && !(burst >= 1 && burst < Infinity)) {
      throw new RateLimitError('ERR_RATE_INVALID_ARGUMENT', `burst must be a finite number ≥ 1 byte, not ${burst}`);
    }
    if (now !== undefined) this.refill(now);
    this.tokens = Math.min(this.unlimited ? START_BYTES : this.tokens, burst);
    this.rateBps = rate;
    this.burstBytes = burst;
  }

  /** Claims queued here (streams waiting for tokens). */
  get queued(): number {
    return this.claims.size;
  }

  /** Tokens there at `now`, in bytes (negative while in debt after an oversized item). */
  available(now: number): number {
    this.refill(now);
    return this.unlimited ? Infinity : this.tokens;
  }

  /**
   * Milliseconds from `now` until `bytes` may go (0: now), if nothing else takes tokens meanwhile.
   * Bytes held back for claims queued ahead (all queued claims, for a newcomer) count as gone.
   *
   * @param bytes - the item's size
   * @param now - current time in ms
   * @param claim - the caller's own queued claim, if it has one
   * @returns the wait in ms, ≥ 0 (fractional; round up to arm a timer)
   */
  timeUntil(bytes: number, now: number, claim?: TokenClaim): number {
    if (this.unlimited) return 0;
    this.refill(now);
    const missing = this.heldBackFor(claim, now) + Math.min(bytes, this.burstBytes) - this.tokens;
    return missing <= EPSILON_BYTES ? 0 : (missing / this.rateBps) * 1000;
  }

  /**
   * Takes `bytes` tokens when they are there (and not held back for claims queued ahead).
   *
   * @param bytes - the item's size
   * @param now - current time in ms
   * @param claim - the caller's own queued claim, if it has one
   * @returns true when taken (the item may go), false when nothing was taken
   */
  tryTake(bytes: number, now: number, claim?: TokenClaim): boolean {
    if (this.timeUntil(bytes, now, claim) > 0) return false;
    if (!this.unlimited) this.tokens -= bytes;
    return true;
  }

  /** Queues `claim` behind those already here (once; an unlimited bucket keeps no queue). */
  enqueue(claim: TokenClaim): void {
    if (!this.unlimited) this.claims.add(claim);
  }

  /** Takes `claim` out of the queue (its item went, or its stream ended). */
  dequeue(claim: TokenClaim): void {
    this.claims.delete(claim);
  }

  /** Bytes held back for the claims ahead of `claim` that wait for this bucket only. */
  private heldBackFor(claim: TokenClaim | undefined, now: number): number {
    let held = 0;
    for (const ahead of this.claims) {
      if (ahead === claim) break;
      if (ahead.buckets.every((b) => b === this || b.hasTokens(ahead.bytes, now))) held += Math.min(ahead.bytes, this.burstBytes);
    }
    return held;
  }

  /** The raw tokens (queue aside) cover `bytes`. */
  private hasTokens(bytes: number, now: number): boolean {
    if (this.unlimited) return true;
    this.refill(now);
    return Math.min(bytes, this.burstBytes) - this.tokens <= EPSILON_BYTES;
  }

  private refill(now: number): void {
    if (this.updatedAt !== undefined && now > this.updatedAt && !this.unlimited) {
      this.tokens = Math.min(this.burstBytes, this.tokens + (this.rateBps * (now - this.updatedAt)) / 1000);
    }
    // A clock that went backwards never takes tokens away (nor earns any).
    if (this.updatedAt === undefined || now > this.updatedAt) this.updatedAt = now;
  }
}
