/**
 * A bytewise URL query-string parser for tracker requests.
 *
 * `info_hash` and `peer_id` are 20 raw bytes, percent-encoded byte by byte. Decoding them as
 * UTF-8 (what `URLSearchParams`, `querystring` and koa's `ctx.query` do) turns every byte ≥ 0x80
 * that is not part of a valid UTF-8 sequence into U+FFFD, so the info-hash is lost. Here every
 * value stays a `Uint8Array` of exactly the bytes that were sent.
 *
 * @module
 */
import { TrackerError } from '../../errors.js';

/** Decoded parameters: key → every value given for it, in order (so repeats are visible). */
export type QueryParams = ReadonlyMap<string, readonly Uint8Array[]>;

/** Caps applied before and while parsing a query string. */
export interface QueryLimits {
  /**
   * Longest raw query string accepted, in characters. Kept well below Node's 16 KiB header
   * limit, so an over-long query gets a bencoded reason instead of a bare 431.
   * @default 8192
   */
  readonly maxLength?: number;
  /**
   * Most `key=value` pairs accepted (a scrape of {@link DEFAULT_MAX_SCRAPE_INFO_HASHES} hashes
   * plus the usual extras fits).
   * @default 128
   */
  readonly maxParameters?: number;
}

/** Default of {@link QueryLimits.maxLength}. */
export const DEFAULT_MAX_QUERY_LENGTH = 8192;
/** Default of {@link QueryLimits.maxParameters}. */
export const DEFAULT_MAX_QUERY_PARAMETERS = 128;
/** Default cap on info-hashes in one scrape (BEP 48), used by `parseScrapeQuery`. */
export const DEFAULT_MAX_SCRAPE_INFO_HASHES = 64;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function badQuery(message: string): TrackerError {
  return new TrackerError('ERR_TRACKER_BAD_QUERY', message);
}

/** Decodes `text[start, end)`: `%XX` is one byte, `+` a space, printable ASCII itself. */
function decodeComponent(text: string, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      const hi = i + 2 < end ? hexValue(text.charCodeAt(i + 1)) : -1;
      const lo = i + 2 < end ? hexValue(text.charCodeAt(i + 2)) : -1;
      if (hi < 0 || lo < 0) throw badQuery(`broken percent escape at character ${i}`);
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else if (c === 0x2b) {
      out[n++] = 0x20;
    } else if (c > 0x20 && c < 0x7f) {
      out[n++] = c;
    } else {
      // Node's HTTP parser already refuses these; other transports may not.
      throw badQuery(`illegal character at ${i}: bytes outside printable ASCII must be percent-encoded`);
    }
  }
  return n === out.length ? out : out.subarray(0, n);
}

/** `text[start, end)` when it is plain printable ASCII without `%` or `+` (every key in practice), else `undefined`. */
function plainKey(text: string, start: number, end: number): string | undefined {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x25 || c === 0x2b) return undefined;
  }
  return text.slice(start, end);
}

/**
 * Parses a raw query string (the part after `?`, not yet decoded) into byte values.
 *
 * Empty pairs (`a=1&&b=2`, a trailing `&`) are skipped; a pair without `=` has an empty value.
 * Keys are decoded the same way and read as Latin-1, so a key never fails to become a string.
 *
 * @param raw - e.g. `info_hash=%12%34...&port=6881`.
 * @param limits - caps on length and pair count.
 * @throws {@link TrackerError} `ERR_TRACKER_QUERY_TOO_LONG`, or `ERR_TRACKER_BAD_QUERY` for a
 *   broken `%` escape, a character that should have been escaped, or too many pairs.
 * @example
 * ```ts
 * parseQueryString('info_hash=%FF%20a&port=1').get('info_hash'); // [Uint8Array [0xff, 0x20, 0x61]]
 * ```
 */
export function parseQueryString(raw: string, limits: QueryLimits = {}): QueryParams {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_QUERY_LENGTH;
  const maxParameters = limits.maxParameters ?? DEFAULT_MAX_QUERY_PARAMETERS;
  if (raw.length > maxLength) {
    throw new TrackerError('ERR_TRACKER_QUERY_TOO_LONG', `query string longer than ${maxLength} characters`);
  }
  const params = new Map<string, Uint8Array[]>();
  let count = 0;
  for (let start = 0; start <= raw.length; ) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      if (++count > maxParameters) throw badQuery(`more than ${maxParameters} query parameters`);
      let eq = raw.indexOf('=', start);
      if (eq < 0 || eq > end) eq = end;
      const key = plainKey(raw, start, eq) ?? String.fromCharCode(...decodeComponent(raw, start, eq));
      const value = decodeComponent(raw, Math.min(eq + 1, end), end);
      const values = params.get(key);
      if (values === undefined) params.set(key, [value]);
      else values.push(value);
    }
    start = end + 1;
  }
  return params;
}

/**
 * The one value of `key`, or `undefined` when absent.
 *
 * @throws {@link TrackerError} `ERR_TRACKER_REPEATED_PARAMETER` when `key` is given more than once
 *   (which of two `info_hash` values was meant is a guess we refuse to make).
 * @example
 * ```ts
 * const infoHash = singleParam(parseQueryString('info_hash=%12%34&port=6881'), 'info_hash');
 * ```
 */
export function singleParam(params: QueryParams, key: string): Uint8Array | undefined {
  const values = params.get(key);
  if (values !== undefined && values.length > 1) {
    throw new TrackerError('ERR_TRACKER_REPEATED_PARAMETER', `${key} is given ${values.length} times`);
  }
  return values?.[0];
}

/**
 * A 20-byte binary parameter (`info_hash`, `peer_id`).
 *
 * @throws {@link TrackerError} `ERR_TRACKER_MISSING_PARAMETER` when absent, or the given `code`
 *   when its length is not 20.
 */
export function twentyBytes(
  value: Uint8Array | undefined,
  key: string,
  code: 'ERR_TRACKER_BAD_INFO_HASH' | 'ERR_TRACKER_BAD_PEER_ID',
): Uint8Array {
  if (value === undefined) throw new TrackerError('ERR_TRACKER_MISSING_PARAMETER', `${key} is missing`);
  if (value.length !== 20) throw new TrackerError(code, `${key} must be 20 bytes, got ${value.length}`);
  return value;
}
