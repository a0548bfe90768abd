/**
 * Magnet links and peer exchange, pure and synchronous: BEP 10 extension ids, BEP 9 metadata
 * exchange (codec, fetcher, server), BEP 11 peer exchange (codec, per-connection state), and the
 * piece announcements held until a magnet's metadata arrives.
 *
 * ```
 * extended msg ─ExtensionRegistry.route─▶ handshake ──▶ fetcher.peerJoined(key, metadataSize)
 *                                       ├ ut_metadata ─decodeMetadataMessage─▶ request → server.request → reply
 *                                       │                                    └ data/reject → fetcher.received
 *                                       └ ut_pex ─decodePexMessage─▶ pexState.receive ─▶ dial planner
 * fetcher actions: requests → ext.message('ut_metadata', encodeMetadataMessage(...)); done → parseInfoDict;
 *                  dropPeers → close; failed → end the session
 * ```
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @see https://www.bittorrent.org/beps/bep_0010.html
 * @see https://www.bittorrent.org/beps/bep_0011.html
 * @module
 */

export {
  EXTENSION_NAMES,
  ExtensionRegistry,
  OUR_EXTENSION_IDS,
  offeredExtensions,
  ourHandshakeMessage,
  readPeerExtensionIds,
} from './registry.js';
export type { ExtensionName, ExtensionPolicy, OurHandshakeInit, PeerExtensionIds, RoutedExtension } from './registry.js';
export {
  DEFAULT_MAX_METADATA_SIZE,
  MAX_METADATA_HEADER_LENGTH,
  METADATA_PIECE_LENGTH,
  MetadataMessageType,
  decodeMetadataMessage,
  encodeMetadataMessage,
  metadataPieceCount,
  metadataPieceLength,
} from './utMetadata.js';
export type { MetadataDecodeLimits, MetadataMessage } from './utMetadata.js';
export { MetadataFetcher } from './metadataFetcher.js';
export type { BlamedPeer, MetadataActions, MetadataFetchStatus, MetadataFetcherConfig, MetadataRequest } from './fetcherTypes.js';
export { MetadataServer } from './metadataServer.js';
export type { MetadataServerConfig } from './metadataServer.js';
export {
  DEFAULT_MAX_PEX_LENGTH,
  DEFAULT_MAX_PEX_PEERS_RECEIVED,
  MAX_PEX_PEERS_SENT,
  PexFlags,
  decodePexMessage,
  encodePexMessage,
  isPexAddress,
} from './utPex.js';
export type { PexDecodeLimits, PexMessage, PexPeer } from './utPex.js';
export { PexState } from './pexState.js';
export type { PexStateConfig } from './pexState.js';
export { DEFAULT_MAX_HELD_HAVES, HeldPieces } from './heldPieces.js';
export type { HeldPiecesConfig, HeldResolution } from './heldPieces.js';
export { ExtensionError } from '../../errors.js';
export type { ExtensionErrorCode } from '../../errors.js';
