/**
 * The BEP 3 state of one connection as a pure function of its traffic: who chokes whom, who is
 * interested, which pieces the peer has, message and payload counts. The one model of a peer's
 * wire state: the `trackPeerState` operator folds it over a connection's traffic, and a session
 * keeps one per connection.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @module
 */
import { PeerError, WireError } from '../../errors.js';
import { Bitfield } from '../bitfield.js';
import { PieceSet } from '../pieceSet.js';
import type { WireMessage } from './messages.js';

/** One message on a connection, received (`'in'`) or sent (`'out'`). */
export interface WireTraffic {
  readonly direction: 'in' | 'out';
  readonly message: WireMessage;
}

/** The read side of a set of pieces: what a snapshot may expose without being changed. */
export type ReadonlyBitfield = Pick<Bitfield, 'pieceCount' | 'count' | 'isComplete' | 'has' | 'toBytes'> & Iterable<number>;

/**
 * Most `have-all` and `have-none` messages a peer may send. BEP 3 and 6 allow one announcement, as
 * the first message; real clients send more, each replacing what came before: aria2 sends
 * `have-none`, then a `bitfield` whenever it has gathered pieces. A bitfield's cost (a walk over
 * every piece) is paid for by its bytes, so bitfields are not capped; a 5-byte `have-all` or
 * `have-none` costs the same walk, so a peer that keeps sending them is a protocol error.
 */
export const MAX_PIECE_ANNOUNCEMENTS = 4;

/** Most `have` messages kept while the piece count is unknown (a magnet's metadata phase). */
export const MAX_UNSIZED_HAVES = 65_536;

/** What a peer announced before we knew how many pieces the torrent has. */
export interface UnsizedPieces {
  /** Its bitfield (a copy), `have-all` or `have-none`, if it sent one. */
  readonly first: Uint8Array | 'have-all' | 'have-none' | undefined;
  /** Indices of its `have` messages, newest first. */
  readonly haves: HaveList | undefined;
  readonly haveCount: number;
}

/** An immutable list of `have` indices. */
export interface HaveList {
  readonly index: number;
  readonly next: HaveList | undefined;
}

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
  /** Bitfield, have-all and have-none messages received (a later one replaces what came before). */
  readonly announcements: number;
  /** Of {@link PeerWireState.announcements}, the have-all and have-none ones (capped: {@link MAX_PIECE_ANNOUNCEMENTS}). */
  readonly shortAnnouncements: number;
  /** Set while the piece count is unknown: what to apply once it is ({@link sizePeerWireState}). */
  readonly unsized?: UnsizedPieces | undefined;
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
 * @param pieceCount - pieces in the torrent; undefined while unknown (a magnet link's metadata
 *   phase: announcements are then kept as they came, see {@link sizePeerWireState})
 * @returns the initial snapshot
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for an invalid count
 * @example
 * ```ts
 * const s = initialPeerWireState(1000); // s.peerChoking === true
 * ```
 */
export function initialPeerWireState(pieceCount?: number): PeerWireState {
  return {
    amChoking: true, amInterested: false, peerChoking: true, peerInterested: false,
    peerPieces: pieceCount === undefined ? PieceSet.empty(0) : PieceSet.of(new Bitfield(pieceCount)), peerPiecesKnown: false, announcements: 0, shortAnnouncements: 0,
    unsized: pieceCount === undefined ? { first: undefined, haves: undefined, haveCount: 0 } : undefined,
    messagesReceived: 0, messagesSent: 0, bytesDownloaded: 0, bytesUploaded: 0,
  };
}

/**
 * The state after one more message. A `have` of a piece the peer already announced changes no
 * piece count; adding a piece costs one small chunk copy, not a bitfield copy.
 *
 * @param state - the current snapshot
 * @param traffic - the message and its direction
 * @returns the next snapshot
 * @throws {WireError} for a bitfield that does not fit or a have index out of range;
 *   {@link PeerError} `ERR_PEER_UNEXPECTED_MESSAGE` for more than {@link MAX_PIECE_ANNOUNCEMENTS}
 *   have-all or have-none messages, or more than {@link MAX_UNSIZED_HAVES} haves before
 *   the piece count is known
 * @example
 * ```ts
 * const s = nextPeerWireState(initialPeerWireState(8), { direction: 'in', message: { type: 'have', index: 3 } });
 * s.peerPieces.has(3); // true
 * ```
 */
export function nextPeerWireState(state: PeerWireState, { direction, message }: WireTraffic): PeerWireState {
  // One object per message (a download is tens of thousands of messages a second).
  if (direction === 'out') {
    const messagesSent = state.messagesSent + 1;
    switch (message.type) {
      case 'choke': return { ...state, messagesSent, amChoking: true };
      case 'unchoke': return { ...state, messagesSent, amChoking: false };
      case 'interested': return { ...state, messagesSent, amInterested: true };
      case 'not-interested': return { ...state, messagesSent, amInterested: false };
      case 'piece': return counted(state, state.messagesReceived, messagesSent, state.bytesDownloaded, state.bytesUploaded + message.block.length);
      default: return counted(state, state.messagesReceived, messagesSent, state.bytesDownloaded, state.bytesUploaded);
    }
  }
  const messagesReceived = state.messagesReceived + 1;
  switch (message.type) {
    case 'piece': return counted(state, messagesReceived, state.messagesSent, state.bytesDownloaded + message.block.length, state.bytesUploaded);
    case 'choke': return { ...state, messagesReceived, peerChoking: true };
    case 'unchoke': return { ...state, messagesReceived, peerChoking: false };
    case 'interested': return { ...state, messagesReceived, peerInterested: true };
    case 'not-interested': return { ...state, messagesReceived, peerInterested: false };
    case 'bitfield':
    case 'have-all':
    case 'have-none':
      return announce({ ...state, messagesReceived }, message.type === 'bitfield' ? message.bytes : message.type);
    case 'have': return have(counted(state, messagesReceived, state.messagesSent, state.bytesDownloaded, state.bytesUploaded), message.index);
    default: return counted(state, messagesReceived, state.messagesSent, state.bytesDownloaded, state.bytesUploaded);
  }
}

/**
 * A copy with new counters, for the messages that change nothing else (blocks, requests, haves:
 * almost all of them). One literal, every field named in `initialPeerWireState`'s order, so every
 * state has one shape: a spread copy cost ~500 ns a message (V8's slow object-clone path), this ~20 (measured).
 */
function counted(s: PeerWireState, messagesReceived: number, messagesSent: number, bytesDownloaded: number, bytesUploaded: number): PeerWireState {
  return {
    amChoking: s.amChoking, amInterested: s.amInterested, peerChoking: s.peerChoking, peerInterested: s.peerInterested,
    peerPieces: s.peerPieces, peerPiecesKnown: s.peerPiecesKnown, announcements: s.announcements, shortAnnouncements: s.shortAnnouncements,
    unsized: s.unsized, messagesReceived, messagesSent, bytesDownloaded, bytesUploaded,
  };
}

/**
 * Applies what a peer announced while the piece count was unknown, now that it is known.
 *
 * @param state - a state begun without a piece count (others are returned as they are)
 * @param pieceCount - pieces in the torrent
 * @returns the sized state
 * @throws {WireError} for a bitfield of the wrong size or a have index out of range
 * @example
 * ```ts
 * declare const stateFromTheMetadataPhase: PeerWireState;
 * const sized = sizePeerWireState(stateFromTheMetadataPhase, torrent.pieceCount);
 * ```
 */
export function sizePeerWireState(state: PeerWireState, pieceCount: number): PeerWireState {
  const { unsized } = state;
  if (unsized === undefined) return state;
  const first = unsized.first;
  let pieces = first === undefined || first === 'have-none' ? PieceSet.of(new Bitfield(pieceCount))
    : first === 'have-all' ? PieceSet.full(pieceCount) : PieceSet.of(Bitfield.fromBytes(first, pieceCount));
  for (let node = unsized.haves; node !== undefined; node = node.next) pieces = withHave(pieces, node.index);
  return { ...state, peerPieces: pieces, unsized: undefined };
}

function announce(state: PeerWireState, what: Uint8Array | 'have-all' | 'have-none'): PeerWireState {
  const short = typeof what === 'string' ? 1 : 0;
  if (short === 1 && state.shortAnnouncements >= MAX_PIECE_ANNOUNCEMENTS) {
    throw new PeerError('ERR_PEER_UNEXPECTED_MESSAGE', `${what} after ${state.shortAnnouncements} have-all or have-none messages`);
  }
  const announced = { ...state, peerPiecesKnown: true, announcements: state.announcements + 1, shortAnnouncements: state.shortAnnouncements + short };
  if (state.unsized !== undefined) {
    // A later announcement replaces the earlier one and the haves before it.
    const first = typeof what === 'string' ? what : Uint8Array.from(what);
    return { ...announced, unsized: { first, haves: undefined, haveCount: 0 } };
  }
  const n = state.peerPieces.pieceCount;
  const pieces = what === 'have-all' ? PieceSet.full(n) : what === 'have-none' ? PieceSet.of(new Bitfield(n)) : PieceSet.of(Bitfield.fromBytes(what, n));
  return { ...announced, peerPieces: pieces };
}

function have(state: PeerWireState, index: number): PeerWireState {
  const { unsized } = state;
  if (unsized !== undefined) {
    if (unsized.haveCount >= MAX_UNSIZED_HAVES) {
      throw new PeerError('ERR_PEER_UNEXPECTED_MESSAGE', `more than ${MAX_UNSIZED_HAVES} have messages before the metadata arrived`);
    }
    return { ...state, peerPiecesKnown: true, unsized: { ...unsized, haves: { index, next: unsized.haves }, haveCount: unsized.haveCount + 1 } };
  }
  const pieces = withHave(state.peerPieces as PieceSet, index);
  // `state` already counts this message: a repeated have changes nothing else.
  return pieces === state.peerPieces && state.peerPiecesKnown ? state : { ...state, peerPieces: pieces, peerPiecesKnown: true };
}

function withHave(pieces: PieceSet, index: number): PieceSet {
  if (!Number.isInteger(index) || index < 0 || index >= pieces.pieceCount) {
    throw new WireError('ERR_WIRE_INDEX_OUT_OF_RANGE', `have ${index} of ${pieces.pieceCount} pieces`);
  }
  return pieces.with(index);
}
