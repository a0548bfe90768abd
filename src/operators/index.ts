/**
 * Pipeable RxJS operators (`rxtorrent/operators`), one per file.
 *
 * @module
 */
export {};
export { frameMessages } from './frameMessages.js';
export { decodeMessages } from './decodeMessages.js';
export type { DecodedMessage, HandshakeMessage } from './decodeMessages.js';
export { encodeMessages } from './encodeMessages.js';
export { initialPeerWireState, nextPeerWireState, trackPeerState } from './trackPeerState.js';
export type { PeerWireState, ReadonlyBitfield, WireTraffic } from './trackPeerState.js';
export { DEFAULT_IDLE_MS, DEFAULT_KEEP_ALIVE_MS, keepAlive } from './keepAlive.js';
export type { KeepAliveConfig, WireActivity } from './keepAlive.js';
