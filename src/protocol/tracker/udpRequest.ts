/**
 * BEP 15 (UDP tracker) requests as the server reads them (the client encodes them in
 * `udpClientPackets.ts`). Big-endian throughout. A packet that does not frame (too short, wrong protocol id, unknown
 * action, a ragged scrape) is `undefined`: the server drops it without a word.
 *
 * ```
 * connect   0 protocol_id(8)=0x41727101980  8 action(4)=0  12 transaction_id(4)                         = 16
 * announce  0 connection_id(8)  8 action=1  12 transaction_id  16 info_hash(20)  36 peer_id(20)
 *           56 downloaded(8)  64 left(8)  72 uploaded(8)  80 event(4)  84 ip(4)  88 key(4)
 *           92 num_want(4, -1 = default)  96 port(2)  [98… BEP 41 options, ignored]                  ≥ 98
 * scrape    0 connection_id(8)  8 action=2  12 transaction_id  16 info_hash(20) × n                  16 + 20n
 * ```
 *
 * @see https://www.bittorrent.org/beps/bep_0015.html
 * @module
 */
import { TrackerError } from '../../errors.js';
import type { IpFamily } from '../peerAddress.js';
import type { AnnounceEvent, AnnounceRequest } from './announceRequest.js';
import { DEFAULT_MAX_NUMWANT, DEFAULT_NUMWANT } from './announceRequest.js';

/** The magic constant of a connect request. */
export const UDP_PROTOCOL_ID = 0x41727101980n;
/** BEP 15 action numbers. */
export const UDP_ACTION = { connect: 0, announce: 1, scrape: 2, error: 3 } as const;
/** Bytes of a connect request (and of its reply). */
export const UDP_CONNECT_LENGTH = 16;
/** Bytes of an announce request without BEP 41 options. */
export const UDP_ANNOUNCE_LENGTH = 98;
/** Most info-hashes in one UDP scrape: BEP 15's "about 74", so the reply stays one datagram. */
export const UDP_MAX_SCRAPE_INFO_HASHES = 74;

/** A framed request: the connection id is still to be checked, the announce fields still to be parsed. */
export type UdpRequest =
  | { readonly action: 'connect'; readonly transactionId: number }
  | { readonly action: 'announce'; readonly transactionId: number; readonly connectionId: Uint8Array; readonly packet: Uint8Array }
  | { readonly action: 'scrape'; readonly transactionId: number; readonly connectionId: Uint8Array; readonly infoHashes: readonly Uint8Array[] };

/** The announcer's address, already normalized (IPv4-mapped IPv6 unwrapped). */
export interface UdpPeerIp {
  readonly host: string;
  readonly family: IpFamily;
}

/** Options of {@link parseUdpAnnounce}: the same caps as the HTTP announce. */
export interface UdpAnnounceOptions {
  /** Honour the `ip` field (IPv4 only in BEP 15). @default false */
  readonly allowIpParam?: boolean;
  /** Peers for `num_want = -1`. @default 50 */
  readonly defaultNumwant?: number;
  /** @default 200 */
  readonly maxNumwant?: number;
}

/** Event numbers of BEP 15, by index. */
export const UDP_EVENTS: readonly AnnounceEvent[] = ['none', 'completed', 'started', 'stopped'];

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Frames a request packet. Never throws: anything malformed is `undefined`.
 *
 * @param packet - the datagram as received.
 * @returns the request, or `undefined` to drop it.
 * @example
 * ```ts
 * declare const packet: Uint8Array;
 * const request = parseUdpRequest(packet);
 * if (request === undefined) console.log('garbage: no reply');
 * ```
 */
export function parseUdpRequest(packet: Uint8Array): UdpRequest | undefined {
  if (packet.length < UDP_CONNECT_LENGTH) return undefined;
  const v = view(packet);
  const action = v.getUint32(8);
  const transactionId = v.getUint32(12);
  if (action === UDP_ACTION.connect) {
    return v.getBigUint64(0) === UDP_PROTOCOL_ID ? { action: 'connect', transactionId } : undefined;
  }
  const connectionId = packet.subarray(0, 8);
  if (action === UDP_ACTION.announce) {
    return packet.length >= UDP_ANNOUNCE_LENGTH ? { action: 'announce', transactionId, connectionId, packet } : undefined;
  }
  if (action === UDP_ACTION.scrape) {
    const count = (packet.length - 16) / 20;
    if (!Number.isInteger(count) || count < 1 || count > UDP_MAX_SCRAPE_INFO_HASHES) return undefined;
    const infoHashes = Array.from({ length: count }, (_, i) => packet.slice(16 + 20 * i, 36 + 20 * i));
    return { action: 'scrape', transactionId, connectionId, infoHashes };
  }
  return undefined;
}

/** A signed 64-bit count as a JS number: negative is unknown, above 2^53 is clamped. */
function count64(v: DataView, at: number): number | undefined {
  const n = v.getBigInt64(at);
  if (n < 0n) return undefined;
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

/**
 * Parses the fields of a framed announce (after its connection id was accepted) into the same
 * {@link AnnounceRequest} the HTTP tracker builds, so one `handleAnnounce` serves both.
 *
 * A negative `left` is "unknown" (a magnet without metadata); negative `downloaded`/`uploaded`
 * count as 0. The reply is compact (BEP 15 has no other form) and the 4-byte `key` is kept.
 *
 * @param packet - the whole announce datagram (≥ 98 bytes).
 * @param peer - where it came from.
 * @param options - `ip` policy and numwant caps.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_PORT` (port 0), `ERR_TRACKER_BAD_PARAMETER`
 *   (an event above 3): messages fit for a BEP 15 error reply.
 * @example
 * ```ts
 * declare const packet: Uint8Array;
 * const request = parseUdpAnnounce(packet, { host: '192.0.2.7', family: 4 });
 * ```
 */
export function parseUdpAnnounce(packet: Uint8Array, peer: UdpPeerIp, options: UdpAnnounceOptions = {}): AnnounceRequest {
  const v = view(packet);
  const event = UDP_EVENTS[v.getUint32(80)];
  if (event === undefined) throw new TrackerError('ERR_TRACKER_BAD_PARAMETER', 'event must be 0-3');
  const port = v.getUint16(96);
  if (port === 0) throw new TrackerError('ERR_TRACKER_BAD_PORT', 'port must be 1-65535, got 0');
  const ip = v.getUint32(84);
  const claimed = options.allowIpParam === true && ip !== 0 ? { host: packet.subarray(84, 88).join('.'), family: 4 as const } : undefined;
  const numwant = v.getInt32(92);
  const maxNumwant = options.maxNumwant ?? DEFAULT_MAX_NUMWANT;
  return {
    infoHash: packet.slice(16, 36),
    peerId: packet.slice(36, 56),
    host: claimed?.host ?? peer.host,
    family: claimed?.family ?? peer.family,
    port,
    downloaded: count64(v, 56) ?? 0,
    left: count64(v, 64),
    uploaded: count64(v, 72) ?? 0,
    event,
    numwant: Math.min(numwant < 0 ? (options.defaultNumwant ?? DEFAULT_NUMWANT) : numwant, maxNumwant),
    compact: true,
    noPeerId: true,
    key: packet.slice(88, 92),
    trackerId: undefined,
  };
}
