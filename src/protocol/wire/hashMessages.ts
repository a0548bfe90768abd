/**
 * The codec of the BEP 52 hash messages: `hash request` (21) and `hash reject` (23) are a fixed
 * 49-byte body (id, 32-byte pieces root, base layer, index, length, proof layers as u32); `hashes`
 * (22) is that header followed by 32-byte hashes, whose count must match the header.
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html (peer messages)
 * @module
 */
import { WireError } from '../../errors.js';
import { uncleCount, type HashRange } from '../merkle/hashRange.js';
import { DEFAULT_MAX_HASHES } from './limits.js';
import type { WireLimits } from './limits.js';
import { MessageId } from './messages.js';
import type { HashRejectMessage, HashRequestMessage, HashesMessage } from './messages.js';

/** Body length of `hash request` and `hash reject` (id byte included). */
export const HASH_HEADER_BODY_LENGTH = 49;
/** Layers (base and proof) above this are absurd: no tree is 2^64 leaves tall. */
export const MAX_HASH_LAYER = 63;
/** Most uncle hashes a `hashes` message can carry (one per proof layer). */
export const MAX_UNCLE_HASHES = MAX_HASH_LAYER + 1;

/**
 * The longest `hashes` body accepted under `limits`: the header, `maxHashes` base hashes and the
 * most uncles any header allows.
 *
 * @example
 * ```ts
 * maxHashesBodyLength({}); // 49 + 32 × (512 + 64)
 * ```
 */
export function maxHashesBodyLength(limits: WireLimits): number {
  return HASH_HEADER_BODY_LENGTH + 32 * ((limits.maxHashes ?? DEFAULT_MAX_HASHES) + MAX_UNCLE_HASHES);
}

/**
 * Decodes the body of a hash request, hashes or hash reject. Byte fields are views into `body`.
 *
 * @param body - id byte + payload
 * @param limits - `maxHashes` caps a `hashes` reply's length
 * @returns the message
 * @throws {WireError} `ERR_WIRE_BAD_LENGTH` (a body of the wrong size), `ERR_WIRE_BAD_HASHES` (a
 *   `hashes` reply whose length is 0 or over the cap, whose layers are absurd, or whose hash count
 *   does not match its header)
 * @example
 * ```ts
 * declare const frame: MessageFrame, limits: ResolvedWireLimits;
 * const msg = decodeHashMessage(frame.body, limits);
 * ```
 */
export function decodeHashMessage(body: Uint8Array, limits: WireLimits): HashRequestMessage | HashesMessage | HashRejectMessage {
  const id = body[0];
  if (body.length < HASH_HEADER_BODY_LENGTH || (id !== MessageId.hashes && body.length !== HASH_HEADER_BODY_LENGTH)) {
    throw new WireError('ERR_WIRE_BAD_LENGTH', `hash message ${id} of ${body.length} bytes`);
  }
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  const range: HashRange = {
    piecesRoot: body.subarray(1, 33),
    baseLayer: view.getUint32(33),
    index: view.getUint32(37),
    length: view.getUint32(41),
    proofLayers: view.getUint32(45),
  };
  if (id === MessageId.hashRequest) return { type: 'hash-request', ...range };
  if (id === MessageId.hashReject) return { type: 'hash-reject', ...range };
  return { type: 'hashes', ...range, hashes: checkHashes(range, body.subarray(HASH_HEADER_BODY_LENGTH), limits) };
}

function checkHashes(r: HashRange, hashes: Uint8Array, limits: WireLimits): Uint8Array {
  const max = limits.maxHashes ?? DEFAULT_MAX_HASHES;
  const bad = (why: string) => new WireError('ERR_WIRE_BAD_HASHES', `hashes message: ${why}`);
  if (r.length === 0 || r.length > max) throw bad(`length ${r.length} outside 1..${max}`);
  if (r.baseLayer > MAX_HASH_LAYER || r.proofLayers > MAX_HASH_LAYER) throw bad('absurd layers');
  const expected = (r.length + uncleCount(r.length, r.proofLayers)) * 32;
  if (hashes.length !== expected) throw bad(`${hashes.length} bytes of hashes, the header says ${expected}`);
  return hashes;
}

/**
 * Encodes a hash request, hashes or hash reject into one frame.
 *
 * @param msg - the message (`hashes` holds the base hashes then the uncles)
 * @returns the frame bytes (length prefix included)
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for a root that is not 32 bytes, a field that
 *   does not fit a u32, or hashes that are not whole 32-byte hashes
 * @example
 * ```ts
 * declare const range: HashRange;
 * socket.write(encodeHashMessage({ type: 'hash-request', ...range }));
 * ```
 */
export function encodeHashMessage(msg: HashRequestMessage | HashesMessage | HashRejectMessage): Uint8Array {
  const hashes = msg.type === 'hashes' ? msg.hashes : new Uint8Array(0);
  if (msg.piecesRoot.length !== 32 || hashes.length % 32 !== 0) {
    throw new WireError('ERR_WIRE_INVALID_ARGUMENT', 'a pieces root is 32 bytes and hashes whole 32-byte hashes');
  }
  const out = new Uint8Array(4 + HASH_HEADER_BODY_LENGTH + hashes.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, HASH_HEADER_BODY_LENGTH + hashes.length);
  out[4] = msg.type === 'hash-request' ? MessageId.hashRequest : msg.type === 'hashes' ? MessageId.hashes : MessageId.hashReject;
  out.set(msg.piecesRoot, 5);
  [msg.baseLayer, msg.index, msg.length, msg.proofLayers].forEach((value, i) => {
    if (value >>> 0 !== value) throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `hash message field ${value} does not fit a u32`);
    view.setUint32(37 + 4 * i, value);
  });
  out.set(hashes, 4 + HASH_HEADER_BODY_LENGTH);
  return out;
}
