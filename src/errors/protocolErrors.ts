/**
 * Errors of the wire formats and protocols: bencode, metainfo and magnet links, torrent creation,
 * trackers, the peer wire and v2 Merkle trees.
 *
 * @module
 */
import { RxTorrentError, type RxTorrentErrorOptions } from './base.js';

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
 * be read (missing, a folder, no permission: the I/O error as `cause`).
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
