/**
 * How many new swarms one source may create: a token bucket per source address (an IPv6 source
 * is its /64, what one host usually gets), so one source cannot fill `maxSwarms` with random
 * info-hashes while honest new torrents from everyone else are still served. Only creation costs
 * a token: announcing to a swarm that exists is never limited.
 *
 * @module
 */
import { TrackerError } from '../../errors.js';
import { ipToBytes, normalizeIp } from '../../protocol/peerAddress.js';

/** Options of {@link SwarmCreationLimit}. */
export interface SwarmCreationConfig {
  /** New swarms one source may create per second, sustained; `Infinity` turns the limit off. @default 0.2 */
  readonly newSwarmsPerSecond?: number;
  /** New swarms one source may create at once after a quiet spell. @default 20 */
  readonly newSwarmBurst?: number;
  /** Sources remembered at once; the longest unseen is forgotten first. @default 65_536 */
  readonly maxSources?: number;
}

/** Default of {@link SwarmCreationConfig.newSwarmsPerSecond}. */
export const DEFAULT_NEW_SWARMS_PER_SECOND = 0.2;
/** Default of {@link SwarmCreationConfig.newSwarmBurst}. */
export const DEFAULT_NEW_SWARM_BURST = 20;
/** Default of {@link SwarmCreationConfig.maxSources}. */
export const DEFAULT_MAX_SOURCES = 65_536;

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * The key a source is limited by: the IPv4 address (IPv4-mapped IPv6 unwrapped), or the first 64
 * bits of an IPv6 one.
 *
 * @example
 * ```ts
 * sourceKeyOf('2001:db8:1:2::7') === sourceKeyOf('2001:db8:1:2::8'); // true
 * ```
 */
export function sourceKeyOf(host: string): string {
  const ip = normalizeIp(host);
  if (ip === undefined || ip.family === 4) return ip?.host ?? host;
  return Buffer.from(ipToBytes(ip.host)!.subarray(0, 8)).toString('hex');
}

/**
 * Per-source budgets of swarm creation. Memory is bounded by `maxSources` buckets; a forgotten
 * source starts again with a full burst, so forgetting needs more sources than the table holds.
 *
 * @example
 * ```ts
 * const limit = new SwarmCreationLimit({ newSwarmsPerSecond: 0.2, newSwarmBurst: 20 });
 * if (limit.mayCreate('10.0.0.1', Date.now())) limit.created('10.0.0.1', Date.now());
 * ```
 */
export class SwarmCreationLimit {
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxSources: number;
  /** In last-seen order (a Map keeps insertion order; a touched source is re-inserted). */
  private readonly buckets = new Map<string, Bucket>();

  /** @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for a rate ≤ 0, a burst < 1 or a source cap < 1. */
  constructor(config: SwarmCreationConfig = {}) {
    this.rate = config.newSwarmsPerSecond ?? DEFAULT_NEW_SWARMS_PER_SECOND;
    this.burst = config.newSwarmBurst ?? DEFAULT_NEW_SWARM_BURST;
    this.maxSources = config.maxSources ?? DEFAULT_MAX_SOURCES;
    if (!(this.rate > 0) || !Number.isSafeInteger(this.burst) || this.burst < 1 || !Number.isSafeInteger(this.maxSources) || this.maxSources < 1) {
      throw new TrackerError('ERR_TRACKER_BAD_CONFIG', 'newSwarmsPerSecond must be > 0, newSwarmBurst and maxSources integers ≥ 1');
    }
  }

  /** True when `host` has a token for one more swarm at `nowMs`. */
  mayCreate(host: string, nowMs: number): boolean {
    return this.rate === Infinity || this.refill(sourceKeyOf(host), nowMs).tokens >= 1;
  }

  /** Spends a token of `host`'s: call it once the store created a swarm for it. */
  created(host: string, nowMs: number): void {
    if (this.rate === Infinity) return;
    this.refill(sourceKeyOf(host), nowMs).tokens -= 1;
  }

  /** Sources remembered now. */
  get size(): number {
    return this.buckets.size;
  }

  private refill(key: string, nowMs: number): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, atMs: nowMs };
    } else {
      this.buckets.delete(key);
      const elapsedMs = Math.max(0, nowMs - bucket.atMs);
      bucket.tokens = Math.min(this.burst, bucket.tokens + (elapsedMs / 1000) * this.rate);
      bucket.atMs = nowMs;
    }
    this.buckets.set(key, bucket);
    return bucket;
  }
}
