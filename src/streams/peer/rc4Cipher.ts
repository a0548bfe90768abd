/**
 * RC4 for encrypted peer connections: OpenSSL's through `node:crypto` when this Node build offers
 * it (OpenSSL 3 keeps RC4 in its legacy provider: `node --openssl-legacy-provider`), otherwise the
 * pure {@link Rc4}. Both drop the first 1,024 bytes of the keystream, as MSE requires.
 *
 * @module
 */
import { createCipheriv, getCiphers } from 'node:crypto';
import { RC4_DISCARD_BYTES, Rc4, type StreamCipher } from '../../protocol/mse/index.js';

/** Which implementation {@link createRc4Cipher} uses. */
export type Rc4Implementation = 'openssl' | 'js';

let probed: boolean | undefined;

/**
 * True when `node:crypto` can make an RC4 cipher with a 20-byte key (probed once).
 *
 * @example
 * ```ts
 * console.log(opensslRc4Available() ? 'OpenSSL RC4' : 'our RC4');
 * ```
 */
export function opensslRc4Available(): boolean {
  if (probed === undefined) {
    try {
      probed = getCiphers().includes('rc4') && createCipheriv('rc4', new Uint8Array(20), null).update(new Uint8Array(1)).length === 1;
    } catch {
      probed = false;
    }
  }
  return probed;
}

/** OpenSSL's RC4 as a {@link StreamCipher}: `update` always returns new bytes. */
class OpensslRc4 implements StreamCipher {
  readonly #cipher;

  constructor(key: Uint8Array) {
    this.#cipher = createCipheriv('rc4', key, null);
    this.#cipher.update(new Uint8Array(RC4_DISCARD_BYTES));
  }

  copy(data: Uint8Array): Uint8Array {
    const out = this.#cipher.update(data);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  inPlace(data: Uint8Array): Uint8Array {
    return this.copy(data);
  }
}

/**
 * An MSE RC4 stream for `key`, its first 1,024 bytes dropped.
 *
 * @param key - `HASH('keyA' | 'keyB', S, SKEY)`
 * @param implementation - force one; @default OpenSSL's when available, else ours
 * @returns the cipher stream
 * @example
 * ```ts
 * declare const keyA: Uint8Array, bytes: Uint8Array;
 * const encrypt = createRc4Cipher(keyA);
 * socket.write(encrypt.copy(bytes));
 * ```
 */
export function createRc4Cipher(key: Uint8Array, implementation: Rc4Implementation = opensslRc4Available() ? 'openssl' : 'js'): StreamCipher {
  return implementation === 'openssl' ? new OpensslRc4(key) : new Rc4(key, RC4_DISCARD_BYTES);
}
