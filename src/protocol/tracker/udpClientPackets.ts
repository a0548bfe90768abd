/**
 * BEP 15 (UDP tracker) requests as a client sends them: connect and announce (with BEP 41 URL
 * data). The server side reads them with `parseUdpRequest` / `parseUdpAnnounce`.
 *
 * @see https://www.bittorrent.org/beps/bep_0015.html
 * @see https://www.bittorrent.org/beps/bep_0041.html
 * @module
 */
import { TrackerError } from '../../errors.js';
import type { AnnounceParams } from './announceQuery.js';
import { UDP_ACTION, UDP_ANNOUNCE_LENGTH, UDP_CONNECT_LENGTH, UDP_EVENTS, UDP_PROTOCOL_ID } from './udpRequest.js';

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/**
 * Encodes a connect request.
 *
 * @param transactionId - unsigned 32-bit, chosen at random by the client.
 * @example
 * ```ts
 * declare const socket: import('node:dgram').Socket;
 * socket.send(encodeUdpConnect(0x1234abcd));
 * ```
 */
export function encodeUdpConnect(transactionId: number): Uint8Array {
  const out = new Uint8Array(UDP_CONNECT_LENGTH);
  const v = view(out);
  v.setBigUint64(0, UDP_PROTOCOL_ID);
  v.setUint32(8, UDP_ACTION.connect);
  v.setUint32(12, transactionId >>> 0);
  return out;
}

/**
 * The 32-bit BEP 15 `key` for an HTTP-style key: 8 hex digits (what `announceEvery` sends) are
 * read as their value; any other bytes are XOR-folded into 4, so the same key always maps alike.
 * @example
 * ```ts
 * udpKeyOf(new TextEncoder().encode('0000beef')); // Uint8Array [0, 0, 0xbe, 0xef]
 * ```
 */
export function udpKeyOf(key: Uint8Array): Uint8Array {
  const text = String.fromCharCode(...key);
  if (/^[0-9a-fA-F]{8}$/.test(text)) return Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
  const out = new Uint8Array(4);
  key.forEach((b, i) => (out[i % 4]! ^= b));
  return out;
}

/** BEP 41 option types. */
const OPTION_END = 0;
const OPTION_URL_DATA = 2;

/**
 * Encodes an announce request, with the announce URL's path and query as BEP 41 `URLData`
 * options when there is one (private UDP trackers read their passkey there).
 *
 * @param connectionId - 8 bytes from the connect reply.
 * @param transactionId - unsigned 32-bit.
 * @param params - the announce (`trackerId`, `compact` and `noPeerId` have no UDP field).
 * @param urlData - path and query of the tracker URL, e.g. `/announce?passkey=…`; `/` or empty adds nothing.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_INFO_HASH`/`_PEER_ID`/`_PORT`/`_PARAMETER` for invalid params.
 * @example
 * ```ts
 * declare const socket: import('node:dgram').Socket, connectionId: Uint8Array, txid: number, params: AnnounceParams;
 * socket.send(encodeUdpAnnounce(connectionId, txid, params, '/announce'));
 * ```
 */
export function encodeUdpAnnounce(connectionId: Uint8Array, transactionId: number, params: AnnounceParams, urlData = ''): Uint8Array {
  if (params.infoHash.length !== 20) throw new TrackerError('ERR_TRACKER_BAD_INFO_HASH', `info_hash must be 20 bytes, got ${params.infoHash.length}`);
  if (params.peerId.length !== 20) throw new TrackerError('ERR_TRACKER_BAD_PEER_ID', `peer_id must be 20 bytes, got ${params.peerId.length}`);
  if (!Number.isInteger(params.port) || params.port < 1 || params.port > 65535) {
    throw new TrackerError('ERR_TRACKER_BAD_PORT', `port must be 1-65535, got ${params.port}`);
  }
  if (connectionId.length !== 8) throw new TrackerError('ERR_TRACKER_BAD_PARAMETER', 'a connection id is 8 bytes');
  const url = urlData === '/' ? new Uint8Array(0) : Uint8Array.from(urlData, (c) => c.charCodeAt(0) & 0xff);
  const chunks = Math.ceil(url.length / 255);
  const out = new Uint8Array(UDP_ANNOUNCE_LENGTH + (chunks > 0 ? 2 * chunks + url.length + 1 : 0));
  const v = view(out);
  out.set(connectionId, 0);
  v.setUint32(8, UDP_ACTION.announce);
  v.setUint32(12, transactionId >>> 0);
  out.set(params.infoHash, 16);
  out.set(params.peerId, 36);
  for (const [at, name] of [[56, 'downloaded'], [64, 'left'], [72, 'uploaded']] as const) {
    const value = params[name];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TrackerError('ERR_TRACKER_BAD_PARAMETER', `${name} must be a non-negative safe integer, got ${value}`);
    }
    v.setBigInt64(at, BigInt(value));
  }
  v.setUint32(80, Math.max(0, UDP_EVENTS.indexOf(params.event ?? 'none')));
  if (params.key !== undefined) out.set(udpKeyOf(params.key), 88);
  v.setInt32(92, params.numwant === undefined ? -1 : Math.min(params.numwant, 0x7fffffff));
  v.setUint16(96, params.port);
  for (let i = 0, at = UDP_ANNOUNCE_LENGTH; i < chunks; i++) {
    const part = url.subarray(255 * i, 255 * (i + 1));
    out[at++] = OPTION_URL_DATA;
    out[at++] = part.length;
    out.set(part, at);
    at += part.length;
    if (i === chunks - 1) out[at] = OPTION_END;
  }
  return out;
}
