/**
 * Encodes {@link WireMessage}s into length-prefixed frames: 4-byte big-endian length, id byte,
 * payload. One allocation per message.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @module
 */

import { WireError } from '../../errors.js';
import { encodeHashMessage } from './hashMessages.js';
import { MessageId } from './messages.js';
import type { BlockRange, WireMessage } from './messages.js';

/**
 * Encodes a message into one freshly allocated frame (4-byte big-endian length, id, payload).
 * For `piece`, prefer {@link encodePieceHeader} plus the block in a vectored write: this function
 * must copy the block into the frame.
 * @param msg the message.
 * @returns the frame bytes.
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` when a number does not fit its field.
 * @example `socket.write(encodeMessage({ type: 'request', index: 0, begin: 0, length: 16384 }))`
 */
export function encodeMessage(msg: WireMessage): Uint8Array {
  switch (msg.type) {
    case 'keep-alive': return new Uint8Array(4);
    case 'choke': return frame(MessageId.choke, 1);
    case 'unchoke': return frame(MessageId.unchoke, 1);
    case 'interested': return frame(MessageId.interested, 1);
    case 'not-interested': return frame(MessageId.notInterested, 1);
    case 'have-all': return frame(MessageId.haveAll, 1);
    case 'have-none': return frame(MessageId.haveNone, 1);
    case 'have': return indexFrame(MessageId.have, msg.index);
    case 'suggest': return indexFrame(MessageId.suggest, msg.index);
    case 'allowed-fast': return indexFrame(MessageId.allowedFast, msg.index);
    case 'request': return rangeFrame(MessageId.request, msg);
    case 'cancel': return rangeFrame(MessageId.cancel, msg);
    case 'reject-request': return rangeFrame(MessageId.rejectRequest, msg);
    case 'bitfield': return payloadFrame(MessageId.bitfield, [], msg.bytes);
    case 'extended': return payloadFrame(MessageId.extended, [byte(msg.id, 'extended id')], msg.payload);
    case 'port': {
      const out = frame(MessageId.port, 3);
      if (msg.port >>> 0 !== msg.port || msg.port > 0xffff) invalid('port', msg.port);
      out[5] = msg.port >>> 8;
      out[6] = msg.port & 0xff;
      return out;
    }
    case 'piece': {
      const out = pieceHeader(msg.index, msg.begin, msg.block.length, 13 + msg.block.length);
      out.set(msg.block, 13);
      return out;
    }
    case 'hash-request': case 'hashes': case 'hash-reject':
      return encodeHashMessage(msg);
  }
}

/**
 * The 13 bytes that precede a block in a `piece` message, so a sender can write header and block
 * (read straight from storage) without copying the block into one buffer.
 * @param index piece index.
 * @param begin byte offset in the piece.
 * @param blockLength length of the block that follows.
 * @returns length prefix, id 7, index, begin.
 * @example
 * ```ts
 * declare const i: number, b: number, block: Uint8Array;
 * socket.cork(); socket.write(encodePieceHeader(i, b, block.length)); socket.write(block); socket.uncork();
 * ```
 */
export function encodePieceHeader(index: number, begin: number, blockLength: number): Uint8Array {
  return pieceHeader(index, begin, blockLength, 13);
}

/** Allocates `size` bytes (the whole frame unless the caller writes the rest) with prefix and id. */
function frame(id: number, bodyLength: number, size = 4 + bodyLength): Uint8Array {
  const out = new Uint8Array(size);
  putU32(out, 0, bodyLength, 'length');
  out[4] = id;
  return out;
}

function pieceHeader(index: number, begin: number, blockLength: number, size: number): Uint8Array {
  const out = frame(MessageId.piece, 9 + blockLength, size);
  putU32(out, 5, index, 'index');
  putU32(out, 9, begin, 'begin');
  return out;
}

function indexFrame(id: number, index: number): Uint8Array {
  const out = frame(id, 5);
  putU32(out, 5, index, 'index');
  return out;
}

function rangeFrame(id: number, r: BlockRange): Uint8Array {
  const out = frame(id, 13);
  putU32(out, 5, r.index, 'index');
  putU32(out, 9, r.begin, 'begin');
  putU32(out, 13, r.length, 'length');
  return out;
}

function payloadFrame(id: number, head: number[], payload: Uint8Array): Uint8Array {
  const out = frame(id, 1 + head.length + payload.length);
  out.set(head, 5);
  out.set(payload, 5 + head.length);
  return out;
}

function byte(value: number, name: string): number {
  if (value >>> 0 !== value || value > 0xff) invalid(name, value);
  return value;
}

function putU32(out: Uint8Array, offset: number, value: number, name: string): void {
  if (value >>> 0 !== value) invalid(name, value);
  out[offset] = value >>> 24;
  out[offset + 1] = value >>> 16;
  out[offset + 2] = value >>> 8;
  out[offset + 3] = value;
}

function invalid(name: string, value: number): never {
  throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `${name} ${value} does not fit its field`);
}
