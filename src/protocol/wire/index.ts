/**
 * The peer wire protocol, pure and synchronous: handshake, message codec, framing, peer ids.
 *
 * Two layers, so the RxJS operators stay thin shells:
 *
 * ```
 * socket bytes ──FrameDecoder.write──▶ Frame (handshake | message body) ──decodeMessage──▶ WireMessage
 * WireMessage ──encodeMessage (or encodePieceHeader + block)──▶ socket bytes
 * ```
 *
 * - `frameMessages(config)`: one `new FrameDecoder(config)` per subscription; on each chunk emit
 *   every frame of `decoder.write(chunk)`; on complete call `decoder.end()` (it throws
 *   `ERR_WIRE_TRUNCATED` for a half frame). A thrown `WireError` poisons the decoder.
 * - `decodeMessages(limits)`: `resolveWireLimits(limits)` once at factory time, then
 *   `frame.kind === 'message' ? decodeMessage(frame.body, limits) : frame.handshake`.
 *   Pass the same caps to both, and call `decoder.setPieceCount(n)` (and pass a new `limits`)
 *   when a magnet's metadata arrives.
 *
 * Byte fields of decoded messages alias the frame, which aliases the socket chunk: copy what you
 * keep. Handshake ids and `Bitfield.fromBytes` already copy.
 *
 * @module
 */

export { Bitfield, bitfieldByteLength } from '../bitfield.js';
export { decodeMessage, fixedBodyLength } from './decodeMessage.js';
export { encodeMessage, encodePieceHeader } from './encodeMessage.js';
export { decodeExtendedHandshake, encodeExtendedHandshake } from './extendedHandshake.js';
export type { ExtendedHandshake } from './extendedHandshake.js';
export { DEFAULT_MAX_UNKNOWN_LENGTH, FrameCaps } from './frameCaps.js';
export type { FrameCapsConfig } from './frameCaps.js';
export { FrameDecoder } from './frameDecoder.js';
export { HASH_HEADER_BODY_LENGTH, MAX_HASH_LAYER, MAX_UNCLE_HASHES, decodeHashMessage, encodeHashMessage, maxHashesBodyLength } from './hashMessages.js';
export type { Frame, FrameDecoderConfig, HandshakeFrame, MessageFrame } from './frameDecoder.js';
export { HANDSHAKE_LENGTH, ID_LENGTH, PROTOCOL_HEADER, decodeHandshake, encodeHandshake } from './handshake.js';
export type { Handshake, HandshakeInit, PeerExtensions } from './handshake.js';
export {
  BLOCK_LENGTH,
  DEFAULT_MAX_BITFIELD_LENGTH,
  DEFAULT_MAX_EXTENDED_LENGTH,
  DEFAULT_MAX_HASHES,
  MAX_HASHES_LIMIT,
  MAX_REQUEST_LENGTH_LIMIT,
  checkRequest,
  resolveWireLimits,
} from './limits.js';
export type { ResolvedWireLimits, WireLimits } from './limits.js';
export { EXTENDED_HANDSHAKE_ID, MessageId, isKnownMessageId } from './messages.js';
export type * from './messages.js';
export { PEER_ID_PREFIX, describePeerId, generatePeerId } from './peerId.js';
export { MAX_PIECE_ANNOUNCEMENTS, MAX_UNSIZED_HAVES, initialPeerWireState, nextPeerWireState, sizePeerWireState } from './peerWireState.js';
export type { HaveList, PeerWireState, ReadonlyBitfield, UnsizedPieces, WireTraffic } from './peerWireState.js';
export type { PeerClient } from './peerId.js';
export { WireError } from '../../errors.js';
export type { WireErrorCode } from '../../errors.js';
