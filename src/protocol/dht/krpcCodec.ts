/**
 * Decodes and encodes KRPC packets. Every packet is hostile: it is size-checked before it is
 * scanned, validated by the bencode scanner, and every field is type- and length-checked; a
 * violation is a {@link DhtError}, never a crash.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html#krpc-protocol
 * @module
 */
import { BencodeError, DhtError } from '../../errors.js';
import { decodeBencode, encodeBencode } from '../bencode/index.js';
import type { BencodeInput, BencodeValue } from '../bencode/index.js';
import { COMPACT_PEER_LENGTH, decodeCompactNodes, decodeCompactPeer, encodeCompactNodes, encodeCompactPeer } from './compact.js';
import {
  MAX_KRPC_PACKET_BYTES, MAX_METHOD_NAME_BYTES, MAX_TOKEN_BYTES, MAX_TRANSACTION_ID_BYTES,
} from './krpcMessages.js';
import type { DhtQuery, DhtResponse, KrpcMessage } from './krpcMessages.js';
import { NODE_ID_LENGTH } from './nodeId.js';
import type { PeerAddress } from '../peerAddress.js';

type Dict = { readonly [key: string]: BencodeValue };

const IPV6_PEER_LENGTH = 18;
const UTF8 = new TextDecoder('utf-8', { fatal: false });

function bad(message: string, t?: Uint8Array): never {
  throw new DhtError('ERR_DHT_BAD_MESSAGE', message, t);
}

function isDict(v: BencodeValue | undefined): v is Dict {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v);
}

function bytesField(d: Dict, key: string, t: Uint8Array | undefined, max: number, exact = false): Uint8Array {
  const v = d[key];
  if (!(v instanceof Uint8Array)) return bad(`'${key}' must be a byte string`, t);
  if (exact ? v.length !== max : v.length > max) return bad(`'${key}' has ${v.length} bytes`, t);
  return v;
}

function optionalBytes(d: Dict, key: string, t: Uint8Array, max: number): Uint8Array | undefined {
  return d[key] === undefined ? undefined : bytesField(d, key, t, max);
}

function decodeQuery(top: Dict, t: Uint8Array): KrpcMessage {
  const q = bytesField(top, 'q', t, MAX_METHOD_NAME_BYTES);
  const a = top['a'];
  if (!isDict(a)) return bad("a query needs an 'a' dict", t);
  const name = UTF8.decode(q);
  const readOnly = top['ro'] === 1 ? { readOnly: true } : {};
  const id = (): Uint8Array => bytesField(a, 'id', t, NODE_ID_LENGTH, true);
  const hash = (key: string): Uint8Array => bytesField(a, key, t, NODE_ID_LENGTH, true);
  let query: DhtQuery;
  switch (name) {
    case 'ping': query = { method: 'ping', id: id() }; break;
    case 'find_node': query = { method: 'find_node', id: id(), target: hash('target') }; break;
    case 'get_peers': query = { method: 'get_peers', id: id(), infoHash: hash('info_hash') }; break;
    case 'announce_peer': {
      const impliedPort = a['implied_port'] === 1;
      const port = a['port'];
      if (!impliedPort && (typeof port !== 'number' || port < 1 || port > 65535)) bad("announce_peer needs a 'port' 1-65535", t);
      query = {
        method: 'announce_peer', id: id(), infoHash: hash('info_hash'), impliedPort,
        port: typeof port === 'number' && port >= 1 && port <= 65535 ? port : 0,
        token: bytesField(a, 'token', t, MAX_TOKEN_BYTES),
      };
      break;
    }
    default: {
      const maybeId = a['id'];
      query = maybeId instanceof Uint8Array && maybeId.length === NODE_ID_LENGTH
        ? { method: 'unknown', name, id: maybeId } : { method: 'unknown', name };
    }
  }
  return { type: 'query', transactionId: t, query, ...readOnly };
}

function decodeValues(v: BencodeValue | undefined, t: Uint8Array): PeerAddress[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return bad("'values' must be a list", t);
  const peers: PeerAddress[] = [];
  for (const entry of v) {
    if (!(entry instanceof Uint8Array)) return bad("'values' entries must be byte strings", t);
    if (entry.length === IPV6_PEER_LENGTH) continue; // BEP 32 peers: we speak IPv4 only
    if (entry.length !== COMPACT_PEER_LENGTH) throw new DhtError('ERR_DHT_BAD_COMPACT', `a peer value has ${entry.length} bytes`, t);
    const peer = decodeCompactPeer(entry);
    if (peer !== undefined) peers.push(peer);
  }
  return peers;
}

function withCode<T>(t: Uint8Array, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DhtError && err.transactionId === undefined) throw new DhtError(err.code, err.message, t, { cause: err });
    throw err;
  }
}

function decodeResponse(top: Dict, t: Uint8Array): KrpcMessage {
  const r = top['r'];
  if (!isDict(r)) return bad("a response needs an 'r' dict", t);
  const nodesBytes = optionalBytes(r, 'nodes', t, MAX_KRPC_PACKET_BYTES);
  const nodes = nodesBytes === undefined ? undefined : withCode(t, () => decodeCompactNodes(nodesBytes));
  const values = decodeValues(r['values'], t);
  const token = optionalBytes(r, 'token', t, MAX_TOKEN_BYTES);
  const response: DhtResponse = {
    id: bytesField(r, 'id', t, NODE_ID_LENGTH, true),
    ...(nodes === undefined ? {} : { nodes }),
    ...(values === undefined ? {} : { values }),
    ...(token === undefined ? {} : { token }),
  };
  return { type: 'response', transactionId: t, response };
}

function decodeErrorMessage(top: Dict, t: Uint8Array): KrpcMessage {
  const e = top['e'];
  if (!Array.isArray(e) || typeof e[0] !== 'number') return bad("an error needs an 'e' list [code, message]", t);
  const text = e[1] instanceof Uint8Array ? UTF8.decode(e[1].subarray(0, 256)) : '';
  return { type: 'error', transactionId: t, code: e[0], message: text };
}

/**
 * Decodes one KRPC packet.
 *
 * @param packet - a whole UDP datagram
 * @returns the message; a query of a method we do not know decodes as `method: 'unknown'`
 * @throws {@link DhtError} `ERR_DHT_PACKET_TOO_LARGE` over 1,500 bytes, `ERR_DHT_BAD_MESSAGE`,
 *   `ERR_DHT_BAD_COMPACT`; `transactionId` is set when `t` was readable
 * @example
 * ```ts
 * declare const packet: Uint8Array;
 * declare function reply(transactionId: Uint8Array): void;
 * const message = decodeKrpc(packet);
 * if (message.type === 'query' && message.query.method === 'ping') reply(message.transactionId);
 * ```
 */
export function decodeKrpc(packet: Uint8Array): KrpcMessage {
  if (packet.length > MAX_KRPC_PACKET_BYTES) {
    throw new DhtError('ERR_DHT_PACKET_TOO_LARGE', `a KRPC packet is at most ${MAX_KRPC_PACKET_BYTES} bytes, not ${packet.length}`);
  }
  let top: BencodeValue;
  try {
    top = decodeBencode(packet, { maxBytes: MAX_KRPC_PACKET_BYTES, maxDepth: 4 });
  } catch (err) {
    if (err instanceof BencodeError) throw new DhtError('ERR_DHT_BAD_MESSAGE', `not bencode: ${err.message}`, undefined, { cause: err });
    throw err;
  }
  if (!isDict(top)) return bad('a KRPC packet is a dict');
  const t = bytesField(top, 't', undefined, MAX_TRANSACTION_ID_BYTES);
  const y = top['y'];
  if (!(y instanceof Uint8Array) || y.length !== 1) return bad("'y' must be 'q', 'r' or 'e'", t);
  switch (String.fromCharCode(y[0]!)) {
    case 'q': return decodeQuery(top, t);
    case 'r': return decodeResponse(top, t);
    case 'e': return decodeErrorMessage(top, t);
    default: return bad("'y' must be 'q', 'r' or 'e'", t);
  }
}

function queryArgs(query: DhtQuery): Record<string, BencodeInput> {
  switch (query.method) {
    case 'ping': return { id: query.id };
    case 'find_node': return { id: query.id, target: query.target };
    case 'get_peers': return { id: query.id, info_hash: query.infoHash };
    case 'announce_peer':
      return { id: query.id, info_hash: query.infoHash, port: query.port, token: query.token, implied_port: query.impliedPort ? 1 : 0 };
    case 'unknown': return query.id === undefined ? {} : { id: query.id };
  }
}

/**
 * Encodes one KRPC packet (dict keys sorted; IPv6 nodes and peers left out of compact fields).
 *
 * @example
 * ```ts
 * declare const socket: import('node:dgram').Socket, ownId: Uint8Array;
 * socket.send(encodeKrpc({ type: 'query', transactionId: Uint8Array.of(0, 1), query: { method: 'ping', id: ownId } }));
 * ```
 */
export function encodeKrpc(message: KrpcMessage): Uint8Array {
  const t = message.transactionId;
  switch (message.type) {
    case 'query': {
      const name = message.query.method === 'unknown' ? message.query.name : message.query.method;
      return encodeBencode({ t, y: 'q', q: name, a: queryArgs(message.query), ro: message.readOnly ? 1 : undefined });
    }
    case 'response': {
      const { id, nodes, values, token } = message.response;
      const peers = values?.flatMap((p) => encodeCompactPeer(p) ?? []);
      return encodeBencode({
        t, y: 'r',
        r: { id, nodes: nodes === undefined ? undefined : encodeCompactNodes(nodes), values: peers, token },
      });
    }
    case 'error':
      return encodeBencode({ t, y: 'e', e: [message.code, message.message] });
  }
}
