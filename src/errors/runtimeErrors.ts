/**
 * Errors of what runs: storage and the piece pipeline, peer connections and encryption, clients
 * and sessions, choking and rate limits, extensions, the DHT and the UIs.
 *
 * @module
 */
import { RxTorrentError, type RxTorrentErrorOptions } from './base.js';

// ---------------------------------------------------------------------------------------------
// Storage (src/streams/storage) and the piece pipeline (src/operators)

/** Codes of {@link StorageError}. */
export type StorageErrorCode =
  | 'ERR_STORAGE_IO'
  | 'ERR_STORAGE_NO_SPACE'
  | 'ERR_STORAGE_READ_ONLY'
  | 'ERR_STORAGE_CONFLICT'
  | 'ERR_STORAGE_MISSING'
  | 'ERR_STORAGE_CHANGED'
  | 'ERR_STORAGE_CLOSED'
  | 'ERR_STORAGE_OUT_OF_RANGE'
  | 'ERR_STORAGE_NAME_COLLISION'
  | 'ERR_STORAGE_UNSAFE_NAME';

/**
 * Reading or writing torrent data failed. Disk errors end the session with this one error;
 * pieces already verified and written stay intact.
 */
export class StorageError extends RxTorrentError<StorageErrorCode> {}

/** Codes of {@link PieceError}. */
export type PieceErrorCode = 'ERR_PIECE_OUT_OF_RANGE' | 'ERR_PIECE_BAD_BLOCK' | 'ERR_PIECE_HASHER_CLOSED' | 'ERR_PIECE_HASHER_FAILED';

/**
 * A block or piece that does not fit the torrent's geometry (a programming or peer error), or a piece
 * hash asked of a `HashWorkers` pool after it closed, or lost with a worker that died.
 */
export class PieceError extends RxTorrentError<PieceErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Peer connections (src/streams/peer)

/**
 * Codes of {@link PeerError}.
 *
 * Dialling and listening: `ERR_PEER_CONNECT_FAILED` (refused, unreachable: `cause` is the socket
 * error), `ERR_PEER_CONNECT_TIMEOUT`, `ERR_PEER_LISTEN_FAILED`, `ERR_PEER_OVER_CAP` (the client's
 * connection cap is reached), `ERR_PEER_OVER_ADDRESS_CAP` (so is the cap of connections with one IP). Handshake: `ERR_PEER_HANDSHAKE_TIMEOUT`, `ERR_PEER_CLOSED` (closed
 * before the handshake completed), `ERR_PEER_UNKNOWN_INFO_HASH` (inbound, a torrent we do not
 * serve), `ERR_PEER_INFO_HASH_MISMATCH` (outbound, the peer answered for another torrent),
 * `ERR_PEER_SELF` (we dialled ourselves), `ERR_PEER_DUPLICATE` (that peer id is already connected
 * for this torrent). Open connections: `ERR_PEER_TIMEOUT` (the peer was silent too long),
 * `ERR_PEER_SOCKET_ERROR` (reset and other socket errors: `cause`), `ERR_PEER_UNEXPECTED_MESSAGE`
 * (a second bitfield, have-all or have-none). Programmer errors: `ERR_PEER_ALREADY_SUBSCRIBED`
 * (a second concurrent subscriber to a unicast `messages$`), `ERR_PEER_INVALID_ARGUMENT`.
 */
export type PeerErrorCode =
  | 'ERR_PEER_CONNECT_FAILED'
  | 'ERR_PEER_CONNECT_TIMEOUT'
  | 'ERR_PEER_LISTEN_FAILED'
  | 'ERR_PEER_OVER_CAP'
  | 'ERR_PEER_OVER_ADDRESS_CAP'
  | 'ERR_PEER_HANDSHAKE_TIMEOUT'
  | 'ERR_PEER_CLOSED'
  | 'ERR_PEER_UNKNOWN_INFO_HASH'
  | 'ERR_PEER_INFO_HASH_MISMATCH'
  | 'ERR_PEER_SELF'
  | 'ERR_PEER_DUPLICATE'
  | 'ERR_PEER_TIMEOUT'
  | 'ERR_PEER_SOCKET_ERROR'
  | 'ERR_PEER_UNEXPECTED_MESSAGE'
  | 'ERR_PEER_ALREADY_SUBSCRIBED'
  | 'ERR_PEER_INVALID_ARGUMENT';

/**
 * A peer connection failed or was refused: dial or listen failure, handshake timeout or mismatch,
 * self or duplicate connection, the connection cap, a silent peer. Protocol violations inside
 * frames are {@link WireError}s.
 */
export class PeerError extends RxTorrentError<PeerErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Message stream encryption (src/protocol/mse, src/streams/peer)

/**
 * Codes of {@link MseError}. The peer's bytes: `ERR_MSE_BAD_KEY` (a Diffie-Hellman public value
 * out of range), `ERR_MSE_SYNC_NOT_FOUND` (no `HASH('req1', S)` / encrypted VC within the 512
 * bytes of padding allowed), `ERR_MSE_UNKNOWN_SKEY` (a torrent we do not serve), `ERR_MSE_BAD_VC`
 * (the verification constant is not eight zeros), `ERR_MSE_BAD_PAD` (a padding length above 512),
 * `ERR_MSE_NO_COMMON_METHOD` (no crypto method both sides allow), `ERR_MSE_BAD_SELECT` (the peer
 * selected a method we did not offer, or several). The connection: `ERR_MSE_TIMEOUT` (the
 * handshake did not finish in time), `ERR_MSE_CLOSED` (the peer hung up mid-handshake),
 * `ERR_MSE_REFUSED` (our policy refuses the peer's kind of connection: MSE with encryption off,
 * plaintext with encryption required), `ERR_MSE_PLAINTEXT_PEER` (a peer we dialled with MSE
 * answered with a plaintext BitTorrent handshake). Programmer errors: `ERR_MSE_INVALID_ARGUMENT`.
 */
export type MseErrorCode =
  | 'ERR_MSE_BAD_KEY'
  | 'ERR_MSE_SYNC_NOT_FOUND'
  | 'ERR_MSE_UNKNOWN_SKEY'
  | 'ERR_MSE_BAD_VC'
  | 'ERR_MSE_BAD_PAD'
  | 'ERR_MSE_NO_COMMON_METHOD'
  | 'ERR_MSE_BAD_SELECT'
  | 'ERR_MSE_TIMEOUT'
  | 'ERR_MSE_CLOSED'
  | 'ERR_MSE_REFUSED'
  | 'ERR_MSE_PLAINTEXT_PEER'
  | 'ERR_MSE_INVALID_ARGUMENT';

/** The message stream encryption (MSE/PE) handshake failed or was refused by our policy. */
export class MseError extends RxTorrentError<MseErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Client and sessions (src/streams/client, src/streams/session)

/** Codes of {@link ClientError}. */
export type ClientErrorCode = 'ERR_CLIENT_DUPLICATE_TORRENT' | 'ERR_CLIENT_INVALID_ARGUMENT' | 'ERR_CLIENT_STOPPED' | 'ERR_CLIENT_ABORTED';

/**
 * Misuse of a client (the same torrent added twice, an impossible option), a read of a torrent
 * that stopped (`ERR_CLIENT_STOPPED`), or a read its reader gave up (`ERR_CLIENT_ABORTED`).
 */
export class ClientError extends RxTorrentError<ClientErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Choking and rate limits (src/protocol/choker, src/protocol/rate)

/** Codes of {@link ChokerError}. */
export type ChokerErrorCode = 'ERR_CHOKER_INVALID_ARGUMENT';

/** A choker configured with an impossible value (a programmer error, thrown at factory time). */
export class ChokerError extends RxTorrentError<ChokerErrorCode> {}

/**
 * Codes of {@link RateLimitError}. `ERR_RATE_INVALID_ARGUMENT` is thrown at factory time (a rate
 * that is not positive, a burst below one byte); `ERR_RATE_BAD_COST` when `cost(item)` is not a
 * finite number ≥ 0; `ERR_RATE_QUEUE_FULL` when more than `maxQueue` items wait for tokens.
 */
export type RateLimitErrorCode = 'ERR_RATE_INVALID_ARGUMENT' | 'ERR_RATE_BAD_COST' | 'ERR_RATE_QUEUE_FULL';

/** A rate limiter misconfigured, fed an item of impossible cost, or overflowing its queue. */
export class RateLimitError extends RxTorrentError<RateLimitErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Extensions: magnet metadata (BEP 9) and peer exchange (BEP 11) (src/protocol/extensions)

/**
 * Codes of {@link ExtensionError}.
 *
 * A peer's fault (drop the peer): `ERR_EXT_BAD_MESSAGE` (a `ut_metadata` message that is not a
 * well-formed dict with integer `msg_type` / `piece`), `ERR_EXT_BAD_PIECE` (a metadata piece index
 * out of range, or data of the wrong length), `ERR_EXT_METADATA_SIZE_MISMATCH` (`total_size` other
 * than the size the peer announced or we expect), `ERR_EXT_METADATA_HASH_MISMATCH` (metadata whose
 * SHA-1 is not the info-hash, blamed on the peers that sent it), `ERR_EXT_PEX_BAD_MESSAGE` (a
 * malformed `ut_pex` message), `ERR_EXT_HELD_OVERFLOW` (more piece announcements than we hold
 * before the metadata arrives). Not a peer's fault: `ERR_EXT_METADATA_TOO_LARGE` (the metadata is
 * bigger than our cap), `ERR_EXT_METADATA_UNAVAILABLE` (no peer could serve the metadata: the
 * fetch gave up), `ERR_EXT_METADATA_TIMEOUT` (the metadata did not arrive within the session's
 * `metadataTimeoutMs`). Programmer error: `ERR_EXT_INVALID_ARGUMENT`.
 */
export type ExtensionErrorCode =
  | 'ERR_EXT_BAD_MESSAGE'
  | 'ERR_EXT_BAD_PIECE'
  | 'ERR_EXT_METADATA_TOO_LARGE'
  | 'ERR_EXT_METADATA_SIZE_MISMATCH'
  | 'ERR_EXT_METADATA_HASH_MISMATCH'
  | 'ERR_EXT_METADATA_UNAVAILABLE'
  | 'ERR_EXT_METADATA_TIMEOUT'
  | 'ERR_EXT_PEX_BAD_MESSAGE'
  | 'ERR_EXT_HELD_OVERFLOW'
  | 'ERR_EXT_INVALID_ARGUMENT';

/** A BEP 9 metadata exchange or BEP 11 peer exchange went wrong, or a peer abused it. */
export class ExtensionError extends RxTorrentError<ExtensionErrorCode> {}

// ---------------------------------------------------------------------------------------------
// UI: SSE middleware and dashboard (src/ui)

/** Codes of {@link UiError}. */
export type UiErrorCode = 'ERR_UI_INVALID_ARGUMENT';

/** The SSE middleware or the dashboard configured with an impossible value (thrown at factory time). */
export class UiError extends RxTorrentError<UiErrorCode> {}

// ---------------------------------------------------------------------------------------------
// DHT (BEP 5) (src/protocol/dht, src/streams/dht)

/**
 * Codes of {@link DhtError}.
 *
 * A remote node's fault (the packet is dropped or answered with a KRPC error, never a crash):
 * `ERR_DHT_PACKET_TOO_LARGE` (over 1,500 bytes), `ERR_DHT_BAD_MESSAGE` (not a bencoded dict with
 * `t` and `y`, or a field of the wrong type or size), `ERR_DHT_BAD_COMPACT` (compact node or peer
 * info of the wrong length). Ours: `ERR_DHT_INVALID_ARGUMENT` (a programmer error, thrown at
 * factory time), `ERR_DHT_STATE_FILE` (a routing table file that cannot be read back: ignored,
 * the bootstrap nodes are used), `ERR_DHT_SOCKET` (the UDP socket failed).
 */
export type DhtErrorCode =
  | 'ERR_DHT_PACKET_TOO_LARGE'
  | 'ERR_DHT_BAD_MESSAGE'
  | 'ERR_DHT_BAD_COMPACT'
  | 'ERR_DHT_INVALID_ARGUMENT'
  | 'ERR_DHT_STATE_FILE'
  | 'ERR_DHT_SOCKET';

/**
 * A bad KRPC packet or a DHT misconfiguration. `transactionId` is set when the packet's `t` could
 * be read, so a malformed query can still be answered with KRPC error 203.
 */
export class DhtError extends RxTorrentError<DhtErrorCode> {
  constructor(
    code: DhtErrorCode,
    message: string,
    /** The packet's transaction id, when it could be read. */
    readonly transactionId?: Uint8Array,
    options?: RxTorrentErrorOptions,
  ) {
    super(code, message, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Web seeds (src/streams/webseed)

/**
 * Codes of {@link WebSeedError}: `ERR_WEBSEED_STATUS` (an HTTP status other than 200/206),
 * `ERR_WEBSEED_TIMEOUT` (no byte for too long), `ERR_WEBSEED_REDIRECTS` (too many redirects, or
 * one to something other than http/https), `ERR_WEBSEED_BAD_RANGE` (a 206 for other bytes than
 * asked), `ERR_WEBSEED_SHORT_BODY` (the body ended early), `ERR_WEBSEED_IO` (socket errors:
 * `cause`), `ERR_WEBSEED_TLS` (an untrusted or invalid certificate, a failed handshake: `cause`),
 * `ERR_WEBSEED_BAD_URL`, `ERR_WEBSEED_WHOLE_FILE` (a server ignoring `Range` would make us read
 * too far into a file to reach a range).
 */
export type WebSeedErrorCode =
  | 'ERR_WEBSEED_STATUS'
  | 'ERR_WEBSEED_TIMEOUT'
  | 'ERR_WEBSEED_REDIRECTS'
  | 'ERR_WEBSEED_BAD_RANGE'
  | 'ERR_WEBSEED_SHORT_BODY'
  | 'ERR_WEBSEED_IO'
  | 'ERR_WEBSEED_TLS'
  | 'ERR_WEBSEED_BAD_URL'
  | 'ERR_WEBSEED_WHOLE_FILE';

/** A web seed (BEP 19) request failed; `status` and `retryAfterMs` say what the server answered. */
export class WebSeedError extends RxTorrentError<WebSeedErrorCode> {
  constructor(code: WebSeedErrorCode, message: string, readonly status?: number, readonly retryAfterMs?: number, options: RxTorrentErrorOptions = {}) {
    super(code, message, options);
  }
}
