/**
 * The announce request (BEP 3), parsed from a raw query string into a typed value.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#trackers
 * @module
 */
import { TrackerError } from '../../errors.js';
import { normalizeIp } from '../peerAddress.js';
import type { IpFamily } from '../peerAddress.js';
import { parseQueryString, singleParam, twentyBytes } from './query.js';
import type { QueryLimits, QueryParams } from './query.js';

/** The announce `event`; an absent or empty one (and `empty`, which some clients send) is `'none'`. */
export type AnnounceEvent = 'none' | 'started' | 'completed' | 'stopped';

/** A valid announce, with the peer's address already chosen (socket, or `ip` when allowed). */
export interface AnnounceRequest {
  /** 20 raw bytes. */
  readonly infoHash: Uint8Array;
  /** 20 raw bytes; peers are keyed by it within a swarm. */
  readonly peerId: Uint8Array;
  /** The peer's IP in canonical text (IPv4-mapped IPv6 unwrapped). */
  readonly host: string;
  readonly family: IpFamily;
  /** The port the peer listens on, 1–65535. */
  readonly port: number;
  readonly uploaded: number;
  readonly downloaded: number;
  /** Bytes still missing; `undefined` when the client did not say (treated as a leecher). */
  readonly left: number | undefined;
  readonly event: AnnounceEvent;
  /** Peers wanted, already capped. */
  readonly numwant: number;
  /** BEP 23 compact peer strings (the default) or the dictionary list. */
  readonly compact: boolean;
  /** In the dictionary list, leave out `peer id`. */
  readonly noPeerId: boolean;
  readonly key: Uint8Array | undefined;
  readonly trackerId: Uint8Array | undefined;
}

/** Where the request came from: the socket's address (or a trusted proxy's `X-Forwarded-For`). */
export interface RemoteAddress {
  readonly address: string;
}

/** Options of {@link parseAnnounceQuery}. */
export interface AnnounceQueryOptions extends QueryLimits {
  /**
   * Honour the `ip` parameter (an IP literal; names are refused). Off by default: anyone could
   * otherwise point a swarm at a third party's address.
   * @default false
   */
  readonly allowIpParam?: boolean;
  /** @default 50 */
  readonly defaultNumwant?: number;
  /** A larger `numwant` is lowered to this. @default 200 */
  readonly maxNumwant?: number;
}

/** Default of {@link AnnounceQueryOptions.defaultNumwant}. */
export const DEFAULT_NUMWANT = 50;
/** Default of {@link AnnounceQueryOptions.maxNumwant}. */
export const DEFAULT_MAX_NUMWANT = 200;
/** Longest `key` / `trackerid` accepted, in bytes (clients send 4–20). */
export const MAX_OPAQUE_PARAM_BYTES = 64;

const EVENTS: ReadonlyMap<string, AnnounceEvent> = new Map([
  ['', 'none'], ['none', 'none'], ['empty', 'none'],
  ['started', 'started'], ['completed', 'completed'], ['stopped', 'stopped'],
]);

function text(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The value of 1 to `maxDigits` ASCII decimal digits, or `NaN` for anything else. */
function digits(bytes: Uint8Array, maxDigits: number): number {
  if (bytes.length === 0 || bytes.length > maxDigits) return NaN;
  let n = 0;
  for (const b of bytes) {
    if (b < 0x30 || b > 0x39) return NaN;
    n = n * 10 + (b - 0x30);
  }
  return n;
}

/** Up to 24 bytes of a value for a failure reason, re-escaped the way it was sent (`%FF`). */
function show(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, 24), (b) =>
    b > 0x20 && b < 0x7f && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`);
  return `"${shown.join('')}${bytes.length > 24 ? '...' : ''}"`;
}

function badParam(key: string, why: string): TrackerError {
  return new TrackerError('ERR_TRACKER_BAD_PARAMETER', `${key} ${why}`);
}

/** A non-negative decimal integer no larger than 2^53 − 1, so it survives a JS number. */
function integer(params: QueryParams, key: string): number | undefined {
  const value = singleParam(params, key);
  if (value === undefined) return undefined;
  const n = digits(value, 16);
  if (!Number.isSafeInteger(n)) throw badParam(key, `must be a non-negative integer below 2^53, got ${show(value)}`);
  return n;
}

function listenPort(value: Uint8Array | undefined): number {
  if (value === undefined) throw new TrackerError('ERR_TRACKER_MISSING_PARAMETER', 'port is missing');
  const port = digits(value, 5) || 0;
  if (port < 1 || port > 65535) {
    throw new TrackerError('ERR_TRACKER_BAD_PORT', `port must be 1-65535, got ${show(value)}`);
  }
  return port;
}

function flag(params: QueryParams, key: string): boolean | undefined {
  const value = singleParam(params, key);
  if (value === undefined) return undefined;
  const t = text(value);
  if (t !== '0' && t !== '1') throw badParam(key, 'must be 0 or 1');
  return t === '1';
}

function opaque(params: QueryParams, key: string): Uint8Array | undefined {
  const value = singleParam(params, key);
  if (value !== undefined && value.length > MAX_OPAQUE_PARAM_BYTES) throw badParam(key, `is longer than ${MAX_OPAQUE_PARAM_BYTES} bytes`);
  return value;
}

/**
 * `{ host: text, family: 4 }` when `text` already is a canonical dotted quad (what a socket
 * reports for nearly every client), else `undefined`: the general parser then decides. Spares a
 * split and four regex tests on every announce.
 */
function canonicalIpv4(text: string): { host: string; family: IpFamily } | undefined {
  if (text.length < 7 || text.length > 15) return undefined;
  let parts = 1;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e && digits > 0 && parts < 4) {
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && !(digits > 0 && value === 0)) {
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return parts === 4 && digits > 0 ? { host: text, family: 4 } : undefined;
}

function peerIp(params: QueryParams, remote: RemoteAddress, allowIpParam: boolean): { host: string; family: IpFamily } {
  const ipParam = allowIpParam ? singleParam(params, 'ip') : undefined;
  if (ipParam !== undefined) {
    const ip = normalizeIp(text(ipParam));
    if (ip === undefined) throw badParam('ip', 'must be an IPv4 or IPv6 address');
    return ip;
  }
  const ip = canonicalIpv4(remote.address) ?? normalizeIp(remote.address);
  if (ip === undefined) throw new TrackerError('ERR_TRACKER_BAD_PEER_ADDRESS', 'cannot tell the peer address of this request');
  return ip;
}

/**
 * Parses and validates an announce query string bytewise.
 *
 * Unknown parameters (`supportcrypto`, `corrupt`, `ipv6`…) are ignored; a known one given twice
 * is refused. `info_hash`, `peer_id` and `port` are required; `uploaded`/`downloaded` default to 0.
 *
 * @param raw - the raw query string (koa: `ctx.querystring`; never `ctx.query`).
 * @param remote - the address the request came from.
 * @param options - caps and the `ip` policy.
 * @returns the typed request.
 * @throws {@link TrackerError} whose message is fit to send back as the `failure reason`.
 * @example
 * ```ts
 * declare const ctx: import('koa').Context;
 * const request = parseAnnounceQuery(ctx.querystring, { address: ctx.ip });
 * ```
 */
export function parseAnnounceQuery(raw: string, remote: RemoteAddress, options: AnnounceQueryOptions = {}): AnnounceRequest {
  const params = parseQueryString(raw, options);
  const infoHash = twentyBytes(singleParam(params, 'info_hash'), 'info_hash', 'ERR_TRACKER_BAD_INFO_HASH');
  const peerId = twentyBytes(singleParam(params, 'peer_id'), 'peer_id', 'ERR_TRACKER_BAD_PEER_ID');
  const port = listenPort(singleParam(params, 'port'));
  const eventBytes = singleParam(params, 'event');
  const event = EVENTS.get(eventBytes === undefined ? '' : text(eventBytes));
  if (event === undefined) throw badParam('event', 'must be started, completed, stopped or empty');
  const numwant = integer(params, 'numwant') ?? options.defaultNumwant ?? DEFAULT_NUMWANT;
  return {
    infoHash,
    peerId,
    ...peerIp(params, remote, options.allowIpParam ?? false),
    port,
    uploaded: integer(params, 'uploaded') ?? 0,
    downloaded: integer(params, 'downloaded') ?? 0,
    left: integer(params, 'left'),
    event,
    numwant: Math.min(numwant, options.maxNumwant ?? DEFAULT_MAX_NUMWANT),
    compact: flag(params, 'compact') ?? true,
    noPeerId: flag(params, 'no_peer_id') ?? false,
    key: opaque(params, 'key'),
    trackerId: opaque(params, 'trackerid'),
  };
}
