/**
 * `trackPeerState(pieceCount)`: one connection's traffic in, immutable state snapshots out: who
 * chokes whom, who is interested, which pieces the peer has, message and payload counts.
 *
 * @module
 */
import { scan, type OperatorFunction } from 'rxjs';
import { PeerError } from '../errors.js';
import { Bitfield, type WireMessage } from '../protocol/wire/index.js';

/** One message on a connection, received (`'in'`) or sent (`'out'`). */
export interface WireTraffic {
  readonly direction: 'in' | 'out';
  readonly message: WireMessage;
}

/** The read side of a {@link Bitfield}: what a snapshot may expose without being changed. */
export type ReadonlyBitfield = Pick<Bitfield, 'pieceCount' | 'count' | 'isComplete' | 'has' | 'toBytes'> & Iterable<number>;

/** The BEP 3 state of one connection after some traffic. Never mutated: each change is a new object. */
export interface PeerWireState {
  /** We refuse the peer's requests. Starts true (BEP 3). */
  readonly amChoking: boolean;
  /** We told the peer we want some of its pieces. Starts false. */
  readonly amInterested: boolean;
  /** The peer refuses our requests. Starts true. */
  readonly peerChoking: boolean;
  /** The peer wants some of our pieces. Starts false. */
  readonly peerInterested: boolean;
  /** The peer's pieces, from its bitfield, have-all, have-none and have messages. */
  readonly peerPieces: ReadonlyBitfield;
  /** The peer announced its pieces (bitfield, have-all, have-none or a have). */
  readonly peerPiecesKnown: boolean;
  readonly messagesReceived: number;
  readonly messagesSent: number;
  /** Payload bytes of the `piece` messages received. */
  readonly bytesDownloaded: number;
  /** Payload bytes of the `piece` messages sent. */
  readonly bytesUploaded: number;
}

/**
 * The state of a fresh connection: both sides choking and not interested, nothing known.
 *
 * @param pieceCount - number of pieces in the torrent
 * @returns the initial snapshot
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for an invalid count
 */
export function initialPeerWireState(pieceCount: number): PeerWireState {
  return {
    amChoking: true, amInterested: false, peerChoking: true, peerInterested: false,
    peerPieces: new Bitfield(pieceCount), peerPiecesKnown: false,
    messagesReceived: 0, messagesSent: 0, bytesDownloaded: 0, bytesUploaded: 0,
  };
}

/**
 * The pure step behind {@link trackPeerState}: the state after one more message. The peer's
 * bitfield is copied only when a message changes it.
 *
 * @param state - the current snapshot
 * @param traffic - the message and its direction
 * @returns the next snapshot
 * @throws {WireError} for a bitfield that does not fit or a have index out of range;
 *   {@link PeerError} `ERR_PEER_UNEXPECTED_MESSAGE` for a bitfield, have-all or have-none after
 *   the peer had already announced its pieces
 */
export function nextPeerWireState(state: PeerWireState, { direction, message }: WireTraffic): PeerWireState {
  if (direction === 'out') {
    const sent = { ...state, messagesSent: state.messagesSent + 1 };
    switch (message.type) {
      case 'choke': return { ...sent, amChoking: true };
      case 'unchoke': return { ...sent, amChoking: false };
      case 'interested': return { ...sent, amInterested: true };
      case 'not-interested': return { ...sent, amInterested: false };
      case 'piece': return { ...sent, bytesUploaded: state.bytesUploaded + message.block.length };
      default: return sent;
    }
  }
  const received = { ...state, messagesReceived: state.messagesReceived + 1 };
  const n = state.peerPieces.pieceCount;
  switch (message.type) {
    case 'choke': return { ...received, peerChoking: true };
    case 'unchoke': return { ...received, peerChoking: false };
    case 'interested': return { ...received, peerInterested: true };
    case 'not-interested': return { ...received, peerInterested: false };
    case 'piece': return { ...received, bytesDownloaded: state.bytesDownloaded + message.block.length };
    case 'bitfield': return announce(received, Bitfield.fromBytes(message.bytes, n), message.type);
    case 'have-all': return announce(received, Bitfield.full(n), message.type);
    case 'have-none': return announce(received, new Bitfield(n), message.type);
    case 'have': {
      if (state.peerPieces.has(message.index)) return { ...received, peerPiecesKnown: true };
      const pieces = Bitfield.fromBytes(state.peerPieces.toBytes(), n);
      pieces.set(message.index);
      return { ...received, peerPieces: pieces, peerPiecesKnown: true };
    }
    default: return received;
  }
}

function announce(state: PeerWireState, pieces: Bitfield, type: string): PeerWireState {
  if (state.peerPiecesKnown) {
    throw new PeerError('ERR_PEER_UNEXPECTED_MESSAGE', `${type} after the peer had announced its pieces`);
  }
  return { ...state, peerPieces: pieces, peerPiecesKnown: true };
}

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
 * merge(conn.messages$.pipe(map((message) => ({ direction: 'in', message }))), sent$)
 *   .pipe(trackPeerState(torrent.pieceCount))
 *   .subscribe((s) => render(s.peerPieces.count, s.peerChoking));
 * ```
 */
export function trackPeerState(pieceCount: number): OperatorFunction<WireTraffic, PeerWireState> {
  const initial = initialPeerWireState(pieceCount);
  return scan(nextPeerWireState, initial);
}
