/**
 * The hashes and keys of message stream encryption, all SHA-1 over a tag and secrets:
 * `HASH('req1', S)`, `HASH('req2', SKEY) xor HASH('req3', S)`, and the RC4 keys
 * `HASH('keyA', S, SKEY)` (initiator → responder) and `HASH('keyB', S, SKEY)` (the other way).
 *
 * @module
 */
import { createHash } from 'node:crypto';

const TAGS = { req1: 'req1', req2: 'req2', req3: 'req3', keyA: 'keyA', keyB: 'keyB' } as const;
const encoder = new TextEncoder();

/**
 * `HASH(tag, ...parts)`: SHA-1 of the ASCII tag followed by the parts.
 *
 * @example
 * ```ts
 * declare const secret: Uint8Array;
 * const req1 = mseHash('req1', secret);
 * ```
 */
export function mseHash(tag: keyof typeof TAGS, ...parts: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha1').update(encoder.encode(TAGS[tag]));
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/**
 * `HASH('req2', SKEY)`: what a responder compares against to learn which torrent (SKEY = its
 * info-hash) an initiator asks for. Compute it once per torrent and look it up.
 *
 * @example
 * ```ts
 * declare const infoHashes: readonly Uint8Array[];
 * const byReq2 = new Map(infoHashes.map((ih) => [toHex(req2Hash(ih)), ih]));
 * ```
 */
export function req2Hash(skey: Uint8Array): Uint8Array {
  return mseHash('req2', skey);
}

/**
 * `a xor b` of two 20-byte hashes.
 *
 * @example
 * ```ts
 * declare const received: Uint8Array, secret: Uint8Array;
 * const req2 = xor20(received, mseHash('req3', secret)); // HASH('req2', SKEY)
 * ```
 */
export function xor20(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/**
 * Index of `needle` in `haystack` starting at one of `from` … `last` (inclusive), or -1.
 * The MSE sync search: bounded by the padding's window, never the whole stream.
 *
 * @example
 * ```ts
 * declare const afterYa: Uint8Array, secret: Uint8Array;
 * findBytes(afterYa, mseHash('req1', secret), 0, 512); // where PadA ends, or -1
 * ```
 */
export function findBytes(haystack: Uint8Array, needle: Uint8Array, from: number, last: number): number {
  const end = Math.min(last, haystack.length - needle.length);
  outer: for (let i = from; i <= end; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}
