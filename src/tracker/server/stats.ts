/**
 * The tracker's `/stats`: swarm totals from the store plus this process's request counters.
 *
 * @module
 */
import type { SwarmStore } from '../store/swarmStore.js';

/** Requests answered by this process (not shared between processes over one store). */
export interface TrackerCounters {
  /** Announces answered with a peer list. */
  announces: number;
  /** Scrapes answered with counts. */
  scrapes: number;
  /** Requests answered with a `failure reason`. */
  failures: number;
}

/** The JSON body of `GET /stats`. */
export interface TrackerStats {
  /** Swarms with live peers (store-wide). */
  readonly swarms: number;
  readonly seeders: number;
  readonly leechers: number;
  /** Announces served by this process. */
  readonly announces: number;
  readonly scrapes: number;
  readonly failures: number;
  /** Whole seconds since this app was created. */
  readonly uptimeSeconds: number;
}

/**
 * Fresh zeroed counters.
 *
 * @example
 * ```ts
 * const counters = createCounters();
 * counters.announces++;
 * ```
 */
export function createCounters(): TrackerCounters {
  return { announces: 0, scrapes: 0, failures: 0 };
}

/**
 * Gathers the stats.
 *
 * @param store - the swarm store (its totals sweep expired peers first).
 * @param counters - this process's counters.
 * @param startedMs - when the app was created, ms since the epoch.
 * @param now - the current time, ms since the epoch.
 * @example
 * ```ts
 * declare const ctx: import('koa').Context, store: SwarmStore, counters: TrackerCounters, startedMs: number;
 * ctx.body = await readStats(store, counters, startedMs, Date.now());
 * ```
 */
export async function readStats(
  store: SwarmStore,
  counters: Readonly<TrackerCounters>,
  startedMs: number,
  now: number,
): Promise<TrackerStats> {
  const totals = await store.stats(now);
  return {
    swarms: totals.swarms,
    seeders: totals.seeders,
    leechers: totals.leechers,
    announces: counters.announces,
    scrapes: counters.scrapes,
    failures: counters.failures,
    uptimeSeconds: Math.max(0, Math.floor((now - startedMs) / 1000)),
  };
}
