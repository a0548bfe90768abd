/**
 * Per-IP query rate limit: a token bucket per source IP (burst, then a steady rate), in a table
 * capped in size, so a flood from one address is dropped after its burst and a flood from many
 * addresses cannot grow our memory. Pure: time is passed in.
 *
 * @module
 */

/** Options of a {@link QueryLimiter}. */
export interface QueryLimiterConfig {
  /** Queries per second one IP may sustain. @default 20 */
  readonly perSecond?: number;
  /** Queries one IP may send at once after a quiet spell. @default 50 */
  readonly burst?: number;
  /** IPs tracked at once; the least recently seen gives way. @default 4096 */
  readonly maxIps?: number;
}

/**
 * Decides whether a query from an IP is served.
 *
 * @example
 * ```ts
 * const limiter = new QueryLimiter({ perSecond: 20 });
 * if (!limiter.allow('127.0.0.1', Date.now())) console.log('dropped, unanswered');
 * ```
 */
export class QueryLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxIps: number;
  /** Queries refused so far. */
  dropped = 0;

  constructor(config: QueryLimiterConfig = {}) {
    this.perMs = (config.perSecond ?? 20) / 1000;
    this.burst = config.burst ?? 50;
    this.maxIps = config.maxIps ?? 4096;
  }

  /** IPs tracked now. */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token from `ip`'s bucket at `now`; false (and counted) when it has none. */
  allow(ip: string, now: number): boolean {
    const bucket = this.buckets.get(ip);
    const tokens = bucket === undefined ? this.burst : Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
    this.buckets.delete(ip);
    if (this.buckets.size >= this.maxIps) this.buckets.delete(this.buckets.keys().next().value as string);
    const ok = tokens >= 1;
    this.buckets.set(ip, { tokens: ok ? tokens - 1 : tokens, at: now });
    if (!ok) this.dropped++;
    return ok;
  }
}
