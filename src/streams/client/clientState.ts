/**
 * `ClientState`: every session's latest {@link SessionState} plus client-wide totals, the
 * snapshot a UI renders for a whole client (or any group of sessions).
 *
 * @module
 */
import { asyncScheduler, defer, map, tap, throttleTime, type Observable, type SchedulerLike } from 'rxjs';
import { ClientError } from '../../errors.js';
import type { SessionState } from '../session/sessionState.js';

/** A snapshot of several sessions together. Immutable, like the session states it holds. */
export interface ClientState {
  /** Each session's latest state, in the order the sessions first reported. */
  readonly sessions: readonly SessionState[];
  /** Content length of all sessions, in bytes. */
  readonly length: number;
  /** Bytes still missing over all sessions. */
  readonly left: number;
  /** Fraction of all content we have, 0..1, weighted by size (0 with no sessions: a UI shows 0 % of nothing). */
  readonly progress: number;
  /** Payload bytes received and sent, summed. */
  readonly downloaded: number;
  readonly uploaded: number;
  /** Bytes/s, summed over the sessions' smoothed rates. */
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** Seconds until every session is complete at the current rate; undefined when unknown or done. */
  readonly eta: number | undefined;
  /** Open peer connections, summed. */
  readonly peers: number;
}

/** Options of {@link clientState}. */
export interface ClientStateConfig {
  /** Least time between snapshots (the last one is never dropped). @default 250 */
  readonly intervalMs?: number;
  /** Clock of the throttle. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * What tells sessions apart. Sessions of different clients may share an info-hash (several
   * clients in one process, a demo swarm): key them by something else then. @default `s.infoHash`
   */
  readonly key?: (state: SessionState) => string;
}

/**
 * Sums up a list of session states.
 *
 * @param sessions - the latest state of each session
 * @returns the totals with the list itself
 * @example
 * ```ts
 * declare const a: SessionState, b: SessionState;
 * summarizeSessions([a, b]).downloadRate; // a.downloadRate + b.downloadRate
 * ```
 */
export function summarizeSessions(sessions: readonly SessionState[]): ClientState {
  let length = 0;
  let left = 0;
  let downloaded = 0;
  let uploaded = 0;
  let downloadRate = 0;
  let uploadRate = 0;
  let peers = 0;
  let have = 0;
  for (const s of sessions) {
    length += s.length;
    left += s.left;
    have += s.progress * s.length;
    downloaded += s.downloaded;
    uploaded += s.uploaded;
    downloadRate += s.downloadRate;
    uploadRate += s.uploadRate;
    peers += s.peers.length;
  }
  return {
    sessions,
    length,
    left,
    progress: sessions.length === 0 ? 0 : length === 0 ? 1 : have / length,
    downloaded,
    uploaded,
    downloadRate,
    uploadRate,
    eta: left === 0 ? undefined : downloadRate > 0 ? left / downloadRate : undefined,
    peers,
  };
}

/**
 * Folds a stream of session states (from any number of sessions, merged) into client-wide
 * snapshots: the latest state per session (per info-hash, or per `config.key`) plus totals, at
 * most once per `intervalMs` (the first at once, the latest always last).
 *
 * ```
 * states$:        a1──b1─a2──────b2──|
 * clientState():  x───────y───────z──|     x = {a1}, y = {a2, b1}, z = {a2, b2}
 * ```
 *
 * @param states$ - session states, e.g. `merge(client.run(t1, c1), client.run(t2, c2))`
 * @param config - throttle interval, scheduler, session key
 * @returns cold client states; each subscription keeps its own table of sessions
 * @throws {@link ClientError} `ERR_CLIENT_INVALID_ARGUMENT` for a negative or non-finite interval
 * @example
 * ```ts
 * declare const torrents: readonly Torrent[];
 * clientState(merge(...torrents.map((t) => client.run(t, { path: t.name }))))
 *   .subscribe((c) => console.log(`${(c.progress * 100).toFixed(1)}% of ${c.sessions.length} torrents`));
 * ```
 */
export function clientState(states$: Observable<SessionState>, config: ClientStateConfig = {}): Observable<ClientState> {
  const intervalMs = config.intervalMs ?? 250;
  if (!(intervalMs >= 0 && Number.isFinite(intervalMs))) {
    throw new ClientError('ERR_CLIENT_INVALID_ARGUMENT', `intervalMs must be a finite number ≥ 0, got ${intervalMs}`);
  }
  const key = config.key ?? ((s: SessionState): string => s.infoHash);
  return defer(() => {
    const latest = new Map<string, SessionState>();
    return states$.pipe(
      tap((s) => latest.set(key(s), s)),
      throttleTime(intervalMs, config.scheduler ?? asyncScheduler, { leading: true, trailing: true }),
      map(() => summarizeSessions([...latest.values()])),
    );
  });
}
