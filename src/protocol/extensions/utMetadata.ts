/**
 * The BEP 9 `ut_metadata` messages: how a magnet download fetches the info dict from peers, in
 * 16 KiB pieces. Each message is a bencoded dict; a `data` message is that dict FOLLOWED by the
 * raw piece bytes, so the decoder finds the dict's end with `scanBencodePrefix`.
 *
 * | msg_type | message   | dict                                  | then        |
 * |----------|-----------|---------------------------------------|-------------|
 * | 0        | `request` | `{ msg_type, piece }`                 | nothing     |
 * | 1        | `data`    | `{ msg_type, piece, total_size }`     | piece bytes |
 * | 2        | `reject`  | `{ msg_type, piece }`                 | nothing     |
 *
 * Unknown `msg_type`s are ignored, as BEP 9 requires ("an unrecognized message ID MUST be
 * ignored"): {@link decodeMetadataMessage} returns `undefined` for them.
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @module
 */
import { BencodeError, ExtensionError } from '../../errors.js';
import { decodeBencode, encodeBencode, scanBencodePrefix } from '../bencode/index.js';
import { checkInteger, isDict, own } from './checks.js';

/** Bytes per metadata piece; every piece but the last is exactly this long (BEP 9). */
export const METADATA_PIECE_LENGTH = 16 * 1024;
/** Largest metadata we fetch or accept by default (16 MiB: 1024 pieces, far above real torrents). */
export const DEFAULT_MAX_METADATA_SIZE = 16 * 1024 * 1024;
/** Largest bencoded dict in front of a metadata piece (real ones are under 60 bytes). */
export const MAX_METADATA_HEADER_LENGTH = 1024;
/** Largest metadata size BEP 10 `metadata_size` can carry in our decoder (a 31-bit integer). */
const MAX_SIZE = 0x7fffffff;
/** Depth allowed in the dict: leaves room for a nested unknown key, and no more. */
const MAX_DEPTH = 4;

/** `msg_type` values (BEP 9). */
export const MetadataMessageType = { request: 0, data: 1, reject: 2 } as const;

/** A decoded `ut_metadata` message. */
export type MetadataMessage =
  /** Please send metadata piece `piece`. */
  | { readonly type: 'request'; readonly piece: number }
  /** Metadata piece `piece` of a `totalSize`-byte info dict. `data` aliases the received payload. */
  | { readonly type: 'data'; readonly piece: number; readonly totalSize: number; readonly data: Uint8Array }
  /** The sender will not send metadata piece `piece` (it lacks the metadata, or it is busy). */
  | { readonly type: 'reject'; readonly piece: number };

/**
 * @param metadataSize the info dict's length in bytes.
 * @returns the number of 16 KiB metadata pieces: ⌈size / 16384⌉.
 * @example `metadataPieceCount(40_000) // 3`
 */
export function metadataPieceCount(metadataSize: number): number {
  return Math.ceil(metadataSize / METADATA_PIECE_LENGTH);
}

/**
 * @param metadataSize the info dict's length in bytes.
 * @param piece a piece index in range.
 * @returns the piece's length: 16384, or the remainder for the last piece.
 * @example `metadataPieceLength(40_000, 2) // 7232`
 */
export function metadataPieceLength(metadataSize: number, piece: number): number {
  return Math.min(METADATA_PIECE_LENGTH, metadataSize - piece * METADATA_PIECE_LENGTH);
}

/**
 * Encodes a `ut_metadata` message (wrap it with the peer's `ut_metadata` id).
 * @param message what to send; a `data` message must carry exactly its piece's bytes.
 * @returns the payload: the dict, then the piece bytes for `data`.
 * @throws {ExtensionError} `ERR_EXT_INVALID_ARGUMENT` for a piece out of range or data of the wrong length.
 * @example
 * ```ts
 * declare const ext: ExtensionRegistry;
 * ext.message('ut_metadata', encodeMetadataMessage({ type: 'request', piece: 0 }))
 * ```
 */
export function encodeMetadataMessage(message: MetadataMessage): Uint8Array {
  checkInteger('piece', message.piece, 0, MAX_SIZE);
  if (message.type !== 'data') {
    return encodeBencode({ msg_type: MetadataMessageType[message.type], piece: message.piece });
  }
  const { piece, totalSize, data } = message;
  checkInteger('totalSize', totalSize, 1, MAX_SIZE);
  checkInteger('piece', piece, 0, metadataPieceCount(totalSize) - 1);
  checkInteger('data length', data.length, metadataPieceLength(totalSize, piece), metadataPieceLength(totalSize, piece));
  const header = encodeBencode({ msg_type: MetadataMessageType.data, piece, total_size: totalSize });
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

/** What a decoder checks a message against. */
export interface MetadataDecodeLimits {
  /** Largest `total_size` accepted. @default DEFAULT_MAX_METADATA_SIZE */
  readonly maxMetadataSize?: number;
  /** The size we expect (the peer's `metadata_size`, or our own); a `data` message must match it. */
  readonly metadataSize?: number;
}

/**
 * Decodes a peer's `ut_metadata` payload, strictly: a well-formed dict (shared validating scanner,
 * bounded size and depth), integer `msg_type` and `piece`, nothing after a `request` or `reject`,
 * and for `data` a `total_size` within the cap (and equal to the expected size, when given), a
 * piece index in range and exactly that piece's length of data. Unknown dict keys are ignored.
 * Whether a `request` is in range is the server's call (it answers with `reject`).
 * @param payload the payload of an extended message routed to `ut_metadata`.
 * @param limits size cap and expected size.
 * @returns the message, or `undefined` for an unknown `msg_type` (BEP 9: ignore it).
 * @throws {ExtensionError} `ERR_EXT_BAD_MESSAGE` (malformed), `ERR_EXT_METADATA_TOO_LARGE`,
 *   `ERR_EXT_METADATA_SIZE_MISMATCH`, `ERR_EXT_BAD_PIECE` (index out of range, wrong data length).
 * @example
 * ```ts
 * declare const routed: { kind: 'ut_metadata'; payload: Uint8Array }, peerSize: number;
 * const msg = decodeMetadataMessage(routed.payload, { metadataSize: peerSize })
 * ```
 */
export function decodeMetadataMessage(payload: Uint8Array, limits: MetadataDecodeLimits = {}): MetadataMessage | undefined {
  const bad = (what: string, cause?: unknown): never => {
    throw new ExtensionError('ERR_EXT_BAD_MESSAGE', `ut_metadata: ${what}`, { cause });
  };
  let end = 0;
  let dict: unknown;
  try {
    const scan = { maxBytes: MAX_METADATA_HEADER_LENGTH, maxDepth: MAX_DEPTH };
    end = scanBencodePrefix(payload, scan);
    dict = decodeBencode(payload.subarray(0, end), scan);
  } catch (cause) {
    if (!(cause instanceof BencodeError)) throw cause;
    bad(cause.message, cause);
  }
  if (!isDict(dict)) return bad('not a dict');
  const msgType = own(dict, 'msg_type');
  if (typeof msgType !== 'number') return bad('msg_type is not an integer');
  if (msgType !== 0 && msgType !== 1 && msgType !== 2) return undefined;
  const piece = own(dict, 'piece');
  if (!isInt(piece, 0, MAX_SIZE)) return bad('piece is not an integer ≥ 0');
  if (msgType !== MetadataMessageType.data) {
    if (end !== payload.length) bad(`${payload.length - end} bytes after a ${msgType === 0 ? 'request' : 'reject'}`);
    return { type: msgType === 0 ? 'request' : 'reject', piece };
  }
  const totalSize = own(dict, 'total_size');
  if (!isInt(totalSize, 1, MAX_SIZE)) return bad('total_size is not an integer ≥ 1');
  return { type: 'data', piece, totalSize: checkSize(totalSize, limits), data: checkData(payload.subarray(end), piece, totalSize) };
}

function checkSize(totalSize: number, limits: MetadataDecodeLimits): number {
  const max = limits.maxMetadataSize ?? DEFAULT_MAX_METADATA_SIZE;
  if (totalSize > max) {
    throw new ExtensionError('ERR_EXT_METADATA_TOO_LARGE', `ut_metadata: total_size ${totalSize} over the cap of ${max}`);
  }
  if (limits.metadataSize !== undefined && totalSize !== limits.metadataSize) {
    throw new ExtensionError(
      'ERR_EXT_METADATA_SIZE_MISMATCH',
      `ut_metadata: total_size ${totalSize}, expected ${limits.metadataSize}`,
    );
  }
  return totalSize;
}

function checkData(data: Uint8Array, piece: number, totalSize: number): Uint8Array {
  const count = metadataPieceCount(totalSize);
  if (piece >= count) throw new ExtensionError('ERR_EXT_BAD_PIECE', `ut_metadata: piece ${piece} of ${count}`);
  const expected = metadataPieceLength(totalSize, piece);
  if (data.length !== expected) {
    throw new ExtensionError('ERR_EXT_BAD_PIECE', `ut_metadata: piece ${piece} has ${data.length} bytes, expected ${expected}`);
  }
  return data;
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
