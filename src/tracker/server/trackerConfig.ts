/**
 * Options of the tracker server (`TrackerConfig`, what a user sets) apart from its injected
 * collaborators (`TrackerComponents`: store, clock, logger), and their checked defaults.
 *
 * @module
 */
import { TrackerError } from '../../errors.js';
import { DEFAULT_MAX_NUMWANT, DEFAULT_NUMWANT } from '../../protocol/tracker/announceRequest.js';
import { DEFAULT_MAX_QUERY_LENGTH, DEFAULT_MAX_SCRAPE_INFO_HASHES } from '../../protocol/tracker/query.js';
import { memoryStore } from '../store/memoryStore.js';
import { DEFAULT_INTERVAL_SECONDS, peerTtlMsFor } from '../store/swarmStore.js';
import type { SwarmStore } from '../store/swarmStore.js';
import { createCounters } from './stats.js';
import { SwarmCreationLimit } from './swarmCreationLimit.js';
import type { SwarmCreationConfig } from './swarmCreationLimit.js';
import type { TrackerCounters } from './stats.js';

/**
 * User options of `createTrackerApp`. `newSwarmsPerSecond` and `newSwarmBurst` bound how many
 * swarms one source address may create (per IPv4 address or IPv6 /64).
 */
export interface TrackerConfig extends Omit<SwarmCreationConfig, 'maxSources'> {
  /** Seconds between a client's regular announces (`interval`). @default 600 */
  readonly interval?: number;
  /** Seconds a client must wait at least between announces (`min interval`). @default min(60, interval) */
  readonly minInterval?: number;
  /** Honour the announce `ip` parameter (IP literals only). @default false */
  readonly allowIpParam?: boolean;
  /**
   * Take the peer address from the last `X-Forwarded-For` entry (the one our own reverse proxy
   * added) instead of the socket. Only behind a proxy: otherwise anyone can claim any address.
   * @default false
   */
  readonly trustProxy?: boolean;
  /** Longest query string, in characters; below Node's 16 KiB header limit. @default 8192 */
  readonly maxQueryLength?: number;
  /** Peers returned when the client sends no `numwant`. @default 50 */
  readonly defaultNumwant?: number;
  /** A larger `numwant` is lowered to this. @default 200 */
  readonly maxNumwant?: number;
  /** Most info-hashes in one scrape. @default 64 */
  readonly maxScrapeInfoHashes?: number;
}

/** Where errors that never reach a client are reported. */
export interface TrackerLogger {
  /** Called once per internal error, with what failed and the error itself. */
  error(message: string, error: unknown): void;
}

/** Injected collaborators of `createTrackerApp`. */
export interface TrackerComponents {
  /** @default memoryStore({ peerTtlMs: peerTtlMsFor(interval) }) */
  readonly store?: SwarmStore;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
  /** @default console */
  readonly logger?: TrackerLogger;
  /**
   * Request counters for `/stats`. Pass one object to the HTTP app and the UDP handler of one
   * process so `/stats` counts both. @default fresh zeroed counters
   */
  readonly counters?: TrackerCounters;
  /**
   * Per-source budgets of new swarms. Pass one object to the HTTP app and the UDP handler of one
   * process so a source cannot spend both. @default a fresh one from the config's rates
   */
  readonly swarmCreation?: SwarmCreationLimit;
}

/** Every option filled in and checked. */
export interface ResolvedTracker {
  readonly interval: number;
  readonly minInterval: number;
  readonly allowIpParam: boolean;
  readonly trustProxy: boolean;
  readonly maxQueryLength: number;
  readonly defaultNumwant: number;
  readonly maxNumwant: number;
  readonly maxScrapeInfoHashes: number;
  readonly store: SwarmStore;
  readonly now: () => number;
  readonly logger: TrackerLogger;
  readonly counters: TrackerCounters;
  readonly swarmCreation: SwarmCreationLimit;
}

function integerIn(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TrackerError('ERR_TRACKER_BAD_CONFIG', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/**
 * Fills in defaults and checks every option (programmer errors surface at factory time).
 *
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG`.
 * @example
 * ```ts
 * const resolved = resolveTracker({ interval: 300 }, { store: memoryStore() });
 * ```
 */
export function resolveTracker(config: TrackerConfig, components: TrackerComponents): ResolvedTracker {
  const interval = integerIn('interval', config.interval ?? DEFAULT_INTERVAL_SECONDS, 1);
  const maxNumwant = integerIn('maxNumwant', config.maxNumwant ?? DEFAULT_MAX_NUMWANT, 0);
  return {
    interval,
    minInterval: integerIn('minInterval', config.minInterval ?? Math.min(60, interval), 1, interval),
    allowIpParam: config.allowIpParam ?? false,
    trustProxy: config.trustProxy ?? false,
    maxQueryLength: integerIn('maxQueryLength', config.maxQueryLength ?? DEFAULT_MAX_QUERY_LENGTH, 1),
    defaultNumwant: integerIn('defaultNumwant', config.defaultNumwant ?? Math.min(DEFAULT_NUMWANT, maxNumwant), 0, maxNumwant),
    maxNumwant,
    maxScrapeInfoHashes: integerIn('maxScrapeInfoHashes', config.maxScrapeInfoHashes ?? DEFAULT_MAX_SCRAPE_INFO_HASHES, 1),
    store: components.store ?? memoryStore({ peerTtlMs: peerTtlMsFor(interval) }),
    now: components.now ?? Date.now,
    logger: components.logger ?? console,
    counters: components.counters ?? createCounters(),
    swarmCreation: components.swarmCreation ?? new SwarmCreationLimit(config),
  };
}
