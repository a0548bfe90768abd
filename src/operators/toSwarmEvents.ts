/**
 * `toSwarmEvents(peer, pieceCount)`: one peer's wire messages in, the scheduler events they mean
 * out. A thin shell over the pure {@link swarmEventOf}.
 *
 * @module
 */
import { filter, map, pipe, type OperatorFunction } from 'rxjs';
import { swarmEventOf, type PeerKey, type SwarmEvent } from '../protocol/scheduler/index.js';
import type { WireMessage } from '../protocol/wire/index.js';

/**
 * Turns a connection's messages into {@link SwarmEvent}s for `schedulePieces`: a bitfield,
 * `have`, `have-all`/`have-none`, choke/unchoke, a block (`piece`) or a rejected request;
 * messages the request strategy does not care about (requests to us, interest, extensions) are
 * dropped.
 *
 * ```
 * messages: -bitfield-unchoke-interested-piece-|
 * events:   -bitfield-unchoke------------block-|
 * ```
 *
 * @param peer - the key the scheduler knows this connection by
 * @param pieceCount - pieces in the torrent (a bitfield is checked against it)
 * @returns an operator from wire messages to scheduler events; a bitfield of the wrong size or
 *   with spare bits set errors the output with a `WireError` (`ERR_WIRE_BITFIELD_LENGTH`,
 *   `ERR_WIRE_BITFIELD_SPARE_BITS`)
 * @example
 * ```ts
 * declare const connection: PeerConnection;
 * merge(of<SwarmEvent>({ type: 'peer-joined', peer: 'a' }), connection.messages$.pipe(toSwarmEvents('a', torrent.pieceCount)))
 *   .pipe(schedulePieces(torrent))
 *   .subscribe((command) => console.log(command.type));
 * ```
 */
export function toSwarmEvents(peer: PeerKey, pieceCount: number): OperatorFunction<WireMessage, SwarmEvent> {
  return pipe(
    map((message: WireMessage) => swarmEventOf(peer, message, pieceCount)),
    filter((event): event is SwarmEvent => event !== undefined),
  );
}
