/**
 * The BEP 11 `ut_pex` message: peers the sender connected to (`added`, with one flag byte each in
 * `added.f`) and disconnected from (`dropped`) since its last message, as compact IPv4 (6 bytes)
 * and IPv6 (18 bytes: `added6`, `added6.f`, `dropped6`) lists.
 *
 * Sent: at most {@link MAX_PEX_PEERS_SENT} added and as many dropped per message, both families
 * together, as the clients agreed. Received: strict about form (a dict, byte strings, whole
 * entries, no port 0, one flag byte per added peer when flags are given), lenient about count:
 * entries past the cap are ignored, not an error.
 *
 * @see https://www.bittorrent.org/beps/bep_0011.html
 * @module
 */
import { BencodeError, ExtensionError, TrackerError } from '../../errors.js';
import { decodeBencode, encodeBencode } from '../bencode/index.js';
import { ipToBytes, type PeerAddress } from '../peerAddress.js';
import { COMPACT_IPV4_PEER_LENGTH, COMPACT_IPV6_PEER_LENGTH, decodeCompactPeers, encodeCompactPeers, splitByFamily } from '../tracker/compactPeers.js';
import { checkInteger, isDict, own } from './checks.js';

/** `added.f` flag bits (BEP 11). */
export const PexFlags = {
  /** The peer prefers encrypted connections. */
  prefersEncryption: 0x01,
  /** The peer is a seed (or upload-only). */
  seed: 0x02,
  /** The peer supports uTP. */
  utp: 0x04,
  /** The peer supports `ut_holepunch`. */
  holepunch: 0x08,
  /** The sender connected OUT to the peer: it is reachable at this address. */
  connectable: 0x10,
} as const;

/** Most added (and, separately, dropped) peers in one message we send. */
export const MAX_PEX_PEERS_SENT = 50;
/** Default most added (and dropped) peers taken from one message we receive; the rest are ignored. */
export const DEFAULT_MAX_PEX_PEERS_RECEIVED = 200;
/** Default largest `ut_pex` payload accepted (the extended frame cap). */
export const DEFAULT_MAX_PEX_LENGTH = 64 * 1024;
const MAX_DEPTH = 4;

/** A peer in a PEX message: where it listens, and its {@link PexFlags}. */
export interface PexPeer {
  readonly address: PeerAddress;
  readonly flags: number;
}

/** A decoded (or to-be-encoded) `ut_pex` message, both address families together. */
export interface PexMessage {
  readonly added: readonly PexPeer[];
  readonly dropped: readonly PeerAddress[];
}

/**
 * Encodes a `ut_pex` message; every key is written, empty lists included.
 * @param message at most 50 added and 50 dropped peers, hosts as IP literals.
 * @returns the bencoded payload.
 * @throws {ExtensionError} `ERR_EXT_INVALID_ARGUMENT` for too many peers, a host that is not an
 *   IP literal, a port outside 1..65535 or a flag byte outside 0..255.
 * @example
 * ```ts
 * declare const ext: ExtensionRegistry, address: PeerAddress;
 * ext.message('ut_pex', encodePexMessage({ added: [{ address, flags: PexFlags.seed }], dropped: [] }))
 * ```
 */
export function encodePexMessage(message: PexMessage): Uint8Array {
  checkInteger('added peers', message.added.length, 0, MAX_PEX_PEERS_SENT);
  checkInteger('dropped peers', message.dropped.length, 0, MAX_PEX_PEERS_SENT);
  const added = splitByFamily(message.added.map((peer) => ({ ...peer.address, flags: checkInteger('flags', peer.flags, 0, 255) })));
  const dropped = splitByFamily(message.dropped);
  if (added.v4.length + added.v6.length !== message.added.length || dropped.v4.length + dropped.v6.length !== message.dropped.length) {
    throw new ExtensionError('ERR_EXT_INVALID_ARGUMENT', 'ut_pex: every host must be an IP literal');
  }
  try {
    return encodeBencode({
      added: encodeCompactPeers(added.v4, 4),
      'added.f': Uint8Array.from(added.v4, (p) => p.flags),
      added6: encodeCompactPeers(added.v6, 6),
      'added6.f': Uint8Array.from(added.v6, (p) => p.flags),
      dropped: encodeCompactPeers(dropped.v4, 4),
      dropped6: encodeCompactPeers(dropped.v6, 6),
    });
  } catch (cause) {
    if (!(cause instanceof TrackerError)) throw cause;
    throw new ExtensionError('ERR_EXT_INVALID_ARGUMENT', `ut_pex: ${cause.message}`, { cause });
  }
}

/** Caps of {@link decodePexMessage}. */
export interface PexDecodeLimits {
  /** Most added (and dropped) peers taken; the rest are ignored. @default 200 */
  readonly maxPeers?: number;
  /** Largest payload accepted. @default 65536 */
  readonly maxLength?: number;
}

/**
 * Decodes a peer's `ut_pex` payload. Unknown keys are ignored; absent lists are empty; without
 * `added.f` the flags are 0.
 * @param payload the payload of an extended message routed to `ut_pex`.
 * @param limits caps on size and on peers taken.
 * @returns the peers, IPv4 before IPv6, hosts in canonical text.
 * @throws {ExtensionError} `ERR_EXT_PEX_BAD_MESSAGE` for anything malformed or oversized.
 * @example
 * ```ts
 * declare const routed: { kind: 'ut_pex'; payload: Uint8Array }, planner: DialPlanner;
 * for (const { address } of decodePexMessage(routed.payload).added) planner.add([address], now)
 * ```
 */
export function decodePexMessage(payload: Uint8Array, limits: PexDecodeLimits = {}): PexMessage {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_PEX_LENGTH;
  const bad = (what: string, cause?: unknown): never => {
    throw new ExtensionError('ERR_EXT_PEX_BAD_MESSAGE', `ut_pex: ${what}`, { cause });
  };
  if (payload.length > maxLength) bad(`message of ${payload.length} bytes`);
  let dict: unknown;
  try {
    dict = decodeBencode(payload, { maxBytes: maxLength, maxDepth: MAX_DEPTH });
  } catch (cause) {
    if (!(cause instanceof BencodeError)) throw cause;
    bad(cause.message, cause);
  }
  if (!isDict(dict)) return bad('not a dict');
  const field = (key: string): Uint8Array => {
    const value = own(dict, key);
    return value === undefined ? new Uint8Array(0) : value instanceof Uint8Array ? value : bad(`${key} is not a byte string`);
  };
  let room = limits.maxPeers ?? DEFAULT_MAX_PEX_PEERS_RECEIVED;
  const take = (key: string, family: 4 | 6): PeerAddress[] => {
    const bytes = field(key);
    const size = family === 4 ? COMPACT_IPV4_PEER_LENGTH : COMPACT_IPV6_PEER_LENGTH;
    if (bytes.length % size !== 0) bad(`${key} is ${bytes.length} bytes, not a multiple of ${size}`);
    const count = Math.min(bytes.length / size, room);
    room -= count;
    try {
      return decodeCompactPeers(bytes.subarray(0, count * size), family);
    } catch (cause) {
      return bad(`${key}: ${(cause as Error).message}`, cause);
    }
  };
  const flagged = (key: string, family: 4 | 6): PexPeer[] => {
    const peers = take(key, family);
    const total = field(key).length / (family === 4 ? COMPACT_IPV4_PEER_LENGTH : COMPACT_IPV6_PEER_LENGTH);
    const flags = field(`${key}.f`);
    if (own(dict, `${key}.f`) !== undefined && flags.length !== total) bad(`${key}.f has ${flags.length} flags for ${total} peers`);
    return peers.map((address, i) => ({ address, flags: flags[i] ?? 0 }));
  };
  const added = [...flagged('added', 4), ...flagged('added6', 6)];
  room = limits.maxPeers ?? DEFAULT_MAX_PEX_PEERS_RECEIVED;
  const dropped = [...take('dropped', 4), ...take('dropped6', 6)];
  return { added, dropped };
}

/**
 * @param address a peer address.
 * @returns whether PEX can carry it (its host is an IP literal).
 * @example
 * ```ts
 * isPexAddress({ host: '127.0.0.1', port: 6881 }); // true
 * isPexAddress({ host: 'peer.example', port: 6881 }); // false: a name, not an IP
 * ```
 */
export function isPexAddress(address: PeerAddress): boolean {
  return ipToBytes(address.host) !== undefined;
}
