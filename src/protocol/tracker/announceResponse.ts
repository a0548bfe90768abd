/**
 * The client side of an HTTP announce reply (BEP 3, compact peers per BEP 23, `peers6` per BEP 7,
 * `external ip` per BEP 24), parsed strictly: the bytes come from the network.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#trackers
 * @module
 */
import { RxTorrentError, TrackerError } from '../../errors.js';
import { decodeBencode } from '../bencode/index.js';
import type { BencodeValue } from '../bencode/index.js';
import { bytesToIp, parsePeerAddress } from '../peerAddress.js';
import type { PeerAddress } from '../peerAddress.js';
import { MAX_OPAQUE_PARAM_BYTES } from './announceRequest.js';
import { decodeCompactPeers } from './compactPeers.js';

/** A peer from a reply; dictionary peer lists may carry its `peer id`. */
export interface TrackerPeer extends PeerAddress {
  readonly peerId?: Uint8Array;
}

/** A successful announce reply. Times are in seconds, as the tracker sent them. */
export interface AnnounceResponse {
  /** Seconds until the next regular announce. */
  readonly interval: number;
  /** Seconds we must wait at least between announces, when the tracker says. */
  readonly minInterval: number | undefined;
  /** Seeders, when the tracker says. */
  readonly complete: number | undefined;
  /** Leechers, when the tracker says. */
  readonly incomplete: number | undefined;
  /** To send back as `trackerid` on our next announces to this tracker. */
  readonly trackerId: Uint8Array | undefined;
  /** A `warning message`: the announce worked, but show this to the user. */
  readonly warning: string | undefined;
  /** Our address as the tracker saw it (BEP 24). */
  readonly externalIp: string | undefined;
  /** IPv4 and IPv6 peers, compact or dictionary, in the tracker's order. */
  readonly peers: readonly TrackerPeer[];
}

/** Options of {@link parseAnnounceResponse}. */
export interface AnnounceResponseLimits {
  /** Largest reply accepted, in bytes. @default 256 KiB */
  readonly maxBytes?: number;
}

/** Default of {@link AnnounceResponseLimits.maxBytes}: room for ~43,000 compact peers. */
export const DEFAULT_MAX_ANNOUNCE_RESPONSE_BYTES = 256 * 1024;
/** Longest `failure reason` / `warning message` kept, in characters. */
export const MAX_TRACKER_MESSAGE_LENGTH = 512;

type Dict = { readonly [key: string]: BencodeValue };

function bad(message: string, cause?: unknown): TrackerError {
  return new TrackerError('ERR_TRACKER_BAD_RESPONSE', message, { cause });
}

function isDict(value: BencodeValue | undefined): value is Dict {
  return typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value);
}

/** A message for humans: UTF-8 (lossy), control characters replaced, capped. */
function message(value: BencodeValue, key: string): string {
  if (!(value instanceof Uint8Array)) throw bad(`${key} is not a string`);
  const text = new TextDecoder().decode(value).replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.length > MAX_TRACKER_MESSAGE_LENGTH ? `${text.slice(0, MAX_TRACKER_MESSAGE_LENGTH)}...` : text;
}

function count(dict: Dict, key: string): number | undefined {
  const value = dict[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || value < 0) throw bad(`${key} is not a non-negative integer`);
  return value;
}

function bytes(dict: Dict, key: string): Uint8Array | undefined {
  const value = dict[key];
  if (value !== undefined && !(value instanceof Uint8Array)) throw bad(`${key} is not a string`);
  return value;
}

function dictionaryPeer(entry: BencodeValue, index: number): TrackerPeer {
  if (!isDict(entry)) throw bad(`peer ${index} is not a dictionary`);
  const ip = bytes(entry, 'ip');
  const port = entry['port'];
  if (ip === undefined || typeof port !== 'number') throw bad(`peer ${index} lacks ip or port`);
  if (ip.length > 253) throw bad(`peer ${index} has an ip of ${ip.length} bytes`);
  const host = String.fromCharCode(...ip);
  // parsePeerAddress checks the IP literal or host name and the port range.
  const address = parsePeerAddress(host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
  const peerId = bytes(entry, 'peer id');
  if (peerId !== undefined && peerId.length !== 20) throw bad(`peer ${index} has a peer id of ${peerId.length} bytes`);
  return peerId === undefined ? address : { ...address, peerId };
}

function peersOf(dict: Dict): TrackerPeer[] {
  const peers = dict['peers'];
  const out: TrackerPeer[] = [];
  if (peers instanceof Uint8Array) out.push(...decodeCompactPeers(peers, 4));
  else if (Array.isArray(peers)) peers.forEach((entry, i) => out.push(dictionaryPeer(entry, i)));
  else if (peers !== undefined) throw bad('peers is neither a string nor a list');
  const peers6 = bytes(dict, 'peers6');
  if (peers6 !== undefined) out.push(...decodeCompactPeers(peers6, 6));
  return out;
}

function externalIp(dict: Dict): string | undefined {
  const ip = bytes(dict, 'external ip');
  if (ip === undefined) return undefined;
  if (ip.length !== 4 && ip.length !== 16) throw bad(`external ip has ${ip.length} bytes, not 4 or 16`);
  return bytesToIp(ip);
}

/**
 * Parses an announce reply body.
 *
 * Strict where it matters: the body is validated bencode within `maxBytes`, a dictionary with an
 * integer `interval`; counts are non-negative integers; compact lists are whole entries with no
 * port 0; dictionary peers have an IP literal or host name and a port 1–65535. A missing `peers`
 * is an empty list. Unknown keys are ignored.
 *
 * @param body - the HTTP response body.
 * @param limits - size cap.
 * @returns the reply.
 * @throws {@link TrackerError} `ERR_TRACKER_FAILURE_REASON` (message: the tracker's reason),
 *   `ERR_TRACKER_RESPONSE_TOO_LARGE`, `ERR_TRACKER_BAD_RESPONSE`, `ERR_TRACKER_BAD_COMPACT_PEERS`,
 *   `ERR_TRACKER_BAD_PEER_ADDRESS`.
 * @example
 * ```ts
 * declare const body: Uint8Array;
 * const { interval, peers } = parseAnnounceResponse(body);
 * ```
 */
export function parseAnnounceResponse(body: Uint8Array, limits: AnnounceResponseLimits = {}): AnnounceResponse {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_ANNOUNCE_RESPONSE_BYTES;
  if (body.length > maxBytes) {
    throw new TrackerError('ERR_TRACKER_RESPONSE_TOO_LARGE', `announce reply of ${body.length} bytes exceeds ${maxBytes}`);
  }
  let value: BencodeValue;
  try {
    value = decodeBencode(body, { maxBytes, maxDepth: 8 });
  } catch (cause) {
    const why = cause instanceof RxTorrentError ? cause.message : 'undecodable';
    throw bad(`announce reply is not valid bencode: ${why}`, cause);
  }
  if (!isDict(value)) throw bad('announce reply is not a dictionary');
  const failure = value['failure reason'];
  if (failure !== undefined) throw new TrackerError('ERR_TRACKER_FAILURE_REASON', message(failure, 'failure reason'));
  const interval = count(value, 'interval');
  if (interval === undefined) throw bad('announce reply has no interval');
  const warning = value['warning message'];
  const trackerId = bytes(value, 'tracker id');
  // We send it back on every announce, where the same cap applies.
  if (trackerId !== undefined && trackerId.length > MAX_OPAQUE_PARAM_BYTES) throw bad('tracker id is longer than 64 bytes');
  return {
    interval,
    minInterval: count(value, 'min interval'),
    complete: count(value, 'complete'),
    incomplete: count(value, 'incomplete'),
    trackerId,
    warning: warning === undefined ? undefined : message(warning, 'warning message'),
    externalIp: externalIp(value),
    peers: peersOf(value),
  };
}
