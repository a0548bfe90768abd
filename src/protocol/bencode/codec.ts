/**
 * Bencode values in and out. Decoding always runs the validating {@link scanBencode} first, so
 * the `bencode` package only ever sees well-formed, bounded input with UTF-8 keys.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#bencoding
 * @module
 */
import bencode from 'bencode';
import { BencodeError } from '../../errors.js';
import { compareBytes, scanBencode, type ScanLimits } from './scanner.js';

/** A decoded bencode value: byte strings stay bytes; dict keys are strings. */
export type BencodeValue = number | Uint8Array | BencodeValue[] | { [key: string]: BencodeValue };

/** A value {@link encodeBencode} accepts: strings are encoded as UTF-8. */
export type BencodeInput =
  | number
  | string
  | Uint8Array
  | readonly BencodeInput[]
  | { readonly [key: string]: BencodeInput | undefined };

/**
 * Validates and decodes untrusted bencoded bytes.
 *
 * @param bytes - exactly one bencoded value
 * @param limits - size, depth and key-order limits of the validating scan
 * @returns the decoded value (byte strings as fresh `Uint8Array`s)
 * @throws {@link BencodeError} on malformed input
 * @example
 * ```ts
 * decodeBencode(new TextEncoder().encode('d3:fooi42ee')); // { foo: 42 }
 * ```
 */
export function decodeBencode(bytes: Uint8Array, limits?: ScanLimits): BencodeValue {
  scanBencode(bytes, limits);
  return bencode.decode(bytes) as BencodeValue;
}

/**
 * Encodes a value canonically (dict keys sorted, `undefined` fields dropped).
 *
 * @param value - integers must be safe integers; floats are refused rather than truncated
 * @returns the bencoded bytes
 * @throws {@link BencodeError} `ERR_BENCODE_UNENCODABLE` for a float or an unsupported type
 * @example
 * ```ts
 * encodeBencode({ interval: 1800, peers: new Uint8Array(0) });
 * ```
 */
export function encodeBencode(value: BencodeInput): Uint8Array {
  assertEncodable(value, 0);
  return bencode.encode(value);
}

function assertEncodable(value: unknown, depth: number): void {
  if (depth > 64) throw new BencodeError('ERR_BENCODE_UNENCODABLE', 'value nested too deeply', 0);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new BencodeError('ERR_BENCODE_UNENCODABLE', `${value} is not a safe integer`, 0);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) assertEncodable(item, depth + 1);
  } else if (value instanceof Uint8Array || typeof value === 'string') {
    return;
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) if (item !== undefined) assertEncodable(item, depth + 1);
  } else {
    throw new BencodeError('ERR_BENCODE_UNENCODABLE', `cannot bencode a ${typeof value}`, 0);
  }
}

/**
 * Bencodes a dict from raw keys and already-encoded values, sorted by raw key bytes (BEP 3). For
 * what the `bencode` package cannot encode canonically: binary keys (BEP 52 `piece layers` is keyed
 * by 32-byte hashes) and keys whose UTF-16 order differs from their UTF-8 byte order (file names
 * with characters beyond U+FFFF beside ones above U+E000).
 *
 * @param entries - `[key, encoded value]` pairs with distinct keys
 * @returns the encoded dict
 * @throws {@link BencodeError} `ERR_BENCODE_UNENCODABLE` for a repeated key
 * @example
 * ```ts
 * declare const root: Uint8Array, layer: Uint8Array;
 * encodeRawDict([[root, encodeBencode(layer)]]); // d32:<root>N:<layer>e
 * ```
 */
export function encodeRawDict(entries: readonly (readonly [Uint8Array, Uint8Array])[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => compareBytes(a[0], b[0]));
  const ascii = new TextEncoder();
  const parts: Uint8Array[] = [new Uint8Array([0x64])];
  sorted.forEach(([key, value], i) => {
    if (i > 0 && compareBytes(sorted[i - 1]![0], key) === 0) {
      throw new BencodeError('ERR_BENCODE_UNENCODABLE', 'repeated dict key', 0);
    }
    parts.push(ascii.encode(`${key.length}:`), key, value);
  });
  parts.push(new Uint8Array([0x65]));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
