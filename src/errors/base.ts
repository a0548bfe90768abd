/**
 * The base of every rxtorrent error: {@link RxTorrentError} with a stable `code`.
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
 * declare const bytes: Uint8Array;
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
