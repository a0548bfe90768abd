/**
 * `DashboardState`: what the dashboard page renders — a client-wide state plus, when a tracker
 * runs alongside, its `/stats`. Built from a stream of session or client states.
 *
 * @module
 */
import { combineLatest, map, of, startWith, type Observable } from 'rxjs';
import { summarizeSessions, type ClientState } from '../streams/client/clientState.js';
import type { SessionState } from '../streams/session/sessionState.js';
import type { TrackerStats } from '../tracker/server/stats.js';

/** One message of the dashboard's event stream. */
export interface DashboardState extends ClientState {
  /** The tracker's `/stats`, when the dashboard was given a tracker to follow. */
  readonly tracker: TrackerStats | undefined;
  /**
   * In the first message of each connection only: the total rates of the last states the app saw
   * (at most {@link DASHBOARD_RATE_SAMPLES}, oldest first, this one last), so a page opened
   * late draws its rates chart at once.
   */
  readonly rateHistory?: readonly DashboardRateSample[];
}

/** One point of the dashboard's rates chart, in bytes/s. */
export interface DashboardRateSample {
  readonly down: number;
  readonly up: number;
}

/** How many rate samples the dashboard keeps (server side) and draws: a minute of 250 ms states. */
export const DASHBOARD_RATE_SAMPLES = 240;

/** What the dashboard accepts: one session's states, or a client's (several sessions). */
export type DashboardSource = SessionState | ClientState;

/**
 * A client state from either kind of source value.
 *
 * @example
 * ```ts
 * declare const sessionState: SessionState;
 * asClientState(sessionState).sessions.length; // 1
 * ```
 */
export function asClientState(value: DashboardSource): ClientState {
  return 'sessions' in value ? value : summarizeSessions([value]);
}

/**
 * Joins the states with the tracker's stats (latest of each).
 *
 * ```
 * state$:    a─────b──────c──
 * tracker$:  ───t1──────t2───
 * result:    a─a'──b'───b"─c'     (a' = a with t1, …; tracker undefined until t1)
 * ```
 *
 * @param state$ - session or client states
 * @param tracker$ - tracker stats, e.g. {@link pollTrackerStats}; none: `tracker` stays undefined
 * @returns dashboard states, one per input value
 * @example
 * ```ts
 * declare const a$: import('rxjs').Observable<SessionState>, b$: import('rxjs').Observable<SessionState>;
 * dashboardState(clientState(merge(a$, b$)), pollTrackerStats('http://127.0.0.1:8000/stats'));
 * ```
 */
export function dashboardState(state$: Observable<DashboardSource>, tracker$?: Observable<TrackerStats>): Observable<DashboardState> {
  return combineLatest([
    state$.pipe(map(asClientState)),
    tracker$ === undefined ? of(undefined) : tracker$.pipe(startWith(undefined)),
  ]).pipe(map(([client, tracker]) => ({ ...client, tracker })));
}
