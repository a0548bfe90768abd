/**
 * Message stream encryption (MSE/PE), pure: the handshake state machine, RC4, the 768-bit
 * Diffie-Hellman exchange and the key hashes. The socket layer (`src/streams/peer`) runs it under
 * the frame decoder.
 *
 * @module
 */
export { CRYPTO_BITS, MAX_PAD_BYTES, MseHandshake } from './handshake.js';
export type { CryptoMethod, MseConfig, MseInitiatorConfig, MseResponderConfig, MseResult, MseStep } from './handshake.js';
export { DH_KEY_BYTES, DH_PRIVATE_BYTES, MSE_PRIME, dhKeyPair, dhSecret } from './dh.js';
export { findBytes, mseHash, req2Hash } from './keys.js';
export { RC4_DISCARD_BYTES, Rc4 } from './rc4.js';
export type { StreamCipher } from './rc4.js';
