/**
 * Decodes one frame body (id byte + payload, no length prefix; empty for keep-alive) into a
 * {@link WireMessage}, checking every length, index and range a hostile peer could get wrong.
 * Finding the bodies in a byte stream is `FrameDecoder`'s job.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @module
 */

import { WireError } from '../../errors.js';
import { Bitfield } from '../bitfield.js';
import { BLOCK_LENGTH, DEFAULT_MAX_BITFIELD_LENGTH, DEFAULT_MAX_EXTENDED_LENGTH, checkRequest } from './limits.js';
import type { WireLimits } from './limits.js';
import { HASH_HEADER_BODY_LENGTH, decodeHashMessage } from './hashMessages.js';
import { MessageId } from './messages.js';
import type { BlockRange, WireMessage } from './messages.js';

/** Body length of each fixed-size message id, 0 for variable-size and unknown ids. */
const FIXED_BODY_LENGTH = new Uint8Array(256);
for (const id of [0, 1, 2, 3, 0x0e, 0x0f]) FIXED_BODY_LENGTH[id] = 1;
for (const id of [4, 0x0d, 0x11]) FIXED_BODY_LENGTH[id] = 5;
for (const id of [6, 8, 0x10]) FIXED_BODY_LENGTH[id] = 13;
FIXED_BODY_LENGTH[9] = 3;
FIXED_BODY_LENGTH[MessageId.hashRequest] = HASH_HEADER_BODY_LENGTH;
FIXED_BODY_LENGTH[MessageId.hashReject] = HASH_HEADER_BODY_LENGTH;

/**
 * @param id a message id byte.
 * @returns the exact body length (id byte included) of a fixed-size message, or 0 when the
 *   message has a variable size or the id is unknown.
 * @example `fixedBodyLength(MessageId.request) // 13`
 */
export function fixedBodyLength(id: number): number {
  return FIXED_BODY_LENGTH[id] ?? 0;
}

// Bodiless messages carry no data, so one frozen instance each saves an allocation per message.
const KEEP_ALIVE = Object.freeze({ type: 'keep-alive' } as const);
const BARE = [
  Object.freeze({ type: 'choke' } as const),
  Object.freeze({ type: 'unchoke' } as const),
  Object.freeze({ type: 'interested' } as const),
  Object.freeze({ type: 'not-interested' } as const),
];
const HAVE_ALL = Object.freeze({ type: 'have-all' } as const);
const HAVE_NONE = Object.freeze({ type: 'have-none' } as const);

/**
 * Decodes one frame body. Returned byte fields are views into `body` (no copy).
 * @param body id byte + payload as produced by `FrameDecoder` (empty = keep-alive).
 * @param limits caps and, when known, piece count and lengths. Resolve it once with
 *   `resolveWireLimits`; defaults apply to anything unset.
 * @returns the message.
 * @throws {WireError} `ERR_WIRE_BAD_LENGTH` (fixed-size message of the wrong size, truncated
 *   `piece`/`extended`), `ERR_WIRE_FRAME_TOO_LONG` (block, extended or bitfield over its cap),
 *   `ERR_WIRE_BITFIELD_LENGTH`, `ERR_WIRE_BITFIELD_SPARE_BITS`, `ERR_WIRE_INDEX_OUT_OF_RANGE`,
 *   `ERR_WIRE_BAD_REQUEST`, `ERR_WIRE_BAD_BLOCK`, `ERR_WIRE_BAD_HASHES`, `ERR_WIRE_UNKNOWN_MESSAGE`.
 * @example
 * ```ts
 * declare const frame: MessageFrame, limits: ResolvedWireLimits, theirs: Bitfield;
 * const msg = decodeMessage(frame.body, limits); if (msg.type === 'have') theirs.set(msg.index);
 * ```
 */
export function decodeMessage(body: Uint8Array, limits: WireLimits = {}): WireMessage {
  if (body.length === 0) return KEEP_ALIVE;
  const id = body[0]!;
  const fixed = FIXED_BODY_LENGTH[id]!;
  if (fixed !== 0 && body.length !== fixed) {
    throw new WireError('ERR_WIRE_BAD_LENGTH', `message ${id} is ${body.length} bytes, expected ${fixed}`);
  }
  switch (id) {
    case MessageId.choke: case MessageId.unchoke: case MessageId.interested: case MessageId.notInterested:
      return BARE[id]!;
    case MessageId.haveAll: return HAVE_ALL;
    case MessageId.haveNone: return HAVE_NONE;
    case MessageId.have: return { type: 'have', index: checkIndex(u32(body, 1), limits) };
    case MessageId.suggest: return { type: 'suggest', index: checkIndex(u32(body, 1), limits) };
    case MessageId.allowedFast: return { type: 'allowed-fast', index: checkIndex(u32(body, 1), limits) };
    case MessageId.request: return { type: 'request', ...range(body, limits) };
    case MessageId.cancel: return { type: 'cancel', ...range(body, limits) };
    case MessageId.rejectRequest: return { type: 'reject-request', ...range(body, limits) };
    case MessageId.port: return { type: 'port', port: (body[1]! << 8) | body[2]! };
    case MessageId.bitfield: {
      const bytes = body.subarray(1);
      if (limits.pieceCount !== undefined) Bitfield.validate(bytes, limits.pieceCount);
      else capped(bytes.length, limits.maxBitfieldLength ?? DEFAULT_MAX_BITFIELD_LENGTH, 'bitfield');
      return { type: 'bitfield', bytes };
    }
    case MessageId.piece: return decodePiece(body, limits);
    case MessageId.extended: {
      if (body.length < 2) throw new WireError('ERR_WIRE_BAD_LENGTH', 'extended message without an id');
      capped(body.length, limits.maxExtendedLength ?? DEFAULT_MAX_EXTENDED_LENGTH, 'extended message');
      return { type: 'extended', id: body[1]!, payload: body.subarray(2) };
    }
    case MessageId.hashRequest: case MessageId.hashes: case MessageId.hashReject:
      return decodeHashMessage(body, limits);
    default:
      throw new WireError('ERR_WIRE_UNKNOWN_MESSAGE', `unknown message id ${id}`);
  }
}

function decodePiece(body: Uint8Array, limits: WireLimits): WireMessage {
  if (body.length < 9) throw new WireError('ERR_WIRE_BAD_LENGTH', `piece message of ${body.length} bytes`);
  const index = checkIndex(u32(body, 1), limits);
  const begin = u32(body, 5);
  const block = body.subarray(9);
  capped(block.length, limits.maxBlockLength ?? BLOCK_LENGTH, 'block');
  if (block.length === 0) throw new WireError('ERR_WIRE_BAD_BLOCK', `empty block in piece ${index}`);
  if (limits.pieceLength !== undefined && begin + block.length > limits.pieceLength(index)) {
    throw new WireError('ERR_WIRE_BAD_BLOCK', `block ${begin}+${block.length} past the end of piece ${index}`);
  }
  return { type: 'piece', index, begin, block };
}

function range(body: Uint8Array, limits: WireLimits): BlockRange {
  const result = { index: u32(body, 1), begin: u32(body, 5), length: u32(body, 9) };
  const problem = checkRequest(result, limits);
  if (problem !== undefined) throw problem;
  return result;
}

function checkIndex(index: number, limits: WireLimits): number {
  if (limits.pieceCount !== undefined && index >= limits.pieceCount) {
    throw new WireError('ERR_WIRE_INDEX_OUT_OF_RANGE', `piece ${index} of ${limits.pieceCount}`);
  }
  return index;
}

function capped(length: number, max: number, what: string): void {
  if (length > max) throw new WireError('ERR_WIRE_FRAME_TOO_LONG', `${what} of ${length} bytes over the cap of ${max}`);
}

function u32(bytes: Uint8Array, offset: number): number {
  // `* 2 ** 24` rather than `<< 24`, which would turn the top bit into a sign.
  return bytes[offset]! * 0x1000000 + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!);
}
