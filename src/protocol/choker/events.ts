/**
 * What the choker hears from the swarm and what it asks the swarm to do. Peers are named by the
 * same opaque key as in the piece scheduler.
 *
 * @module
 */
import type { PeerKey } from '../scheduler/events.js';
import type { WireMessage } from '../wire/index.js';

/** Events the choker consumes. `interested` is the PEER's interest in us (it wants our data). */
export type ChokerEvent =
  /** A connection completed its handshake; it starts choked and not interested (BEP 3). */
  | { readonly type: 'peer-joined'; readonly peer: PeerKey }
  /** The connection closed; its slot is refilled at the next rechoke. */
  | { readonly type: 'peer-gone'; readonly peer: PeerKey }
  /** The peer sent `interested`. */
  | { readonly type: 'interested'; readonly peer: PeerKey }
  /** The peer sent `not-interested`. */
  | { readonly type: 'not-interested'; readonly peer: PeerKey };

/** A decision to send to one peer: the wire message of the same name. */
export interface ChokeCommand {
  readonly type: 'choke' | 'unchoke';
  readonly peer: PeerKey;
}

/**
 * The choker event a message received from `peer` means, or undefined when it means nothing to
 * the choker.
 *
 * @param peer - the connection's key
 * @param message - a decoded message from that peer
 * @returns `interested` / `not-interested`, or undefined
 * @example
 * ```ts
 * declare const conn: PeerConnection, key: PeerKey;
 * conn.messages$.pipe(map((m) => chokerEventOf(key, m)), filter(Boolean));
 * ```
 */
export function chokerEventOf(peer: PeerKey, message: WireMessage): ChokerEvent | undefined {
  switch (message.type) {
    case 'interested':
      return { type: 'interested', peer };
    case 'not-interested':
      return { type: 'not-interested', peer };
    default:
      return undefined;
  }
}
