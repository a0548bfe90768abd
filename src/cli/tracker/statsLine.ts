/**
 * The tracker's once-a-minute summary line.
 *
 * @module
 */
import type { TrackerStats } from '../../tracker/server/stats.js';
import { plural } from '../units.js';

/** How often the tracker prints its one-line summary. */
export const TRACKER_LOG_INTERVAL_MS = 60_000;

/**
 * The once-a-minute summary line: announce rate (HTTP and UDP) since the last line, then the
 * swarm counts (store-wide, so the same in every process sharing a Redis).
 *
 * @param previous - the stats at the last line (`undefined` for the first).
 * @param current - the stats now.
 * @param elapsedMs - time between the two.
 * @example
 * ```ts
 * declare const stats: TrackerStats;
 * formatTrackerStatsLine(undefined, stats, 60_000); // '12.50 announces/s, 3 swarms, 4 seeders, 9 leechers'
 * ```
 */
export function formatTrackerStatsLine(previous: TrackerStats | undefined, current: TrackerStats, elapsedMs: number): string {
  const announces = current.announces - (previous?.announces ?? 0);
  const rate = elapsedMs > 0 ? (announces * 1000) / elapsedMs : 0;
  return `${rate.toFixed(2)} announces/s, ${plural(current.swarms, 'swarm')}, ${plural(current.seeders, 'seeder')}, ${plural(current.leechers, 'leecher')}`;
}
