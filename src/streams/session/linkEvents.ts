/**
 * What a session knows of its connections, as one stream of typed events: a peer joined, sent a
 * message, or left. Every flow of a session reads this stream and nothing else of the links.
 *
 * @module
 */
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import type { PeerWireState, WireMessage } from '../../protocol/wire/index.js';
import type { PeerConnection } from '../peer/index.js';

/** One connected peer of a session: its identity, as data, and its connection. */
export interface SessionPeer {
  /** An opaque name, unique within the session (the pure cores key their state by it). */
  readonly key: PeerKey;
  /** Where it connected from, or where we dialled it. */
  readonly address: PeerAddress;
  /** Its 20-byte peer id, from its handshake. */
  readonly peerId: Uint8Array;
  readonly direction: 'inbound' | 'outbound';
  /** Its connection: flows that must wait for a write (block replies) send through it. */
  readonly connection: PeerConnection;
}

/** One thing that happened on a session's links. */
export type LinkEvent =
  /**
   * A connection was adopted, with its wire state so far: fresh for a new connection; what the
   * peer had said already for one handed over from a magnet link's metadata phase.
   */
  | { readonly type: 'joined'; readonly peer: SessionPeer; readonly state: PeerWireState }
  /** A message from the peer, with the wire state before and after it. */
  | { readonly type: 'message'; readonly peer: SessionPeer; readonly message: WireMessage; readonly before: PeerWireState; readonly state: PeerWireState }
  /** The connection ended. */
  | { readonly type: 'left'; readonly peer: SessionPeer; readonly state: PeerWireState };

/** A command to one peer: send it this message. */
export interface SendCommand {
  readonly type: 'send';
  readonly peer: PeerKey;
  readonly message: WireMessage;
}

/** A peer to be banned for bad data: never dialled again, its connections refused. */
export interface Ban {
  readonly peer: SessionPeer;
}
