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
  | 'ERR_METAINFO_BAD_URL';

/** A `.torrent` (or info dictionary) that is not a valid BEP 3 metainfo file. */
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
  | 'ERR_CREATE_READ_FAILED';

/** A torrent could not be created from the given files. */
export class CreateTorrentError extends RxTorrentError<CreateTorrentErrorCode> {}
