/**
 * Peer connections over TCP: dialling (`connectPeer`), listening (`listenForPeers`), the shared
 * connection cap (`createConnectionLimiter`), and the socket adapter beneath them (`fromSocket`).
 *
 * ```ts
 * const limiter = createConnectionLimiter({ maxPeers: 50 });
 * listenForPeers({ host, port, limiter, lookup });                    // inbound
 * connectPeer(address, { infoHash, peerId, bitfield, limits, limiter }); // outbound
 * ```
 *
 * @module
 */
export { ConnectionLimiter, createConnectionLimiter } from './connectionLimiter.js';
export type { ConnectionLimiterConfig, ConnectionSlot } from './connectionLimiter.js';
export { connectPeer } from './connectPeer.js';
export type { ConnectPeerOptions } from './connectPeer.js';
export { encryptStream, methodsOf } from './encryptedStream.js';
export type { EncryptedStream, EncryptionPolicy, EncryptionSetup } from './encryptedStream.js';
export { fromSocket } from './fromSocket.js';
export type { SocketStream } from './fromSocket.js';
export { listenForPeers } from './listenForPeers.js';
export type { ListenerEvent, ListenForPeersOptions } from './listenForPeers.js';
export type { PeerConnection } from './peerConnection.js';
export { createRc4Cipher, opensslRc4Available } from './rc4Cipher.js';
export type { Rc4Implementation } from './rc4Cipher.js';
export { DEFAULT_EXTENDED_HANDSHAKE, resolvePeerTimeouts } from './peerOptions.js';
export type { PeerConnectionContext, PeerTimeouts, ResolvedPeerTimeouts, TorrentPeerOptions } from './peerOptions.js';
