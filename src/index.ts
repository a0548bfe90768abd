/**
 * rxtorrent: a BitTorrent client, seeder and tracker as RxJS stream pipelines.
 * This entry re-exports the public API; see `rxtorrent/operators`, `rxtorrent/tracker` and
 * `rxtorrent/ui` too.
 *
 * @module
 */
export * from './errors.js';
export { VERSION } from './version.js';
export { toHex, fromHex } from './protocol/bytes.js';
export * from './protocol/bencode/index.js';
export * from './protocol/metainfo/index.js';
export { Bitfield } from './protocol/bitfield.js';
export { parsePeerAddress, formatPeerAddress } from './protocol/peerAddress.js';
export type { PeerAddress } from './protocol/peerAddress.js';
export { generatePeerId, describePeerId, encodeHandshake, encodeMessage } from './protocol/wire/index.js';
export type { WireMessage, WireLimits, ExtendedHandshake, Handshake } from './protocol/wire/index.js';
export { TokenBucket } from './protocol/rate/index.js';
export { readTorrent } from './streams/readTorrent.js';
export { createTorrent } from './streams/create/createTorrent.js';
export type { CreateTorrentConfig, CreateTorrentEvent } from './streams/create/createTorrent.js';
export { download, seed } from './streams/download.js';
export type { DownloadConfig, SeedConfig } from './streams/download.js';
export { createClient } from './streams/client/createClient.js';
export type { Client, ClientConfig, ClientComponents } from './streams/client/createClient.js';
export type { TorrentHandle } from './streams/client/torrentHandle.js';
export { clientState, summarizeSessions } from './streams/client/clientState.js';
export type { ClientState, ClientStateConfig } from './streams/client/clientState.js';
export { torrentSession } from './streams/session/torrentSession.js';
export type { SessionConfig, SessionComponents, SwarmPort } from './streams/session/sessionConfig.js';
export type { SessionState, SessionStatus, PeerView, TrackerView } from './streams/session/sessionState.js';
export { PIECE_MAP_CELLS, pieceMapOf } from './streams/session/sessionState.js';
export { recheckPieces } from './streams/recheck.js';
export type { RecheckConfig, RecheckEvent } from './streams/recheck.js';
export * from './streams/storage/index.js';
export * from './streams/peer/index.js';
export { fromAsyncGenerator } from './streams/fromAsyncGenerator.js';
export { HashWorkers, defaultHashThreads } from './streams/hash/hashWorkers.js';
export type { HashWorkersConfig } from './streams/hash/hashWorkers.js';
export * from './streams/dht/index.js';
