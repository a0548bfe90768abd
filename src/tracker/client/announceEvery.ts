/**
 * `announceEvery(trackers, stats$, config)`: a torrent's announce loop over its BEP 12 tracker
 * tiers. A thin RxJS shell over {@link AnnounceState}; the transport is injected.
 *
 * @module
 */
import { catchError, concat, defer, EMPTY, Observable, take, throwIfEmpty } from 'rxjs';
import type { Subscription } from 'rxjs';
import { TrackerError } from '../../errors.js';
import type { AnnounceEvent } from '../../protocol/tracker/announceRequest.js';
import type { AnnounceParams } from '../../protocol/tracker/announceQuery.js';
import type { AnnounceResponse } from '../../protocol/tracker/announceResponse.js';
import { TrackerTiers } from '../../protocol/tracker/trackerTiers.js';
import { announce } from './announce.js';
import { resolveAnnounceEvery } from './announceEveryConfig.js';
import type { AnnounceEveryComponents, AnnounceEveryConfig, TransferStats } from './announceEveryConfig.js';
import { AnnounceState } from './announceState.js';
import type { AnnounceStep } from './announceState.js';
import type { TrackerEvent } from './trackerEvents.js';

function checkStats(stats: TransferStats): void {
  for (const key of ['uploaded', 'downloaded', 'left'] as const) {
    if (!Number.isSafeInteger(stats[key]) || stats[key] < 0) {
      throw new TrackerError('ERR_TRACKER_BAD_PARAMETER', `stats.${key} must be a non-negative safe integer, got ${stats[key]}`);
    }
  }
}

/** 8 hex digits: our `key`, fixed for one subscription. */
function randomKey(random: () => number): Uint8Array {
  return Uint8Array.from({ length: 8 }, () => '0123456789abcdef'.charCodeAt(Math.min(15, Math.floor(random() * 16))));
}

/**
 * Announces a torrent to its trackers for as long as it is subscribed.
 *
 * - `started` once `stats$` has emitted, then again at the tracker's `interval` (never sooner
 *   than its `min interval` or `minIntervalMs`), with the latest stats.
 * - `completed` once, when `left` drops to 0 (no sooner than the minimum gap after the last
 *   announce); a torrent that starts complete never sends it.
 * - `stopped` on unsubscribe (and on error) to every tracker that knows us (after the `completed`
 *   still owed, if the download finished within the minimum gap): best effort, with
 *   `stopTimeoutMs`, on an unref'd socket, so it never keeps the process alive.
 * - BEP 12: tiers in order, each shuffled (with `random`); a failing tracker passes the turn to
 *   the next one in its tier, then to the next tier; the one that answers moves to the front of
 *   its tier. A round in which every tracker failed waits `minBackoffMs`, doubling up to
 *   `maxBackoffMs` (jittered down by up to 25 %).
 *
 * ```
 * stats$:  s------------------------s(left=0)-------------------!
 * trackers:  started        none           completed              stopped (after unsubscribe)
 * events:  (p,ok)---interval---(p,ok)---gap---(p,ok)--------------
 * ```
 * (`p` a `peers` event when the reply had peers other than us, `ok` a `status` event.)
 *
 * Failures never end the stream: they become `{ type: 'status', ok: false }` events. It errors
 * only when `stats$` errors or emits a negative or fractional count. With no trackers it
 * completes at once.
 *
 * @param trackers - BEP 12 tiers, e.g. `announce-list`, or `[[announce]]`.
 * @param stats$ - what we have transferred; the latest value goes into each announce.
 * @param config - identity, address, timing, scheduler and RNG.
 * @param components - the announce function (default: {@link announce} over HTTP).
 * @returns tracker events; pick the peers with `selectPeers()`.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` at call time for an invalid option.
 * @see https://www.bittorrent.org/beps/bep_0012.html
 * @example
 * ```ts
 * declare const stats$: import('rxjs').Observable<TransferStats>;
 * declare function dial(peer: PeerAddress): void;
 * announceEvery([['http://tracker.example/announce']], stats$, { infoHash, peerId, port: 6881, host: '192.0.2.10' })
 *   .pipe(selectPeers())
 *   .subscribe(dial);
 * ```
 */
export function announceEvery(
  trackers: readonly (readonly string[])[],
  stats$: Observable<TransferStats>,
  config: AnnounceEveryConfig,
  components: AnnounceEveryComponents = {},
): Observable<TrackerEvent> {
  const c = resolveAnnounceEvery(config);
  const send = components.announce ?? announce;
  if (!trackers.some((tier) => tier.length > 0)) return EMPTY;
  return new Observable<TrackerEvent>((subscriber) => {
    const state = new AnnounceState(new TrackerTiers(trackers, c.random), c);
    const key = randomKey(c.random);
    let latest: TransferStats | undefined;
    let timer: Subscription | undefined;
    let flight: { step: AnnounceStep; subscription: Subscription } | undefined;

    const params = (stats: TransferStats, event: AnnounceEvent, trackerId: Uint8Array | undefined, numwant: number): AnnounceParams => ({
      infoHash: c.infoHash, peerId: c.peerId, port: c.port, ...stats, event, numwant, key, trackerId, compact: true,
    });
    const isSelf = (p: { host: string; port: number }): boolean => p.host === c.host && p.port === c.port;

    const wait = (delayMs: number): void => {
      timer?.unsubscribe();
      timer = c.scheduler.schedule(() => {
        timer = undefined;
        state.beginRound();
        attempt();
      }, delayMs);
    };

    const succeeded = (step: AnnounceStep, stats: TransferStats, response: AnnounceResponse): void => {
      const nextAnnounceInMs = state.succeeded(step, response, stats.left, c.scheduler.now());
      // Plan first: if a consumer unsubscribes inside next(), teardown cancels this timer.
      wait(nextAnnounceInMs);
      const peers = response.peers.filter((p) => !isSelf(p)).map(({ host, port }) => ({ host, port }));
      if (peers.length > 0) subscriber.next({ type: 'peers', tracker: step.tracker, peers });
      const { interval, minInterval, complete, incomplete, warning } = response;
      subscriber.next({
        type: 'status', ok: true, tracker: step.tracker, event: step.event, nextAnnounceInMs,
        interval, minInterval, complete, incomplete, warning,
      });
    };

    const failed = (step: AnnounceStep, err: unknown): void => {
      const failures = state.failures;
      const backoffMs = state.failed();
      if (backoffMs !== undefined) wait(backoffMs);
      const error = err instanceof Error ? err : new Error(String(err));
      subscriber.next({ type: 'status', ok: false, tracker: step.tracker, event: step.event, error, failures, nextAnnounceInMs: backoffMs ?? 0 });
      if (backoffMs === undefined && !subscriber.closed) attempt();
    };

    const attempt = (): void => {
      const step = state.next();
      if (step === undefined || latest === undefined) return;
      const stats = latest;
      let settled = false;
      const subscription = defer(() =>
        send(step.tracker, params(stats, step.event, step.trackerId, c.numwant()), {
          localAddress: c.host, timeoutMs: c.timeoutMs, maxResponseBytes: c.maxResponseBytes, scheduler: c.scheduler,
        }),
      )
        .pipe(take(1), throwIfEmpty(() => new TrackerError('ERR_TRACKER_BAD_RESPONSE', `${step.tracker}: no reply`)))
        .subscribe({
          next: (response) => {
            settled = true;
            flight = undefined;
            succeeded(step, stats, response);
          },
          error: (err: unknown) => {
            settled = true;
            flight = undefined;
            failed(step, err);
          },
        });
      // A synchronous transport has already settled (and may have started the next attempt).
      if (!settled) flight = { step, subscription };
    };

    const statsSubscription = stats$.subscribe({
      next: (stats) => {
        try {
          checkStats(stats);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        const first = latest === undefined;
        latest = stats;
        const completedNow = state.updateLeft(stats.left);
        if (first) {
          state.beginRound();
          attempt();
        } else if (completedNow && flight === undefined) {
          wait(state.delayMs(c.scheduler.now()));
        }
      },
      error: (err: unknown) => subscriber.error(err),
    });

    return () => {
      timer?.unsubscribe();
      statsSubscription.unsubscribe();
      const inFlight = flight;
      flight = undefined;
      inFlight?.subscription.unsubscribe();
      const stats = latest;
      if (stats === undefined) return;
      const startedInFlight = inFlight?.step.event === 'started' ? inFlight.step.tracker : undefined;
      const owed = state.completedPending;
      for (const tracker of state.stopTargets(startedInFlight)) {
        const options = { localAddress: c.host, timeoutMs: c.stopTimeoutMs, maxResponseBytes: c.maxResponseBytes, scheduler: c.scheduler, unref: true };
        const last = (event: 'completed' | 'stopped') => defer(() => send(tracker, params(stats, event, state.trackerIdOf(tracker), 0), options)).pipe(catchError(() => EMPTY));
        // A download that finished within the minimum interval still counts as completed at the
        // tracker (its scrape's `downloaded`): `completed` first, then `stopped`.
        // Fire and forget: nobody is listening any more, and the socket is unref'd.
        (owed ? concat(last('completed'), last('stopped')) : last('stopped')).subscribe({ error: () => undefined });
      }
    };
  });
}
