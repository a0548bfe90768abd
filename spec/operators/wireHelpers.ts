/** Shared fixtures of the wire operator specs (frameMessages, decodeMessages, encodeMessages, …). */
import { catchError, throwError, type MonoTypeOperatorFunction } from 'rxjs';
import { RxTorrentError } from '../../src/errors.js';
import { encodeHandshake, encodeMessage } from '../../src/protocol/wire/index.js';
import type { Handshake, WireMessage } from '../../src/protocol/wire/index.js';
import { ascii } from '../protocol/wire/wireFixtures.js';

/** A handshake with both BEP 6 and BEP 10 bits. */
export const HANDSHAKE_INIT = {
  infoHash: new Uint8Array(20).fill(7),
  peerId: ascii('-LT2080-abcdefghijkl'),
  extensions: { extended: true, fast: true },
} as const;

/** Its 68 bytes. */
export const HANDSHAKE_BYTES = encodeHandshake(HANDSHAKE_INIT);

/** What decodeHandshake makes of {@link HANDSHAKE_BYTES}. */
export const HANDSHAKE: Handshake = {
  infoHash: HANDSHAKE_INIT.infoHash,
  peerId: HANDSHAKE_INIT.peerId,
  extensions: { extended: true, fast: true, dht: false, v2: false },
  reserved: Uint8Array.of(0, 0, 0, 0, 0, 0x10, 0, 0x04),
};

/** Frame bytes of a message. */
export const wire = (msg: WireMessage): Uint8Array => encodeMessage(msg);

/**
 * Replaces an rxtorrent error by `'<Class>:<code>'`, so marble expectations name the error by its
 * stable code rather than by its message text.
 */
export function errorCodes<T>(): MonoTypeOperatorFunction<T> {
  return catchError((err: unknown) =>
    throwError(() => (err instanceof RxTorrentError ? `${err.name}:${err.code}` : err)));
}
