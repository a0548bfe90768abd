/**
 * `pollTrackerStats(url)`: a tracker's `GET /stats` as an observable, for the dashboard.
 *
 * @module
 */
import { asyncScheduler, exhaustMap, Observable, timer, type SchedulerLike } from 'rxjs';
import { UiError } from '../errors.js';
import type { TrackerStats } from '../tracker/server/stats.js';

/** Options of {@link pollTrackerStats}. */
export interface PollTrackerStatsConfig {
  /** Time between requests. @default 1000 */
  readonly intervalMs?: number;
  /** Give up on one request after this long. @default 5000 */
  readonly timeoutMs?: number;
  /** Clock of the polling. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Polls a tracker's `/stats` (the JSON of `createTrackerApp`, or `rxtorrent tracker`). A failed
 * or slow request is skipped, never an error: the next tick tries again. Requests never overlap.
 *
 * ```
 * pollTrackerStats(url):  s1───s2───(failed)───s4──…
 * ```
 *
 * @param url - the stats URL, e.g. `http://127.0.0.1:8000/stats`
 * @param config - interval, per-request timeout, scheduler
 * @returns cold stats; unsubscribing aborts the request in flight
 * @throws {@link UiError} `ERR_UI_INVALID_ARGUMENT` for a bad URL or interval
 * @example
 * ```ts
 * declare const state$: import('rxjs').Observable<SessionState>;
 * createDashboardApp(state$, { tracker$: pollTrackerStats('http://127.0.0.1:8000/stats') });
 * ```
 */
export function pollTrackerStats(url: string, config: PollTrackerStatsConfig = {}): Observable<TrackerStats> {
  const intervalMs = config.intervalMs ?? 1000;
  const timeoutMs = config.timeoutMs ?? 5000;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UiError('ERR_UI_INVALID_ARGUMENT', `not an http(s) URL: ${url}`);
  if (!(intervalMs > 0 && timeoutMs > 0)) throw new UiError('ERR_UI_INVALID_ARGUMENT', 'intervalMs and timeoutMs must be above 0');
  return timer(0, intervalMs, config.scheduler ?? asyncScheduler).pipe(exhaustMap(() => fetchStats(url, timeoutMs)));
}

/** One `GET`: emits the stats then completes, or completes empty on any failure. */
function fetchStats(url: string, timeoutMs: number): Observable<TrackerStats> {
  return new Observable<TrackerStats>((subscriber) => {
    const abort = new AbortController();
    fetch(url, { signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]), headers: { accept: 'application/json' } })
      .then(async (response) => {
        if (!response.ok) return undefined;
        const body = (await response.json()) as unknown;
        return isStats(body) ? body : undefined;
      })
      .catch(() => undefined)
      .then((stats) => {
        if (stats !== undefined) subscriber.next(stats);
        subscriber.complete();
      }, () => subscriber.complete());
    return () => abort.abort();
  });
}

function isStats(body: unknown): body is TrackerStats {
  const b = body as Record<string, unknown> | null;
  return typeof b === 'object' && b !== null && ['swarms', 'seeders', 'leechers', 'announces'].every((k) => typeof b[k] === 'number');
}
