/**
 * The client side of an HTTP announce (BEP 3): what we tell a tracker, encoded as a query string.
 * The inverse of `parseAnnounceQuery` (the server side), which the property specs check.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#trackers
 * @module
 */
import { TrackerError } from '../../errors.js';
import type { AnnounceEvent } from './announceRequest.js';
import { MAX_OPAQUE_PARAM_BYTES } from './announceRequest.js';

/** What a client announces. Counts are bytes of payload. */
export interface AnnounceParams {
  /** 20 raw bytes. */
  readonly infoHash: Uint8Array;
  /** 20 raw bytes. */
  readonly peerId: Uint8Array;
  /** The port we listen on, 1–65535. */
  readonly port: number;
  readonly uploaded: number;
  readonly downloaded: number;
  /** Bytes still missing; 0 makes us a seeder. */
  readonly left: number;
  /** @default 'none' (the parameter is left out) */
  readonly event?: AnnounceEvent;
  /** Peers wanted; left out when undefined (the tracker's default applies). */
  readonly numwant?: number;
  /** Our secret per-session key, so the tracker knows us after an IP change; ≤ 64 bytes. */
  readonly key?: Uint8Array;
  /** The `tracker id` this tracker gave us in an earlier reply; ≤ 64 bytes. */
  readonly trackerId?: Uint8Array;
  /** Ask for BEP 23 compact peer strings. @default true */
  readonly compact?: boolean;
  /** In a dictionary peer list, leave out `peer id` (sent only when true). @default false */
  readonly noPeerId?: boolean;
}

const HEX_DIGITS = '0123456789ABCDEF';

/**
 * Percent-encodes every byte (`%FF%20%41`), uppercase hex. Never `+` for a space: some trackers
 * (opentracker among them) do not decode it. Unreserved characters are escaped too: equivalent
 * under RFC 3986, and one rule is easier to trust than two.
 *
 * @example
 * ```ts
 * percentEncodeBytes(Uint8Array.of(0xff, 0x20, 0x41)); // '%FF%20%41'
 * ```
 */
export function percentEncodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += `%${HEX_DIGITS[b >> 4]}${HEX_DIGITS[b & 15]}`;
  return out;
}

function count(name: string, value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TrackerError('ERR_TRACKER_BAD_PARAMETER', `${name} must be a non-negative safe integer, got ${value}`);
  }
  return String(value);
}

function opaque(name: string, value: Uint8Array): string {
  if (value.length > MAX_OPAQUE_PARAM_BYTES) {
    throw new TrackerError('ERR_TRACKER_BAD_PARAMETER', `${name} is longer than ${MAX_OPAQUE_PARAM_BYTES} bytes`);
  }
  return percentEncodeBytes(value);
}

/**
 * Encodes an announce as a query string (without the `?`), parameters in a fixed order:
 * `info_hash, peer_id, port, uploaded, downloaded, left, compact, [no_peer_id], [event],
 * [numwant], [key], [trackerid]`.
 *
 * @param params - the announce; checked, since a bad value here is a programming error.
 * @returns e.g. `info_hash=%12…&peer_id=%2D%52…&port=6881&uploaded=0&downloaded=0&left=100&compact=1&event=started`
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_INFO_HASH` / `ERR_TRACKER_BAD_PEER_ID` (not 20 bytes),
 *   `ERR_TRACKER_BAD_PORT`, `ERR_TRACKER_BAD_PARAMETER` (a negative or fractional count, an over-long key).
 * @example
 * ```ts
 * declare const size: number;
 * const query = encodeAnnounceQuery({ infoHash, peerId, port: 6881, uploaded: 0, downloaded: 0, left: size, event: 'started' });
 * ```
 */
export function encodeAnnounceQuery(params: AnnounceParams): string {
  if (params.infoHash.length !== 20) {
    throw new TrackerError('ERR_TRACKER_BAD_INFO_HASH', `info_hash must be 20 bytes, got ${params.infoHash.length}`);
  }
  if (params.peerId.length !== 20) {
    throw new TrackerError('ERR_TRACKER_BAD_PEER_ID', `peer_id must be 20 bytes, got ${params.peerId.length}`);
  }
  if (!Number.isInteger(params.port) || params.port < 1 || params.port > 65535) {
    throw new TrackerError('ERR_TRACKER_BAD_PORT', `port must be 1-65535, got ${params.port}`);
  }
  const parts = [
    `info_hash=${percentEncodeBytes(params.infoHash)}`,
    `peer_id=${percentEncodeBytes(params.peerId)}`,
    `port=${params.port}`,
    `uploaded=${count('uploaded', params.uploaded)}`,
    `downloaded=${count('downloaded', params.downloaded)}`,
    `left=${count('left', params.left)}`,
    `compact=${params.compact === false ? 0 : 1}`,
  ];
  if (params.noPeerId === true) parts.push('no_peer_id=1');
  if (params.event !== undefined && params.event !== 'none') parts.push(`event=${params.event}`);
  if (params.numwant !== undefined) parts.push(`numwant=${count('numwant', params.numwant)}`);
  if (params.key !== undefined) parts.push(`key=${opaque('key', params.key)}`);
  if (params.trackerId !== undefined) parts.push(`trackerid=${opaque('trackerid', params.trackerId)}`);
  return parts.join('&');
}

/**
 * The full announce URL: the tracker's URL with the query appended, after `&` when it already
 * has a query (a private tracker's `?passkey=…`). A `#fragment` is dropped: it is never sent.
 *
 * @param trackerUrl - the announce URL from the torrent, e.g. `http://tracker.example/announce`.
 * @param params - the announce.
 * @example
 * ```ts
 * declare const params: AnnounceParams;
 * announceUrl('http://t.example/announce?passkey=abc', params); // 'http://t.example/announce?passkey=abc&info_hash=…'
 * ```
 */
export function announceUrl(trackerUrl: string, params: AnnounceParams): string {
  const hash = trackerUrl.indexOf('#');
  const base = hash < 0 ? trackerUrl : trackerUrl.slice(0, hash);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${encodeAnnounceQuery(params)}`;
}
