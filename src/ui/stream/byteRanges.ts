/**
 * The `Range` header of a request for a file (RFC 9110 §14), as the stream server reads it: one
 * range of bytes, a suffix (`bytes=-N`: the last N) or an open end (`bytes=N-`). Pure.
 *
 * @module
 */

/** Longest `Range` header read; a longer one is refused as invalid. */
export const MAX_RANGE_HEADER_CHARS = 256;

/** What to answer for a request's `Range` header. */
export type RangeDecision =
  /** No usable `Range` (absent, another unit, several ranges): send the whole file, 200. */
  | { readonly type: 'whole' }
  /** One satisfiable range: send `[start, end)`, 206. */
  | { readonly type: 'part'; readonly start: number; readonly end: number }
  /** A range past the end, or a header that is not a valid `bytes` range: 416. */
  | { readonly type: 'unsatisfiable'; readonly reason: string };

const DIGITS = /^\d{1,16}$/;

/**
 * Decides what part of a file of `length` bytes a `Range` header asks for.
 *
 * - `bytes=0-99` → bytes 0..99; a last byte past the end is clamped to the file's last byte.
 * - `bytes=-500` → the last 500 bytes (all of it when shorter); `bytes=-0` is unsatisfiable.
 * - `bytes=9500-` → from byte 9500 to the end.
 * - A first byte at or past the end, an empty file, `first > last`, a malformed or over-long
 *   header, numbers beyond 2^53 → unsatisfiable (416). RFC 9110 lets a server reject invalid
 *   ranges so; a broken or hostile client gets a clear answer instead of a guess.
 * - Another unit, or several ranges (no multipart responses) → the whole file (RFC 9110 lets a
 *   server ignore the header).
 *
 * @param header - the header's value, undefined when absent
 * @param length - the file's length in bytes
 * @returns the decision
 * @example
 * ```ts
 * decideRange('bytes=-100', 1000); // { type: 'part', start: 900, end: 1000 }
 * decideRange('bytes=2000-', 1000); // { type: 'unsatisfiable', reason: '…' }
 * ```
 */
export function decideRange(header: string | undefined, length: number): RangeDecision {
  if (header === undefined) return { type: 'whole' };
  if (header.length > MAX_RANGE_HEADER_CHARS) return unsatisfiable(`Range header longer than ${MAX_RANGE_HEADER_CHARS} characters`);
  const equals = header.indexOf('=');
  if (equals < 0) return unsatisfiable('Range header without "="');
  if (header.slice(0, equals).trim().toLowerCase() !== 'bytes') return { type: 'whole' };
  const specs = header.slice(equals + 1).split(',').map((s) => s.trim());
  if (specs.length > 1) return specs.every((s) => parseSpec(s) !== undefined) ? { type: 'whole' } : unsatisfiable('malformed byte range');
  const spec = parseSpec(specs[0]!);
  if (spec === undefined) return unsatisfiable('malformed byte range');
  if (spec.first === undefined) {
    // A suffix: the last `last` bytes.
    if (spec.last === 0 || length === 0) return unsatisfiable('empty suffix range');
    return { type: 'part', start: Math.max(0, length - spec.last!), end: length };
  }
  if (spec.first >= length) return unsatisfiable(`range starts at ${spec.first}, the file has ${length} bytes`);
  const last = spec.last === undefined ? length - 1 : Math.min(spec.last, length - 1);
  return { type: 'part', start: spec.first, end: last + 1 };
}

/** `first-last`, `first-` or `-suffix`; undefined when malformed. */
function parseSpec(spec: string): { first: number | undefined; last: number | undefined } | undefined {
  const dash = spec.indexOf('-');
  if (dash < 0) return undefined;
  const a = spec.slice(0, dash).trim();
  const b = spec.slice(dash + 1).trim();
  const number = (text: string): number | undefined => {
    if (!DIGITS.test(text)) return undefined;
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : undefined;
  };
  if (a === '') {
    const suffix = number(b);
    return suffix === undefined ? undefined : { first: undefined, last: suffix };
  }
  const first = number(a);
  if (first === undefined) return undefined;
  if (b === '') return { first, last: undefined };
  const last = number(b);
  if (last === undefined || last < first) return undefined;
  return { first, last };
}

function unsatisfiable(reason: string): RangeDecision {
  return { type: 'unsatisfiable', reason };
}
