/**
 * Every peer wire message after the handshake, as one discriminated union on `type`, with the
 * one-byte message ids grouped by the BEP that defines them.
 *
 * Byte payloads (`block`, `bytes`, `payload`) that come out of the decoder are zero-copy views
 * into the received frame: copy them if you keep them past the current message.
 *
 * @module
 */

import type { HashRange } from '../merkle/hashRange.js';

/**
 * Message ids (the byte after the length prefix).
 *
 * @example
 * ```ts
 * declare const body: Uint8Array;
 * body[0] === MessageId.piece
 * ```
 */
export const MessageId = {
  // BEP 3, the core protocol: https://www.bittorrent.org/beps/bep_0003.html#peer-messages
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  // BEP 5, DHT: the peer's DHT node port. https://www.bittorrent.org/beps/bep_0005.html
  port: 9,
  // BEP 6, Fast Extension: https://www.bittorrent.org/beps/bep_0006.html
  suggest: 0x0d,
  haveAll: 0x0e,
  haveNone: 0x0f,
  rejectRequest: 0x10,
  allowedFast: 0x11,
  // BEP 10, Extension Protocol: https://www.bittorrent.org/beps/bep_0010.html
  extended: 20,
  // BEP 52, BitTorrent v2 Merkle hashes: https://www.bittorrent.org/beps/bep_0052.html
  hashRequest: 21,
  hashes: 22,
  hashReject: 23,
} as const;

/** The extended-message id of the BEP 10 extension handshake. */
export const EXTENDED_HANDSHAKE_ID = 0;

/** A block address: `length` bytes at offset `begin` of piece `index` (BEP 3). */
export interface BlockRange {
  /** Zero-based piece index. */
  readonly index: number;
  /** Byte offset inside the piece. */
  readonly begin: number;
  /** Number of bytes; 16 KiB for every block but a piece's last. */
  readonly length: number;
}

// --- BEP 3 -----------------------------------------------------------------------------------

/** Zero-length frame that only keeps an idle connection open (BEP 3). */
export interface KeepAliveMessage { readonly type: 'keep-alive' }
/** The sender will not answer our requests until it unchokes us (BEP 3). */
export interface ChokeMessage { readonly type: 'choke' }
/** The sender will now answer our requests (BEP 3). */
export interface UnchokeMessage { readonly type: 'unchoke' }
/** The sender wants pieces we have (BEP 3). */
export interface InterestedMessage { readonly type: 'interested' }
/** The sender no longer wants anything we have (BEP 3). */
export interface NotInterestedMessage { readonly type: 'not-interested' }
/** The sender has just completed and verified piece `index` (BEP 3). */
export interface HaveMessage { readonly type: 'have'; readonly index: number }
/**
 * The sender's pieces, as raw BEP 3 bitfield bytes (see `Bitfield.fromBytes`). Only valid as
 * the first message after the handshake.
 */
export interface BitfieldMessage { readonly type: 'bitfield'; readonly bytes: Uint8Array }
/** Please send this block (BEP 3). */
export interface RequestMessage extends BlockRange { readonly type: 'request' }
/** A block of data: `block.length` bytes at `begin` of piece `index` (BEP 3). */
export interface PieceMessage {
  readonly type: 'piece';
  readonly index: number;
  readonly begin: number;
  readonly block: Uint8Array;
}
/** Withdraws an earlier request, e.g. in endgame (BEP 3). */
export interface CancelMessage extends BlockRange { readonly type: 'cancel' }

// --- BEP 5 -----------------------------------------------------------------------------------

/** The UDP port of the sender's DHT node (BEP 5). */
export interface PortMessage { readonly type: 'port'; readonly port: number }

// --- BEP 6 -----------------------------------------------------------------------------------

/** The sender suggests we download piece `index` (BEP 6 "Suggest Piece"). */
export interface SuggestMessage { readonly type: 'suggest'; readonly index: number }
/** The sender has every piece; replaces a full bitfield (BEP 6). */
export interface HaveAllMessage { readonly type: 'have-all' }
/** The sender has no piece; replaces an empty bitfield (BEP 6). */
export interface HaveNoneMessage { readonly type: 'have-none' }
/** The sender will not serve this request of ours (BEP 6). */
export interface RejectRequestMessage extends BlockRange { readonly type: 'reject-request' }
/** We may request piece `index` even while choked (BEP 6). */
export interface AllowedFastMessage { readonly type: 'allowed-fast'; readonly index: number }

// --- BEP 10 ----------------------------------------------------------------------------------

/**
 * An extension message (BEP 10). `id` 0 is the extension handshake (see
 * `decodeExtendedHandshake`); other ids are the ones the receiver assigned in its handshake's
 * `m` dictionary.
 */
export interface ExtendedMessage {
  readonly type: 'extended';
  readonly id: number;
  readonly payload: Uint8Array;
}

// --- BEP 52 ----------------------------------------------------------------------------------

/**
 * Please send these hashes of a file's Merkle tree, with proof (BEP 52). The fields are untrusted
 * numbers: check them against the file's tree (`checkHashRange`) before any work.
 */
export interface HashRequestMessage extends HashRange { readonly type: 'hash-request' }
/**
 * Hashes answering a request: `length` hashes of the base layer, then the uncle hashes (nearest
 * the base first), 32 bytes each, concatenated in `hashes` (BEP 52). Verify with `verifyHashes`.
 */
export interface HashesMessage extends HashRange {
  readonly type: 'hashes';
  readonly hashes: Uint8Array;
}
/** The sender will not serve this hash request (BEP 52). */
export interface HashRejectMessage extends HashRange { readonly type: 'hash-reject' }

/**
 * Any message after the handshake. Switch on `type`.
 *
 * @example
 * ```ts
 * declare const msg: WireMessage, theirs: Bitfield, blocks: import('rxjs').Subject<PieceMessage>;
 * switch (msg.type) {
 *   case 'have': theirs.set(msg.index); break;
 *   case 'piece': blocks.next(msg); break;
 * }
 * ```
 */
export type WireMessage =
  | KeepAliveMessage
  | ChokeMessage
  | UnchokeMessage
  | InterestedMessage
  | NotInterestedMessage
  | HaveMessage
  | BitfieldMessage
  | RequestMessage
  | PieceMessage
  | CancelMessage
  | PortMessage
  | SuggestMessage
  | HaveAllMessage
  | HaveNoneMessage
  | RejectRequestMessage
  | AllowedFastMessage
  | ExtendedMessage
  | HashRequestMessage
  | HashesMessage
  | HashRejectMessage;

/** The `type` tag of a wire message. */
export type WireMessageType = WireMessage['type'];

/** Narrows {@link WireMessage} to one `type`: `WireMessageOf<'piece'>` is `PieceMessage`. */
export type WireMessageOf<T extends WireMessageType> = Extract<WireMessage, { type: T }>;

/**
 * @param id a message id byte.
 * @returns whether we understand messages with this id.
 * @example `isKnownMessageId(0x14) // true (extended)`
 */
export function isKnownMessageId(id: number): boolean {
  return (id >= 0 && id <= 9) || (id >= 0x0d && id <= 0x11) || (id >= 20 && id <= 23);
}
