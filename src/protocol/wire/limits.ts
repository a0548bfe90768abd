/**
 * The caps and torrent geometry every wire check is made against. One object serves the frame
 * decoder (length caps before buffering) and `decodeMessage` (index and range checks), so an
 * operator resolves it once and hands the same object to both.
 *
 * @module
 */

import { WireError } from '../../errors.js';
import type { BlockRange } from './messages.js';

/** The block size every client requests (BEP 3: "2^14 (16 kiB)"). */
export const BLOCK_LENGTH = 16 * 1024;
/** Largest request length we can be configured to serve; peers drop larger ones anyway. */
export const MAX_REQUEST_LENGTH_LIMIT = 128 * 1024;
/** Default cap on a whole extended frame: a BEP 9 metadata piece is 16 KiB plus its header. */
export const DEFAULT_MAX_EXTENDED_LENGTH = 64 * 1024;
/** Default cap on a bitfield before the piece count is known: 8 Mi pieces. */
export const DEFAULT_MAX_BITFIELD_LENGTH = 1024 * 1024;
/** Default cap on the `length` of a BEP 52 `hashes` reply ("SHOULD NOT be greater than 512"). */
export const DEFAULT_MAX_HASHES = 512;
/** Largest `maxHashes` allowed: one piece's block hashes at the largest piece length (256 MiB). */
export const MAX_HASHES_LIMIT = 16 * 1024;

/**
 * Limits for decoding one connection's messages. Everything is optional; geometry checks run only
 * when the geometry is given (a magnet download learns it after the metadata arrives).
 *
 * @example
 * ```ts
 * const limits = resolveWireLimits({
 *   pieceCount: torrent.pieceCount,
 *   pieceLength: (i) => (i === torrent.pieceCount - 1 ? torrent.length - (torrent.pieceCount - 1) * torrent.pieceLength : torrent.pieceLength),
 * });
 * ```
 */
export interface WireLimits {
  /** Number of pieces; enables exact bitfield sizes and index checks. */
  readonly pieceCount?: number | undefined;
  /** Byte length of piece `index` (the last piece is shorter); enables `begin + length` checks. */
  readonly pieceLength?: ((index: number) => number) | undefined;
  /** Largest `piece` block accepted: the largest block we request. @default 16384 */
  readonly maxBlockLength?: number | undefined;
  /** Largest `request`/`cancel`/`reject-request` length accepted, ≤ 128 KiB. @default 16384 */
  readonly maxRequestLength?: number | undefined;
  /** Largest extended frame (id byte + extended id + payload). @default 65536 */
  readonly maxExtendedLength?: number | undefined;
  /** Largest bitfield payload while `pieceCount` is unknown. @default 1048576 */
  readonly maxBitfieldLength?: number | undefined;
  /**
   * Largest `length` of a BEP 52 `hashes` reply accepted; raise it to the blocks per piece when
   * asking for a piece's block hashes with pieces over 8 MiB. @default 512
   */
  readonly maxHashes?: number | undefined;
}

/** {@link WireLimits} with every cap filled in. */
export interface ResolvedWireLimits extends WireLimits {
  readonly maxBlockLength: number;
  readonly maxRequestLength: number;
  readonly maxExtendedLength: number;
  readonly maxBitfieldLength: number;
  readonly maxHashes: number;
}

/**
 * Fills in defaults and rejects impossible values, so configuration mistakes surface at factory
 * time rather than on the first message.
 * @param limits user limits.
 * @returns a frozen copy with every cap set.
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for a cap out of range.
 * @example `resolveWireLimits({ maxRequestLength: 32 * 1024 })`
 */
export function resolveWireLimits(limits: WireLimits = {}): ResolvedWireLimits {
  const resolved: ResolvedWireLimits = {
    ...limits,
    maxBlockLength: limits.maxBlockLength ?? BLOCK_LENGTH,
    maxRequestLength: limits.maxRequestLength ?? BLOCK_LENGTH,
    maxExtendedLength: limits.maxExtendedLength ?? DEFAULT_MAX_EXTENDED_LENGTH,
    maxBitfieldLength: limits.maxBitfieldLength ?? DEFAULT_MAX_BITFIELD_LENGTH,
    maxHashes: limits.maxHashes ?? DEFAULT_MAX_HASHES,
  };
  checkInteger('pieceCount', resolved.pieceCount ?? 0, 0, 0x7fffffff);
  checkInteger('maxBlockLength', resolved.maxBlockLength, 1, MAX_REQUEST_LENGTH_LIMIT);
  checkInteger('maxRequestLength', resolved.maxRequestLength, 1, MAX_REQUEST_LENGTH_LIMIT);
  checkInteger('maxExtendedLength', resolved.maxExtendedLength, 2, 0x7fffffff);
  checkInteger('maxBitfieldLength', resolved.maxBitfieldLength, 1, 0x7fffffff);
  checkInteger('maxHashes', resolved.maxHashes, 1, MAX_HASHES_LIMIT);
  return Object.freeze(resolved);
}

/**
 * Checks a block range a peer asked for (`request`), withdrew (`cancel`) or refused
 * (`reject-request`). Returns the problem instead of throwing, so a server can answer a bad
 * request with `reject-request` (BEP 6) rather than hang up.
 * @param range the requested block.
 * @param limits caps and optional geometry.
 * @returns `undefined` when the range is acceptable, else the error to throw or log:
 *   `ERR_WIRE_INDEX_OUT_OF_RANGE` or `ERR_WIRE_BAD_REQUEST` (length 0, over the cap, or past the
 *   end of the piece).
 * @example
 * ```ts
 * declare const msg: RequestMessage, servingLimits: ResolvedWireLimits;
 * declare function send(message: WireMessage): void;
 * declare function reject(request: RequestMessage): WireMessage;
 * const problem = checkRequest(msg, servingLimits); if (problem) send(reject(msg));
 * ```
 */
export function checkRequest(range: BlockRange, limits: WireLimits): WireError | undefined {
  const { index, begin, length } = range;
  const { pieceCount, pieceLength } = limits;
  if (pieceCount !== undefined && index >= pieceCount) {
    return new WireError('ERR_WIRE_INDEX_OUT_OF_RANGE', `piece ${index} of ${pieceCount}`);
  }
  const max = limits.maxRequestLength ?? BLOCK_LENGTH;
  if (length === 0 || length > max) {
    return new WireError('ERR_WIRE_BAD_REQUEST', `request length ${length} outside 1..${max}`);
  }
  if (pieceLength !== undefined && begin + length > pieceLength(index)) {
    return new WireError(
      'ERR_WIRE_BAD_REQUEST',
      `request ${begin}+${length} past the end of piece ${index} (${pieceLength(index)} bytes)`,
    );
  }
  return undefined;
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `${name} ${value} outside ${min}..${max}`);
  }
}
