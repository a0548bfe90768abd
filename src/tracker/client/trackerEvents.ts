/**
 * What `announceEvery` emits: peers to dial and a status per announce, a small discriminated
 * union a session and a UI both read.
 *
 * @module
 */
import { mergeMap } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import type { AnnounceEvent } from '../../protocol/tracker/announceRequest.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';

/** Peers a tracker handed us (never empty; our own address is left out). */
export interface TrackerPeersEvent {
  readonly type: 'peers';
  /** The announce URL that answered. */
  readonly tracker: string;
  readonly peers: readonly PeerAddress[];
}

interface StatusBase {
  readonly type: 'status';
  /** The announce URL tried. */
  readonly tracker: string;
  /** The `event` sent with this announce. */
  readonly event: AnnounceEvent;
  /** When the next announce goes out (to this or another tracker), in ms from now. */
  readonly nextAnnounceInMs: number;
}

/** A tracker answered. Follows the `peers` event of the same announce, if any. */
export interface TrackerOkStatus extends StatusBase {
  readonly ok: true;
  /** The tracker's `interval`, in seconds. */
  readonly interval: number;
  /** The tracker's `min interval`, in seconds, when it sent one. */
  readonly minInterval: number | undefined;
  /** Seeders, when the tracker said. */
  readonly complete: number | undefined;
  /** Leechers, when the tracker said. */
  readonly incomplete: number | undefined;
  /** The tracker's `warning message`, if any. */
  readonly warning: string | undefined;
}

/**
 * An announce failed. `nextAnnounceInMs` is 0 when the next tracker in BEP 12 order is tried at
 * once, or the back-off when this was the last one.
 */
export interface TrackerErrorStatus extends StatusBase {
  readonly ok: false;
  /** Usually a `TrackerError` (`ERR_TRACKER_TIMEOUT`, `ERR_TRACKER_FAILURE_REASON`, …). */
  readonly error: Error;
  /** Rounds in a row in which every tracker failed, before this one. */
  readonly failures: number;
}

/** The result of one announce. */
export type TrackerStatus = TrackerOkStatus | TrackerErrorStatus;

/** Everything `announceEvery` emits. */
export type TrackerEvent = TrackerPeersEvent | TrackerStatus;

/**
 * Picks the peers out of tracker events, one address at a time (duplicates across announces
 * included: dedupe where you dial).
 *
 * ```
 * events: --peers[a,b]--status--status--peers[c]--status-->
 * result: --(ab)--------------------------c---------------->
 * ```
 *
 * @returns an operator from {@link TrackerEvent} to {@link PeerAddress}.
 * @example
 * ```ts
 * declare const tiers: string[][], stats$: import('rxjs').Observable<TransferStats>, config: AnnounceEveryConfig;
 * declare function dial(peer: PeerAddress): void;
 * announceEvery(tiers, stats$, config).pipe(selectPeers()).subscribe(dial);
 * ```
 */
export function selectPeers(): OperatorFunction<TrackerEvent, PeerAddress> {
  return mergeMap((event) => (event.type === 'peers' ? event.peers : []));
}
