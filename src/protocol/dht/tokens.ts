/**
 * Announce tokens: `SHA-1(secret ‖ ip)` cut to 8 bytes, from a secret that rotates every 5
 * minutes; the current and the previous secret are accepted, so a token is good for 5–10
 * minutes and only from the IP it was given to. Nothing per asker is stored.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html#announce-peer
 * @module
 */
import { createHash } from 'node:crypto';
import { equalBytes } from '../bytes.js';

/** How often the secret changes. */
export const TOKEN_ROTATE_MS = 5 * 60_000;
/** Bytes of the tokens we give. */
export const TOKEN_LENGTH = 8;
const SECRET_LENGTH = 16;

/**
 * Gives and checks tokens.
 *
 * @example
 * ```ts
 * const tokens = new TokenIssuer(Math.random, Date.now());
 * const token = tokens.issue('127.0.0.1', Date.now());
 * tokens.check(token, '127.0.0.1', Date.now()); // true
 * ```
 */
export class TokenIssuer {
  private current: Uint8Array;
  private previous: Uint8Array;
  private rotatedAt: number;

  constructor(private readonly random: () => number, now: number) {
    this.current = this.secret();
    this.previous = this.secret();
    this.rotatedAt = now;
  }

  /** The token for `ip` at `now`. */
  issue(ip: string, now: number): Uint8Array {
    this.rotate(now);
    return this.tokenFor(this.current, ip);
  }

  /** True when `token` was given to `ip` within the last one or two rotations. */
  check(token: Uint8Array, ip: string, now: number): boolean {
    this.rotate(now);
    return equalBytes(token, this.tokenFor(this.current, ip)) || equalBytes(token, this.tokenFor(this.previous, ip));
  }

  private rotate(now: number): void {
    const steps = Math.floor((now - this.rotatedAt) / TOKEN_ROTATE_MS);
    if (steps <= 0) return;
    this.previous = steps === 1 ? this.current : this.secret();
    this.current = this.secret();
    this.rotatedAt += steps * TOKEN_ROTATE_MS;
  }

  private secret(): Uint8Array {
    return Uint8Array.from({ length: SECRET_LENGTH }, () => Math.floor(this.random() * 256) & 0xff);
  }

  private tokenFor(secret: Uint8Array, ip: string): Uint8Array {
    const digest = createHash('sha1').update(secret).update(ip).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, TOKEN_LENGTH);
  }
}
