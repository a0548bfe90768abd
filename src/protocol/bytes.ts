/**
 * Small byte helpers for the pure core (no `Buffer`: it belongs to the Node I/O edges).
 *
 * @module
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Lowercase hex of `bytes`.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([1, 255])); // '01ff'
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

/**
 * Bytes of a hex string, or undefined when `hex` is not an even-length hex string.
 *
 * @example
 * ```ts
 * fromHex('01ff'); // Uint8Array [1, 255]
 * ```
 */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * True when both arrays hold the same bytes.
 *
 * @example
 * ```ts
 * declare const piece: Uint8Array, expected: Uint8Array;
 * equalBytes(sha1(piece), expected);
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A copy of `bytes` that shares no memory with it. `Buffer#slice` returns a view, not a copy, so
 * `bytes.slice()` is not safe on input that may be a `Buffer` (from a socket, a file, a caller).
 *
 * @example
 * ```ts
 * declare const handshakeBytes: Uint8Array;
 * const infoHash = copyOf(handshakeBytes.subarray(28, 48));
 * ```
 */
export function copyOf(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes, start, end);
}
