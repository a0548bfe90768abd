/**
 * `trackPeerState(pieceCount)`: one connection's traffic in, immutable state snapshots out: who
 * chokes whom, who is interested, which pieces the peer has, message and payload counts. The
 * model itself is the pure {@link nextPeerWireState} of `src/protocol/wire`, which sessions use too.
 *
 * @module
 */
import { scan, type OperatorFunction } from 'rxjs';
import { initialPeerWireState, nextPeerWireState, type PeerWireState, type WireTraffic } from '../protocol/wire/peerWireState.js';

export { initialPeerWireState, nextPeerWireState } from '../protocol/wire/peerWireState.js';
export type { PeerWireState, ReadonlyBitfield, WireTraffic } from '../protocol/wire/peerWireState.js';

/**
 * Folds a connection's traffic into {@link PeerWireState} snapshots, one per message (a `scan`
 * over {@link nextPeerWireState}). Snapshots are immutable, so they can be kept, compared and
 * rendered directly.
 *
 * ```
 * traffic: -u----i---h-|     (u = in unchoke, i = out interested, h = in have 3)
 * states:  -a----b---c-|     (a.peerChoking false, b.amInterested true, c.peerPieces.has(3))
 * ```
 *
 * @param pieceCount - number of pieces in the torrent
 * @returns an operator from {@link WireTraffic} to {@link PeerWireState}
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` at once, for an invalid count; on the error
 *   channel, what {@link nextPeerWireState} throws
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @example
 * ```ts
 * declare const conn: PeerConnection, sent$: import('rxjs').Observable<WireTraffic>;
 * declare function render(pieces: number, choking: boolean): void;
 * merge(conn.messages$.pipe(map((message) => ({ direction: 'in' as const, message }))), sent$)
 *   .pipe(trackPeerState(torrent.pieceCount))
 *   .subscribe((s) => render(s.peerPieces.count, s.peerChoking));
 * ```
 */
export function trackPeerState(pieceCount: number): OperatorFunction<WireTraffic, PeerWireState> {
  const initial = initialPeerWireState(pieceCount);
  return scan(nextPeerWireState, initial);
}
