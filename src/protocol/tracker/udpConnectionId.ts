/**
 * BEP 15 connection ids that need no server state and cannot be forged: an HMAC of the client's
 * IP and the issue time under a secret. Any process holding the same secret accepts an id
 * another issued, so workers (and machines) behind one address need share only the secret.
 *
 * ```
 * id = [issue second mod 256] ++ HMAC-SHA256(secret, issue second (8 bytes) ++ ip)[0..7)
 * ```
 * The first byte lets the verifier rebuild the full issue second (it must lie within the last
 * 2 minutes, or a few seconds ahead for clock skew between machines); the 56-bit MAC over that
 * second and the IP is then checked in constant time. One HMAC per check, no table, no timer.
 *
 * @see https://www.bittorrent.org/beps/bep_0015.html
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { TrackerError } from '../../errors.js';
import { ipToBytes } from '../peerAddress.js';

/** How long an id is accepted after it was issued (BEP 15: two minutes). */
export const UDP_CONNECTION_ID_TTL_MS = 120_000;
/** How far ahead of our clock an issuer's clock may run (ids from another machine). */
export const UDP_CONNECTION_ID_SKEW_MS = 5_000;
/** Shortest secret accepted. */
export const MIN_UDP_SECRET_BYTES = 16;

const TTL_SECONDS = UDP_CONNECTION_ID_TTL_MS / 1000;
const VERIFIED_CACHE_SIZE = 65_536;
const SKEW_SECONDS = UDP_CONNECTION_ID_SKEW_MS / 1000;

/**
 * Issues and checks connection ids under one secret.
 *
 * @example
 * ```ts
 * declare const secret: Uint8Array;
 * const ids = new UdpConnectionIds(secret);
 * const id = ids.issue('192.0.2.7', Date.now());
 * ids.verify(id, '192.0.2.7', Date.now() + 60_000); // true
 * ids.verify(id, '192.0.2.8', Date.now());          // false: another address
 * ```
 */
export class UdpConnectionIds {
  private readonly secret: Uint8Array;
  /**
   * Ids verified lately, `ip + id` → the second they were issued: a client announcing several
   * torrents reuses its id for a minute, and a lookup costs a tenth of an HMAC. Bounded: cleared
   * when full.
   */
  private readonly verified = new Map<string, number>();

  /**
   * @param secret - at least 16 random bytes, the same in every process that must accept the ids.
   * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for a shorter secret.
   */
  constructor(secret: Uint8Array) {
    if (secret.length < MIN_UDP_SECRET_BYTES) {
      throw new TrackerError('ERR_TRACKER_BAD_CONFIG', `the UDP connection-id secret must have at least ${MIN_UDP_SECRET_BYTES} bytes`);
    }
    this.secret = secret.slice();
  }

  /**
   * A connection id for `ip` at `nowMs`.
   *
   * @param ip - the client's IP in canonical text (as `normalizeIp` gives it).
   * @param nowMs - ms since the epoch.
   */
  issue(ip: string, nowMs: number): Uint8Array {
    const second = Math.floor(nowMs / 1000);
    const id = new Uint8Array(8);
    id[0] = second & 0xff;
    id.set(this.mac(second, ip), 1);
    return id;
  }

  /**
   * True when `id` was issued for `ip` by a holder of the secret within the last two minutes.
   *
   * @param id - the 8 bytes a request carries.
   * @param ip - the IP the request came from, canonical text.
   * @param nowMs - ms since the epoch.
   */
  verify(id: Uint8Array, ip: string, nowMs: number): boolean {
    if (id.length !== 8) return false;
    const now = Math.floor(nowMs / 1000);
    const age = (now - id[0]!) & 0xff;
    let second: number;
    if (age <= TTL_SECONDS) second = now - age;
    else if (age >= 256 - SKEW_SECONDS) second = now + (256 - age);
    else return false;
    const key = ip + String.fromCharCode.apply(null, id as unknown as number[]);
    if (this.verified.get(key) === second) return true;
    if (!timingSafeEqual(this.mac(second, ip), id.subarray(1))) return false;
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(key, second);
    return true;
  }

  private mac(second: number, ip: string): Uint8Array {
    const message = new Uint8Array(8 + 16);
    new DataView(message.buffer).setBigUint64(0, BigInt(second));
    const address = ipToBytes(ip) ?? new TextEncoder().encode(ip).subarray(0, 16);
    message.set(address, 8);
    const digest = createHmac('sha256', this.secret).update(message.subarray(0, 8 + address.length)).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, 7);
  }
}
