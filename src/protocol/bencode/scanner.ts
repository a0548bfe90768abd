/**
 * A bounds-checked, validating bencode scanner (BEP 3). It never builds values: it walks the
 * bytes, checks them, and reports the raw `[start, end)` byte span of values. Untrusted input
 * passes here first; the `bencode` package decodes values only after the scan succeeded.
 *
 * Why our own: the info-hash is the SHA-1 of the exact bytes of `info`, and `bencode` exposes no
 * offsets; it also accepts non-canonical integers and silently turns non-UTF-8 keys into hex.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#bencoding
 * @module
 */
import { BencodeError } from '../../errors.js';

/** A raw byte range `[start, end)` inside the scanned input. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Limits and strictness of a scan. */
export interface ScanLimits {
  /** Largest input accepted, in bytes. @default 64 MiB */
  readonly maxBytes?: number;
  /** Deepest nesting of lists and dicts. @default 64 */
  readonly maxDepth?: number;
  /** Reject dict keys that are not sorted by raw bytes. Duplicate keys are always rejected. @default false */
  readonly sortedKeys?: boolean;
  /**
   * Reject dict keys that are not UTF-8. On by default because the `bencode` package turns such
   * keys into hex strings that can collide with real keys; turn it off only to take spans of a
   * document whose binary-keyed parts you will not decode (BEP 52 `piece layers`). @default true
   */
  readonly utf8Keys?: boolean;
}

/** Default cap on the size of scanned input (64 MiB: far above any real `.torrent`). */
export const DEFAULT_MAX_BENCODE_BYTES = 64 * 1024 * 1024;
/** Default cap on nesting depth. */
export const DEFAULT_MAX_BENCODE_DEPTH = 64;

const I = 0x69; // 'i'
const L = 0x6c; // 'l'
const D = 0x64; // 'd'
const E = 0x65; // 'e'
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
/** Digits of Number.MAX_SAFE_INTEGER: longer integers or lengths cannot be exact in JS. */
const MAX_DIGITS = 16;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Validates that `bytes` holds exactly one bencoded value and returns its span (the whole input).
 *
 * @param bytes - untrusted input
 * @param limits - size, depth and key-order rules
 * @returns the span of the single top-level value
 * @throws {@link BencodeError} with a stable `code` on any malformed, oversized or trailing input
 * @example
 * ```ts
 * scanBencode(new TextEncoder().encode('d1:ai1ee')); // { start: 0, end: 8 }
 * ```
 */
export function scanBencode(bytes: Uint8Array, limits: ScanLimits = {}): Span {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BENCODE_BYTES;
  if (bytes.length > maxBytes) {
    throw new BencodeError('ERR_BENCODE_TOO_LARGE', `input of ${bytes.length} bytes exceeds ${maxBytes}`, 0);
  }
  if (bytes.length === 0) throw new BencodeError('ERR_BENCODE_TRUNCATED', 'empty input', 0);
  const scanner = new Scanner(bytes, limits.maxDepth ?? DEFAULT_MAX_BENCODE_DEPTH, limits.sortedKeys ?? false, limits.utf8Keys ?? true);
  const end = scanner.skipValue(0, 0);
  if (end !== bytes.length) {
    throw new BencodeError('ERR_BENCODE_TRAILING_BYTES', `${bytes.length - end} bytes after the value`, end);
  }
  return { start: 0, end };
}

/**
 * Validates the one bencoded value at the start of `bytes` and returns where it ends; the bytes
 * after it are not looked at. For messages that are a bencoded header followed by raw data, such
 * as a BEP 9 `ut_metadata` data message (a dict, then up to 16 KiB of the info dict).
 *
 * @param bytes - untrusted input that starts with one bencoded value
 * @param limits - depth and key rules as for {@link scanBencode}; `maxBytes` caps the length of
 *   the VALUE (the input may be longer)
 * @returns the offset just past the value: `bytes.subarray(0, end)` is the value, the rest is payload
 * @throws {@link BencodeError} for a malformed value, `ERR_BENCODE_TOO_LARGE` when the value runs
 *   past `maxBytes`, `ERR_BENCODE_TRUNCATED` when it runs past the input
 * @see https://www.bittorrent.org/beps/bep_0009.html#data
 * @example
 * ```ts
 * const end = scanBencodePrefix(payload, { maxBytes: 1024 });
 * const header = decodeBencode(payload.subarray(0, end));
 * const piece = payload.subarray(end);
 * ```
 */
export function scanBencodePrefix(bytes: Uint8Array, limits: ScanLimits = {}): number {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BENCODE_BYTES;
  if (bytes.length === 0) throw new BencodeError('ERR_BENCODE_TRUNCATED', 'empty input', 0);
  // Scan a window of at most `maxBytes`: a value that runs out of it is too large, not truncated.
  const window = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  const scanner = new Scanner(window, limits.maxDepth ?? DEFAULT_MAX_BENCODE_DEPTH, limits.sortedKeys ?? false, limits.utf8Keys ?? true);
  try {
    return scanner.skipValue(0, 0);
  } catch (err) {
    if (window !== bytes && err instanceof BencodeError && err.code === 'ERR_BENCODE_TRUNCATED') {
      throw new BencodeError('ERR_BENCODE_TOO_LARGE', `value longer than ${maxBytes} bytes`, maxBytes, { cause: err });
    }
    throw err;
  }
}

/**
 * Validates `bytes` like {@link scanBencode}, requires a dict at the top, and returns the raw span
 * of each of its values by key. Keys are decoded as UTF-8; with `utf8Keys: false`, top-level keys
 * that are not UTF-8 are left out of the map.
 *
 * @param bytes - untrusted input holding one bencoded dict
 * @param limits - size, depth and key-order rules
 * @returns a map from each top-level key to the span of its value
 * @example
 * ```ts
 * declare const torrentBytes: Uint8Array;
 * const spans = dictSpans(torrentBytes);
 * const info = spans.get('info'); // hash torrentBytes.subarray(info.start, info.end)
 * ```
 */
export function dictSpans(bytes: Uint8Array, limits: ScanLimits = {}): Map<string, Span> {
  scanBencode(bytes, limits);
  if (bytes[0] !== D) throw new BencodeError('ERR_BENCODE_NOT_A_DICT', 'top-level value is not a dict', 0);
  // The input is valid now, so an unbounded second walk over the top level is safe.
  const scanner = new Scanner(bytes, Number.MAX_SAFE_INTEGER, false, false);
  const spans = new Map<string, Span>();
  let pos = 1;
  while (bytes[pos] !== E) {
    const keyEnd = scanner.skipString(pos);
    const key = decodeKey(scanner.stringContent(pos, keyEnd));
    const valueEnd = scanner.skipValue(keyEnd, 1);
    if (key !== undefined) spans.set(key, { start: keyEnd, end: valueEnd });
    pos = valueEnd;
  }
  return spans;
}

/** One entry of a dict, as raw bytes: the key's content and the span of its value. */
export interface DictEntry {
  /** The key's bytes (a view into the input; keys may be binary, e.g. BEP 52 `piece layers`). */
  readonly key: Uint8Array;
  /** The encoded value. */
  readonly value: Span;
}

/**
 * The entries of the dict whose encoding spans `span`, in the order they appear in the bytes, with
 * raw keys. For bytes that already passed {@link scanBencode}: order-preserving and binary-safe
 * where a decoded JS object is neither (integer-like keys such as `"10"` and `"9"` enumerate in
 * numeric order, and binary keys cannot be decoded at all).
 *
 * @param bytes - input already validated by a scan
 * @param span - the span of a dict inside `bytes`
 * @returns the entries, in input order
 * @throws {@link BencodeError} `ERR_BENCODE_NOT_A_DICT` when the span does not hold a dict
 * @example
 * ```ts
 * declare const bytes: Uint8Array, spans: Map<string, Span>;
 * for (const { key, value } of dictEntries(bytes, spans.get('piece layers')!)) console.log(key, value);
 * ```
 */
export function dictEntries(bytes: Uint8Array, span: Span): DictEntry[] {
  if (bytes[span.start] !== D) throw new BencodeError('ERR_BENCODE_NOT_A_DICT', 'value is not a dict', span.start);
  const scanner = new Scanner(bytes, Number.MAX_SAFE_INTEGER, false, false);
  const entries: DictEntry[] = [];
  let pos = span.start + 1;
  while (pos < span.end && bytes[pos] !== E) {
    const keyEnd = scanner.skipString(pos);
    const valueEnd = scanner.skipValue(keyEnd, 1);
    entries.push({ key: scanner.stringContent(pos, keyEnd), value: { start: keyEnd, end: valueEnd } });
    pos = valueEnd;
  }
  return entries;
}

/**
 * The content of the byte string whose encoding spans `span` (a view), or undefined when the
 * span holds another type.
 *
 * @example
 * ```ts
 * declare const bytes: Uint8Array, entry: DictEntry;
 * const layer = stringAt(bytes, entry.value); // the concatenated hashes of one piece layer
 * ```
 */
export function stringAt(bytes: Uint8Array, span: Span): Uint8Array | undefined {
  const c = bytes[span.start];
  if (c === undefined || c < ZERO || c > NINE) return undefined;
  return bytes.subarray(bytes.indexOf(COLON, span.start) + 1, span.end);
}

function decodeKey(key: Uint8Array): string | undefined {
  try {
    return utf8.decode(key);
  } catch {
    return undefined;
  }
}

/** The walker. Recursion depth is bounded by `maxDepth`, so the JS stack is safe. */
class Scanner {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
    private readonly sortedKeys: boolean,
    private readonly utf8Keys: boolean,
  ) {}

  /** Returns the offset just past the value that starts at `pos`. */
  skipValue(pos: number, depth: number): number {
    const c = this.byteAt(pos);
    if (c === I) return this.skipInteger(pos);
    if (c >= ZERO && c <= NINE) return this.skipString(pos);
    if (c === L || c === D) {
      if (depth >= this.maxDepth) {
        throw new BencodeError('ERR_BENCODE_TOO_DEEP', `nesting deeper than ${this.maxDepth}`, pos);
      }
      return c === L ? this.skipList(pos, depth + 1) : this.skipDict(pos, depth + 1);
    }
    throw new BencodeError('ERR_BENCODE_UNEXPECTED_BYTE', `unexpected byte 0x${c.toString(16)}`, pos);
  }

  /** `i<digits>e`: no leading zeros, no `-0`, no empty digits, exact in a JS number. */
  private skipInteger(pos: number): number {
    let p = pos + 1;
    const negative = this.byteAt(p) === MINUS;
    if (negative) p++;
    const digitsStart = p;
    while (isDigit(this.byteAt(p))) p++;
    const digits = p - digitsStart;
    if (this.byteAt(p) !== E) {
      throw new BencodeError('ERR_BENCODE_INVALID_INTEGER', 'integer not terminated by "e"', p);
    }
    if (digits === 0) throw new BencodeError('ERR_BENCODE_INVALID_INTEGER', 'integer without digits', pos);
    if (digits > 1 && this.bytes[digitsStart] === ZERO) {
      throw new BencodeError('ERR_BENCODE_INVALID_INTEGER', 'integer with a leading zero', pos);
    }
    if (negative && this.bytes[digitsStart] === ZERO) {
      throw new BencodeError('ERR_BENCODE_INVALID_INTEGER', 'negative zero', pos);
    }
    if (digits > MAX_DIGITS || !Number.isSafeInteger(Number(this.ascii(digitsStart, p)))) {
      throw new BencodeError('ERR_BENCODE_INVALID_INTEGER', 'integer beyond 2^53', pos);
    }
    return p + 1;
  }

  /** `<length>:<bytes>`: canonical length, and the bytes must lie inside the input. */
  skipString(pos: number): number {
    let p = pos;
    while (isDigit(this.byteAt(p)) && p - pos <= MAX_DIGITS) p++;
    const digits = p - pos;
    if (this.byteAt(p) !== COLON || digits === 0) {
      throw new BencodeError('ERR_BENCODE_INVALID_LENGTH', 'string length not followed by ":"', p);
    }
    if (digits > 1 && this.bytes[pos] === ZERO) {
      throw new BencodeError('ERR_BENCODE_INVALID_LENGTH', 'string length with a leading zero', pos);
    }
    const length = Number(this.ascii(pos, p));
    const start = p + 1;
    if (length > this.bytes.length - start) {
      throw new BencodeError('ERR_BENCODE_TRUNCATED', `string of ${length} bytes runs past the input`, pos);
    }
    return start + length;
  }

  private skipList(pos: number, depth: number): number {
    let p = pos + 1;
    while (this.byteAt(p) !== E) p = this.skipValue(p, depth);
    return p + 1;
  }

  private skipDict(pos: number, depth: number): number {
    let p = pos + 1;
    let previous: Uint8Array | undefined;
    while (this.byteAt(p) !== E) {
      const c = this.byteAt(p);
      if (!isDigit(c)) throw new BencodeError('ERR_BENCODE_KEY_NOT_STRING', 'dict key is not a string', p);
      const keyEnd = this.skipString(p);
      const key = this.stringContent(p, keyEnd);
      this.checkKey(key, previous, p);
      previous = key;
      p = this.skipValue(keyEnd, depth);
    }
    return p + 1;
  }

  /**
   * Keys must be UTF-8 (the `bencode` package turns other keys into colliding hex), never
   * `__proto__` (decoded into a plain object, it would drop the key or, with a dict value, replace
   * the object's prototype: inherited fields an attacker chose), and unique.
   */
  private checkKey(key: Uint8Array, previous: Uint8Array | undefined, pos: number): void {
    if (this.utf8Keys) {
      const text = decodeKey(key);
      if (text === undefined) throw new BencodeError('ERR_BENCODE_KEY_NOT_UTF8', 'dict key is not UTF-8', pos);
      if (text === '__proto__') throw new BencodeError('ERR_BENCODE_RESERVED_KEY', 'dict key "__proto__" cannot be decoded safely', pos);
    }
    if (previous === undefined) return;
    const order = compareBytes(previous, key);
    if (order === 0) throw new BencodeError('ERR_BENCODE_DUPLICATE_KEY', 'duplicate dict key', pos);
    if (order > 0 && this.sortedKeys) {
      throw new BencodeError('ERR_BENCODE_UNSORTED_KEYS', 'dict keys are not sorted', pos);
    }
  }

  /** The bytes of the string whose encoding spans `[pos, end)`. */
  stringContent(pos: number, end: number): Uint8Array {
    return this.bytes.subarray(this.bytes.indexOf(COLON, pos) + 1, end);
  }

  private byteAt(pos: number): number {
    const c = this.bytes[pos];
    if (c === undefined) throw new BencodeError('ERR_BENCODE_TRUNCATED', 'input ends inside a value', pos);
    return c;
  }

  private ascii(start: number, end: number): string {
    return String.fromCharCode(...this.bytes.subarray(start, end));
  }
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/**
 * Lexicographic order of raw bytes, as BEP 3 sorts dict keys.
 *
 * @example
 * ```ts
 * declare const keys: Uint8Array[];
 * keys.sort(compareBytes); // as a dict's keys must be ordered
 * ```
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
