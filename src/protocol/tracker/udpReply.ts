/**
 * BEP 15 (UDP tracker) replies: encoding on the server side, parsing on the client side.
 *
 * ```
 * connect   0 action(4)=0  4 transaction_id(4)  8 connection_id(8)                               = 16
 * announce  0 action=1  4 transaction_id  8 interval(4)  12 leechers(4)  16 seeders(4)
 *           20 peers: 6 bytes each (IPv4 request) or 18 bytes each (IPv6 request)
 * scrape    0 action=2  4 transaction_id  8 + 12i: seeders(4) completed(4) leechers(4)
 * error     0 action=3  4 transaction_id  8 message (UTF-8, to the end of the packet)
 * ```
 *
 * @see https://www.bittorrent.org/beps/bep_0015.html
 * @module
 */
import { TrackerError } from '../../errors.js';
import type { IpFamily } from '../peerAddress.js';
import type { AnnounceResponse } from './announceResponse.js';
import { MAX_TRACKER_MESSAGE_LENGTH } from './announceResponse.js';
import { decodeCompactPeers, encodeCompactPeerLists } from './compactPeers.js';
import type { AnnounceReply, ScrapeFile } from './reply.js';
import { UDP_ACTION } from './udpRequest.js';

/** A reply as the client reads it. */
export type UdpReply =
  | { readonly action: 'connect'; readonly transactionId: number; readonly connectionId: Uint8Array }
  | { readonly action: 'announce'; readonly transactionId: number; readonly response: AnnounceResponse }
  | { readonly action: 'scrape'; readonly transactionId: number; readonly files: readonly Omit<ScrapeFile, 'infoHash'>[] }
  | { readonly action: 'error'; readonly transactionId: number; readonly message: string };

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const u32 = (n: number): number => Math.min(Math.max(0, Math.floor(n)), 0xffffffff);

function header(length: number, action: number, transactionId: number): { out: Uint8Array; v: DataView } {
  const out = new Uint8Array(length);
  const v = view(out);
  v.setUint32(0, action);
  v.setUint32(4, transactionId >>> 0);
  return { out, v };
}

/**
 * Encodes a connect reply (16 bytes, as long as the request: no amplification).
 *
 * @example
 * ```ts
 * declare const request: UdpRequest, ids: UdpConnectionIds, host: string;
 * let reply: Uint8Array;
 * reply = encodeUdpConnectReply(request.transactionId, ids.issue(host, now));
 * ```
 */
export function encodeUdpConnectReply(transactionId: number, connectionId: Uint8Array): Uint8Array {
  const { out } = header(16, UDP_ACTION.connect, transactionId);
  out.set(connectionId.subarray(0, 8), 8);
  return out;
}

/**
 * Encodes an announce reply. BEP 15 has one peer list whose entry size follows the address family
 * the request came over, so only peers of `family` are sent; the others are left out.
 *
 * @param transactionId - from the request.
 * @param reply - from `handleAnnounce`.
 * @param family - the family of the socket address the request came from.
 * @example
 * ```ts
 * declare const txid: number, store: SwarmStore, request: AnnounceRequest, settings: AnnounceSettings;
 * encodeUdpAnnounceReply(txid, await handleAnnounce(store, request, settings), 4);
 * ```
 */
export function encodeUdpAnnounceReply(transactionId: number, reply: AnnounceReply, family: IpFamily): Uint8Array {
  const { v4, v6 } = encodeCompactPeerLists(reply.peers);
  const peers = family === 4 ? v4 : v6;
  const { out, v } = header(20 + peers.length, UDP_ACTION.announce, transactionId);
  v.setUint32(8, u32(reply.interval));
  v.setUint32(12, u32(reply.incomplete));
  v.setUint32(16, u32(reply.complete));
  out.set(peers, 20);
  return out;
}

/**
 * Encodes a scrape reply: seeders, completed, leechers per info-hash, in request order.
 *
 * @example
 * ```ts
 * declare const txid: number, store: SwarmStore, infoHashes: Uint8Array[];
 * encodeUdpScrapeReply(txid, await handleScrape(store, { infoHashes }, now));
 * ```
 */
export function encodeUdpScrapeReply(transactionId: number, files: readonly ScrapeFile[]): Uint8Array {
  const { out, v } = header(8 + 12 * files.length, UDP_ACTION.scrape, transactionId);
  files.forEach((file, i) => {
    v.setUint32(8 + 12 * i, u32(file.complete));
    v.setUint32(12 + 12 * i, u32(file.downloaded));
    v.setUint32(16 + 12 * i, u32(file.incomplete));
  });
  return out;
}

/**
 * Encodes an error reply. The message is cut (at a character boundary) so the whole reply fits
 * `maxLength`, the size of the request it answers: even an error never amplifies.
 *
 * @param transactionId - from the request.
 * @param message - the failure reason.
 * @param maxLength - largest reply allowed, in bytes (≥ 8).
 * @example
 * ```ts
 * declare const txid: number, packet: Uint8Array;
 * encodeUdpError(txid, 'port must be 1-65535, got 0', packet.length);
 * ```
 */
export function encodeUdpError(transactionId: number, message: string, maxLength = Number.MAX_SAFE_INTEGER): Uint8Array {
  let text = new TextEncoder().encode(message);
  const room = Math.max(0, maxLength - 8);
  if (text.length > room) {
    let end = room;
    while (end > 0 && (text[end]! & 0xc0) === 0x80) end--; // not inside a UTF-8 sequence
    text = text.subarray(0, end);
  }
  const { out } = header(8 + text.length, UDP_ACTION.error, transactionId);
  out.set(text, 8);
  return out;
}

/**
 * The transaction id of a reply, or `undefined` when the packet is too short to carry one.
 *
 * @example
 * ```ts
 * declare const packet: Uint8Array;
 * const txid = udpTransactionIdOf(packet); // match it against the requests in flight
 * ```
 */
export function udpTransactionIdOf(packet: Uint8Array): number | undefined {
  return packet.length < 8 ? undefined : view(packet).getUint32(4);
}

function bad(message: string): TrackerError {
  return new TrackerError('ERR_TRACKER_BAD_RESPONSE', message);
}

/**
 * Parses a reply (client side). Check {@link udpTransactionIdOf} against the request first; a
 * packet that carries our transaction id but does not parse is the tracker's fault.
 *
 * @param packet - the datagram.
 * @param family - the family of our socket: peers are 6-byte (4) or 18-byte (6) entries.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_RESPONSE` (wrong size, unknown action),
 *   `ERR_TRACKER_BAD_COMPACT_PEERS` (a port 0).
 * @example
 * ```ts
 * declare const packet: Uint8Array;
 * const reply = parseUdpReply(packet, 4);
 * if (reply.action === 'error') throw new TrackerError('ERR_TRACKER_FAILURE_REASON', reply.message);
 * ```
 */
export function parseUdpReply(packet: Uint8Array, family: IpFamily): UdpReply {
  if (packet.length < 8) throw bad(`a UDP tracker reply of ${packet.length} bytes is too short`);
  const v = view(packet);
  const action = v.getUint32(0);
  const transactionId = v.getUint32(4);
  switch (action) {
    case UDP_ACTION.connect:
      if (packet.length < 16) throw bad(`a connect reply has 16 bytes, not ${packet.length}`);
      return { action: 'connect', transactionId, connectionId: packet.slice(8, 16) };
    case UDP_ACTION.announce: {
      if (packet.length < 20) throw bad(`an announce reply has at least 20 bytes, not ${packet.length}`);
      const response: AnnounceResponse = {
        interval: v.getUint32(8),
        minInterval: undefined,
        incomplete: v.getUint32(12),
        complete: v.getUint32(16),
        trackerId: undefined,
        warning: undefined,
        externalIp: undefined,
        peers: decodeCompactPeers(packet.subarray(20), family),
      };
      return { action: 'announce', transactionId, response };
    }
    case UDP_ACTION.scrape: {
      if ((packet.length - 8) % 12 !== 0) throw bad(`a scrape reply of ${packet.length} bytes is not 8 + 12n`);
      const files = Array.from({ length: (packet.length - 8) / 12 }, (_, i) => ({
        complete: v.getUint32(8 + 12 * i), downloaded: v.getUint32(12 + 12 * i), incomplete: v.getUint32(16 + 12 * i),
      }));
      return { action: 'scrape', transactionId, files };
    }
    case UDP_ACTION.error: {
      const text = new TextDecoder().decode(packet.subarray(8)).replace(/[\u0000-\u001f\u007f]/g, ' ');
      const message = text.length > MAX_TRACKER_MESSAGE_LENGTH ? `${text.slice(0, MAX_TRACKER_MESSAGE_LENGTH)}...` : text;
      return { action: 'error', transactionId, message };
    }
    default:
      throw bad(`unknown UDP tracker action ${action}`);
  }
}
