/**
 * RC4, the stream cipher of message stream encryption, in plain TypeScript: the fallback for Node
 * builds whose OpenSSL does not offer `rc4` (OpenSSL 3 keeps it in the legacy provider), and the
 * cipher of the handshake itself.
 *
 * @module
 */

/** A keyed cipher stream: each call continues where the previous one stopped. */
export interface StreamCipher {
  /** Encrypts (or decrypts) `data` into a new array; `data` is left as it is. */
  copy(data: Uint8Array): Uint8Array;
  /** Encrypts (or decrypts) `data` where it lies. @returns the bytes: `data` itself, or a new array */
  inPlace(data: Uint8Array): Uint8Array;
}

/** True on little-endian platforms, where the word-at-a-time path is exact. */
const WORDS = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Below this, two typed-array views cost more than they save. */
const WORD_PATH_MIN_BYTES = 64;

/** MSE drops the first 1,024 bytes of each RC4 stream (they leak key bytes). */
export const RC4_DISCARD_BYTES = 1024;

/**
 * RC4 over a key of 1 to 256 bytes.
 *
 * @example
 * ```ts
 * declare const key: Uint8Array;
 * const rc4 = new Rc4(key, RC4_DISCARD_BYTES);
 * const secret = rc4.copy(new TextEncoder().encode('hello'));
 * ```
 */
export class Rc4 implements StreamCipher {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  /**
   * @param key - the key (MSE: a 20-byte SHA-1)
   * @param discard - keystream bytes to drop first
   */
  constructor(key: Uint8Array, discard = 0) {
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      const t = s[i]!;
      j = (j + t + key[i % key.length]!) & 255;
      s[i] = s[j]!;
      s[j] = t;
    }
    if (discard > 0) this.#run(new Uint8Array(discard), new Uint8Array(discard));
  }

  copy(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    this.#run(data, out);
    return out;
  }

  inPlace(data: Uint8Array): Uint8Array {
    this.#run(data, data);
    return data;
  }

  #run(src: Uint8Array, dst: Uint8Array): void {
    const s = this.#s;
    let i = this.#i;
    let j = this.#j;
    const n = src.length;
    let k = 0;
    if (WORDS && n >= WORD_PATH_MIN_BYTES && (src.byteOffset & 3) === 0 && (dst.byteOffset & 3) === 0) {
      // Four keystream bytes per 32-bit load, xor and store: a quarter of the memory operations
      // (measured ~1.5-2 × the byte loop). Little-endian, so byte 0 of the word is the first byte.
      const words = n >>> 2;
      const src32 = new Uint32Array(src.buffer, src.byteOffset, words);
      const dst32 = new Uint32Array(dst.buffer, dst.byteOffset, words);
      for (let w = 0; w < words; w++) {
        i = (i + 1) & 255; let si = s[i]!; j = (j + si) & 255; let sj = s[j]!; s[i] = sj; s[j] = si;
        let key = s[(si + sj) & 255]!;
        i = (i + 1) & 255; si = s[i]!; j = (j + si) & 255; sj = s[j]!; s[i] = sj; s[j] = si;
        key |= s[(si + sj) & 255]! << 8;
        i = (i + 1) & 255; si = s[i]!; j = (j + si) & 255; sj = s[j]!; s[i] = sj; s[j] = si;
        key |= s[(si + sj) & 255]! << 16;
        i = (i + 1) & 255; si = s[i]!; j = (j + si) & 255; sj = s[j]!; s[i] = sj; s[j] = si;
        key |= s[(si + sj) & 255]! << 24;
        dst32[w] = src32[w]! ^ key;
      }
      k = words << 2;
    }
    for (; k < n; k++) {
      i = (i + 1) & 255;
      const si = s[i]!;
      j = (j + si) & 255;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      dst[k] = src[k]! ^ s[(si + sj) & 255]!;
    }
    this.#i = i;
    this.#j = j;
  }
}
