/**
 * Typed errors with stable codes. Every error rxtorrent raises on bad input, on a failing peer,
 * tracker or disk is an {@link RxTorrentError}; match on `code`, never on `message`.
 *
 * Each area has one class whose `code` is a string-literal union, so a `switch (err.code)` is
 * checked by the compiler. Add new codes to the union of their area; never rename one.
 *
 * @module
 */

/** Options accepted by every rxtorrent error. */
export interface RxTorrentErrorOptions {
  /** The lower-level error that caused this one. */
  readonly cause?: unknown;
}

/**
 * Base class of every rxtorrent error.
 *
 * @example
 * ```ts
 * try { parseMetainfo(bytes); }
 * catch (err) { if (err instanceof RxTorrentError) console.error(`${err.code}: ${err.message}`); }
 * ```
 */
export class RxTorrentError<Code extends string = string> extends Error {
  /** Stable machine-readable code, e.g. `'ERR_BENCODE_TRUNCATED'`. */
  readonly code: Code;

  constructor(code: Code, message: string, options: RxTorrentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `err` is an rxtorrent error, optionally with the given code. */
export function isRxTorrentError(err: unknown, code?: string): err is RxTorrentError {
  return err instanceof RxTorrentError && (code === undefined || err.code === code);
}

// ---------------------------------------------------------------------------------------------
// Bencode (src/protocol/bencode)

/** Codes of {@link BencodeError}. */
export type BencodeErrorCode =
  | 'ERR_BENCODE_TOO_LARGE'
  | 'ERR_BENCODE_TOO_DEEP'
  | 'ERR_BENCODE_TRUNCATED'
  | 'ERR_BENCODE_TRAILING_BYTES'
  | 'ERR_BENCODE_UNEXPECTED_BYTE'
  | 'ERR_BENCODE_INVALID_INTEGER'
  | 'ERR_BENCODE_INVALID_LENGTH'
  | 'ERR_BENCODE_KEY_NOT_STRING'
  | 'ERR_BENCODE_KEY_NOT_UTF8'
  | 'ERR_BENCODE_RESERVED_KEY'
  | 'ERR_BENCODE_UNSORTED_KEYS'
  | 'ERR_BENCODE_DUPLICATE_KEY'
  | 'ERR_BENCODE_NOT_A_DICT'
  | 'ERR_BENCODE_UNENCODABLE';

/** Malformed or oversized bencoded data. `offset` is the byte where the scanner stopped. */
export class BencodeError extends RxTorrentError<BencodeErrorCode> {
  constructor(
    code: BencodeErrorCode,
    message: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset: number,
    options?: RxTorrentErrorOptions,
  ) {
    super(code, `${message} (at byte ${offset})`, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Metainfo, magnet links and torrent creation (src/protocol/metainfo, src/streams/createTorrent)

/** Codes of {@link MetainfoError}. */
export type MetainfoErrorCode =
  | 'ERR_METAINFO_NOT_A_DICT'
  | 'ERR_METAINFO_MISSING_FIELD'
  | 'ERR_METAINFO_WRONG_TYPE'
  | 'ERR_METAINFO_BAD_PIECE_LENGTH'
  | 'ERR_METAINFO_BAD_PIECES'
  | 'ERR_METAINFO_BAD_LENGTH'
  | 'ERR_METAINFO_BAD_PATH'
  | 'ERR_METAINFO_DUPLICATE_PATH'
  | 'ERR_METAINFO_NO_FILES'
  | 'ERR_METAINFO_TOO_LARGE'
  | 'ERR_METAINFO_V2_ONLY'
  | 'ERR_METAINFO_BAD_URL'
  | 'ERR_METAINFO_UNKNOWN_VERSION'
  | 'ERR_METAINFO_BAD_FILE_TREE'
  | 'ERR_METAINFO_BAD_PIECES_ROOT'
  | 'ERR_METAINFO_BAD_PIECE_LAYERS'
  | 'ERR_METAINFO_INCONSISTENT'
  | 'ERR_METAINFO_UNREADABLE';

/**
 * A `.torrent` (or info dictionary) that is not a valid BEP 3 / BEP 52 metainfo file. The BEP 52
 * codes: `ERR_METAINFO_UNKNOWN_VERSION` (`meta version` other than 2), `ERR_METAINFO_BAD_FILE_TREE`
 * (a `file tree` that is not a tree of dicts, or deeper or wider than the caps),
 * `ERR_METAINFO_BAD_PIECES_ROOT` (a `pieces root` missing or not 32 bytes),
 * `ERR_METAINFO_BAD_PIECE_LAYERS` (a `piece layers` entry missing, of the wrong size, or not
 * hashing to its file's root), `ERR_METAINFO_INCONSISTENT` (a hybrid torrent whose v1 and v2 views
 * describe different files or alignment). `ERR_METAINFO_UNREADABLE`: the `.torrent` file could not
 * be read (missing, a folder, no permission: the I/O error as `cause`). `ERR_METAINFO_V2_ONLY` is raised by what cannot use a
 * v2-only torrent yet (downloading and seeding one).
 */
export class MetainfoError extends RxTorrentError<MetainfoErrorCode> {}

/** Codes of {@link MagnetError}. */
export type MagnetErrorCode =
  | 'ERR_MAGNET_NOT_MAGNET'
  | 'ERR_MAGNET_NO_INFO_HASH'
  | 'ERR_MAGNET_BAD_INFO_HASH'
  | 'ERR_MAGNET_BAD_PARAMETER'
  | 'ERR_MAGNET_TOO_LONG';

/** A magnet URI that cannot be used (BEP 9). */
export class MagnetError extends RxTorrentError<MagnetErrorCode> {}

/** Codes of {@link CreateTorrentError}. */
export type CreateTorrentErrorCode =
  | 'ERR_CREATE_NOT_FOUND'
  | 'ERR_CREATE_SYMLINK'
  | 'ERR_CREATE_NOT_A_FILE'
  | 'ERR_CREATE_EMPTY'
  | 'ERR_CREATE_BAD_PIECE_LENGTH'
  | 'ERR_CREATE_BAD_TRACKER'
  | 'ERR_CREATE_CHANGED'
  | 'ERR_CREATE_READ_FAILED'
  | 'ERR_CREATE_OUTPUT_EXISTS';

/** A torrent could not be created from the given files. */
export class CreateTorrentError extends RxTorrentError<CreateTorrentErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Tracker (src/tracker, src/protocol/tracker)

/**
 * Codes of {@link TrackerError}.
 *
 * The request and limit codes (`ERR_TRACKER_QUERY_*`, `*_PARAMETER`, `*_INFO_HASH`, `*_PEER_ID`,
 * `*_PORT`, `*_PEER_ADDRESS`, `*_SWARMS`, `*_SWARM_FULL`, `*_TOO_MANY_PEERS`) are the client's fault:
 * the tracker server sends their message back as the bencoded `failure reason`. The others never
 * reach a client.
 */
export type TrackerErrorCode =
  | 'ERR_TRACKER_QUERY_TOO_LONG'
  | 'ERR_TRACKER_BAD_QUERY'
  | 'ERR_TRACKER_REPEATED_PARAMETER'
  | 'ERR_TRACKER_MISSING_PARAMETER'
  | 'ERR_TRACKER_BAD_PARAMETER'
  | 'ERR_TRACKER_BAD_INFO_HASH'
  | 'ERR_TRACKER_BAD_PEER_ID'
  | 'ERR_TRACKER_BAD_PORT'
  | 'ERR_TRACKER_BAD_PEER_ADDRESS'
  | 'ERR_TRACKER_TOO_MANY_INFO_HASHES'
  | 'ERR_TRACKER_TOO_MANY_SWARMS'
  | 'ERR_TRACKER_SWARM_FULL'
  | 'ERR_TRACKER_TOO_MANY_PEERS'
  | 'ERR_TRACKER_SWARM_RATE_LIMITED'
  | 'ERR_TRACKER_BAD_COMPACT_PEERS'
  | 'ERR_TRACKER_BAD_CONFIG'
  // Tracker client: what an announce can run into.
  | 'ERR_TRACKER_BAD_URL'
  | 'ERR_TRACKER_UNSUPPORTED_PROTOCOL'
  | 'ERR_TRACKER_UNREACHABLE'
  | 'ERR_TRACKER_TIMEOUT'
  | 'ERR_TRACKER_HTTP_STATUS'
  | 'ERR_TRACKER_RESPONSE_TOO_LARGE'
  | 'ERR_TRACKER_BAD_RESPONSE'
  | 'ERR_TRACKER_FAILURE_REASON'
  // Shared swarm store (Redis): the store failed or answered nonsense; never sent to a client.
  | 'ERR_TRACKER_STORE_FAILED';

/** A bad tracker request, a full swarm, a malformed peer list or a bad tracker configuration. */
export class TrackerError extends RxTorrentError<TrackerErrorCode> {}

// ---------------------------------------------------------------------------------------------
// Wire protocol (src/protocol/wire)

/** Codes of {@link WireError}. */
export type WireErrorCode =
  | 'ERR_WIRE_BAD_PROTOCOL'
  | 'ERR_WIRE_FRAME_TOO_LONG'
  | 'ERR_WIRE_BAD_LENGTH'
  | 'ERR_WIRE_UNKNOWN_MESSAGE'
  | 'ERR_WIRE_TRUNCATED'
  | 'ERR_WIRE_BITFIELD_LENGTH'
  | 'ERR_WIRE_BITFIELD_SPARE_BITS'
  | 'ERR_WIRE_INDEX_OUT_OF_RANGE'
  | 'ERR_WIRE_BAD_REQUEST'
  | 'ERR_WIRE_BAD_BLOCK'
  | 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'
  | 'ERR_WIRE_BAD_HASHES'
  | 'ERR_WIRE_INVALID_ARGUMENT';

/**
 * A peer broke the wire protocol (BEP 3, 6, 10): a bad handshake, an oversized or malformed
 * frame, an out-of-range index; `ERR_WIRE_BAD_HASHES` is a BEP 52 `hashes` message whose hash count
 * does not match its header or whose layers are absurd. `ERR_WIRE_INVALID_ARGUMENT` is the one programmer error: a value
 * we were asked to encode does not fit its field.
 */
export class WireError extends RxTorrentError<WireErrorCode> {}

// ---------------------------------------------------------------------------------------------
// BitTorrent v2 Merkle trees and hash messages (src/protocol/merkle)

/**
 * Codes of {@link MerkleError}.
 *
 * `ERR_MERKLE_BAD_REQUEST`: a hash request (or the header of a `hashes` reply) outside the file's
 * tree: a layer at or above the root, an index or length past the layer, a length that is not a
 * power of two (nor truncated by the layer's end), an index not a multiple of the length, too many
 * hashes, too many proof layers. `ERR_MERKLE_UNSUPPORTED`: a valid request we do not serve (a
 * layer between the leaves and the piece layer, leaves across pieces). `ERR_MERKLE_UNAVAILABLE`:
 * we lack the hashes or data to answer. `ERR_MERKLE_UNKNOWN_FILE`: a `pieces root` that is no file
 * of the torrent. `ERR_MERKLE_NOT_CHAINED`: received hashes that do not hash up to the file's root
 * (or to a piece hash we trust), or whose count does not match the request: the sender lied.
 * `ERR_MERKLE_UNVERIFIABLE`: a proof that stops below any node we know. `ERR_MERKLE_INVALID_ARGUMENT`
 * is the programmer error (a geometry that cannot exist).
 */
export type MerkleErrorCode =
  | 'ERR_MERKLE_BAD_REQUEST'
  | 'ERR_MERKLE_UNSUPPORTED'
  | 'ERR_MERKLE_UNAVAILABLE'
  | 'ERR_MERKLE_UNKNOWN_FILE'
  | 'ERR_MERKLE_NOT_CHAINED'
  | 'ERR_MERKLE_UNVERIFIABLE'
  | 'ERR_MERKLE_INVALID_ARGUMENT';

/** A BEP 52 hash request we will not serve, or hashes a peer sent that we cannot trust. */
export class MerkleError extends RxTorrentError<MerkleErrorCode> {}

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
