/**
 * Compact node info (26 bytes: id, IPv4, port) and compact peer info (6 bytes: IPv4, port), as
 * BEP 5 lays them out. IPv6 (BEP 32) is not spoken: only IPv4 entries are made or read.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html#contact-encoding
 * @module
 */
import { DhtError } from '../../errors.js';
import { copyOf } from '../bytes.js';
import { ipToBytes } from '../peerAddress.js';
import type { PeerAddress } from '../peerAddress.js';
import { NODE_ID_LENGTH } from './nodeId.js';
import type { NodeId } from './nodeId.js';

/** A DHT node: its id and the UDP address it answers on. */
export interface NodeInfo extends PeerAddress {
  readonly id: NodeId;
}

/** Bytes of one compact peer entry. */
export const COMPACT_PEER_LENGTH = 6;
/** Bytes of one compact node entry. */
export const COMPACT_NODE_LENGTH = NODE_ID_LENGTH + COMPACT_PEER_LENGTH;

/**
 * The 6-byte compact form of an IPv4 address, or `undefined` for anything else (IPv6, a name,
 * port 0).
 *
 * @example
 * ```ts
 * encodeCompactPeer({ host: '127.0.0.1', port: 6881 }); // 7f 00 00 01 1a e1
 * ```
 */
export function encodeCompactPeer(address: PeerAddress): Uint8Array | undefined {
  const ip = address.host.includes(':') ? undefined : ipToBytes(address.host);
  if (ip === undefined || !Number.isInteger(address.port) || address.port < 1 || address.port > 65535) return undefined;
  return Uint8Array.of(ip[0]!, ip[1]!, ip[2]!, ip[3]!, address.port >> 8, address.port & 0xff);
}

/**
 * Reads a 6-byte compact peer.
 *
 * @returns the address, or `undefined` when its port is 0 (no peer listens there)
 * @throws {@link DhtError} `ERR_DHT_BAD_COMPACT` when `bytes` is not 6 long
 * @example
 * ```ts
 * decodeCompactPeer(Uint8Array.of(127, 0, 0, 1, 0x1a, 0xe1)); // { host: '127.0.0.1', port: 6881 }
 * ```
 */
export function decodeCompactPeer(bytes: Uint8Array): PeerAddress | undefined {
  if (bytes.length !== COMPACT_PEER_LENGTH) {
    throw new DhtError('ERR_DHT_BAD_COMPACT', `compact peer info is ${COMPACT_PEER_LENGTH} bytes, not ${bytes.length}`);
  }
  const port = (bytes[4]! << 8) | bytes[5]!;
  return port === 0 ? undefined : { host: `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`, port };
}

/**
 * Concatenates the compact forms of `nodes` (IPv6 nodes are left out).
 *
 * @example
 * ```ts
 * declare const table: RoutingTable, target: Uint8Array;
 * encodeCompactNodes(table.closest(target, 8)); // 26 bytes per IPv4 node
 * ```
 */
export function encodeCompactNodes(nodes: readonly NodeInfo[]): Uint8Array {
  const parts = nodes.flatMap((node) => {
    const peer = encodeCompactPeer(node);
    return peer === undefined ? [] : [[node.id, peer] as const];
  });
  const out = new Uint8Array(parts.length * COMPACT_NODE_LENGTH);
  parts.forEach(([id, peer], i) => {
    out.set(id, i * COMPACT_NODE_LENGTH);
    out.set(peer, i * COMPACT_NODE_LENGTH + NODE_ID_LENGTH);
  });
  return out;
}

/**
 * Reads a `nodes` string: a whole number of 26-byte entries; entries with port 0 are skipped.
 *
 * @throws {@link DhtError} `ERR_DHT_BAD_COMPACT` when the length is not a multiple of 26
 * @example
 * ```ts
 * declare const nodes: Uint8Array; // a response's raw `nodes` string
 * decodeCompactNodes(nodes);
 * ```
 */
export function decodeCompactNodes(bytes: Uint8Array): NodeInfo[] {
  if (bytes.length % COMPACT_NODE_LENGTH !== 0) {
    throw new DhtError('ERR_DHT_BAD_COMPACT', `compact node info is a multiple of ${COMPACT_NODE_LENGTH} bytes, not ${bytes.length}`);
  }
  const nodes: NodeInfo[] = [];
  for (let at = 0; at < bytes.length; at += COMPACT_NODE_LENGTH) {
    const peer = decodeCompactPeer(bytes.subarray(at + NODE_ID_LENGTH, at + COMPACT_NODE_LENGTH));
    if (peer !== undefined) nodes.push({ id: copyOf(bytes, at, at + NODE_ID_LENGTH), ...peer });
  }
  return nodes;
}
