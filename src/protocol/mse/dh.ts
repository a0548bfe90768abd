/**
 * The Diffie-Hellman exchange of message stream encryption: generator 2 over a fixed 768-bit
 * prime, public values and the shared secret as 96 big-endian bytes.
 *
 * @module
 */
import { MseError } from '../../errors.js';

/** The MSE prime P (768 bits). */
export const MSE_PRIME = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
);
/** Length of a public value and of the secret: 96 bytes. */
export const DH_KEY_BYTES = 96;
/** Private exponents are 160 bits, as libtorrent's. */
export const DH_PRIVATE_BYTES = 20;

/**
 * Big-endian bytes → bigint.
 *
 * @example
 * ```ts
 * bytesToBigInt(Uint8Array.of(1, 0)); // 256n
 * ```
 */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

/**
 * bigint → `length` big-endian bytes (zero-padded on the left).
 *
 * @example
 * ```ts
 * bigIntToBytes(256n, 2); // Uint8Array [1, 0]
 * ```
 */
export function bigIntToBytes(n: bigint, length: number = DH_KEY_BYTES): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(n & 255n);
    n >>= 8n;
  }
  return out;
}

/**
 * `base ** exponent mod modulus` by square-and-multiply.
 *
 * @example
 * ```ts
 * modPow(2n, 10n, 1000n); // 24n
 * ```
 */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/**
 * Our key pair from a private exponent.
 *
 * @param privateKey - random bytes (at least 128 bits)
 * @returns the private exponent and `2^x mod P` as 96 bytes
 * @example
 * ```ts
 * declare function random(length: number): Uint8Array;
 * const { publicKey } = dhKeyPair(random(DH_PRIVATE_BYTES));
 * ```
 */
export function dhKeyPair(privateKey: Uint8Array): { readonly x: bigint; readonly publicKey: Uint8Array } {
  const x = bytesToBigInt(privateKey);
  return { x, publicKey: bigIntToBytes(modPow(2n, x, MSE_PRIME)) };
}

/**
 * The shared secret S from the peer's public value.
 *
 * @param x - our private exponent
 * @param theirs - the peer's 96-byte public value
 * @returns S as 96 bytes
 * @throws {MseError} `ERR_MSE_BAD_KEY` for a value outside 2 … P − 2 (1 and P − 1 would fix S)
 * @example
 * ```ts
 * declare const ours: { x: bigint }, peerPublicKey: Uint8Array;
 * const s = dhSecret(ours.x, peerPublicKey);
 * ```
 */
export function dhSecret(x: bigint, theirs: Uint8Array): Uint8Array {
  const y = bytesToBigInt(theirs);
  if (y < 2n || y > MSE_PRIME - 2n) throw new MseError('ERR_MSE_BAD_KEY', 'the peer sent a Diffie-Hellman value out of range');
  return bigIntToBytes(modPow(y, x, MSE_PRIME));
}
