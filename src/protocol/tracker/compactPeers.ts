/**
 * Compact peer lists: BEP 23 (IPv4, 6 bytes a peer) and BEP 7 (IPv6, 18 bytes a peer), each the
 * address bytes then a big-endian port. The tracker server encodes them; a tracker client decodes
 * the `peers` / `peers6` strings of a reply with {@link decodeCompactPeers}.
 *
 * @see https://www.bittorrent.org/beps/bep_0023.html
 * @see https://www.bittorrent.org/beps/bep_0007.html
 * @module
 */
import { TrackerError } from '../../errors.js';
import { bytesToIp, ipToBytes } from '../peerAddress.js';
import type { IpFamily, PeerAddress } from '../peerAddress.js';

/** Bytes per compact IPv4 peer (BEP 23). */
export const COMPACT_IPV4_PEER_LENGTH = 6;
/** Bytes per compact IPv6 peer (BEP 7). */
export const COMPACT_IPV6_PEER_LENGTH = 18;

/**
 * Writes the 4 bytes of a canonical dotted quad at `out[at]`; false (nothing to trust in `out`)
 * for anything else (IPv6, a name, a leading zero). A hand-rolled fast path: a reply encodes up to
 * 200 peers, and the general `ipToBytes` (split and regex) dominated the tracker's profile.
 */
function writeDottedQuad(text: string, out: Uint8Array, at: number): boolean {
  if (text.length < 7 || text.length > 15) return false;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || part === 3) return false;
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && !(digits > 0 && value === 0)) {
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return false;
    } else {
      return false;
    }
  }
  if (part !== 3 || digits === 0) return false;
  out[at + 3] = value;
  return true;
}

/** The network-order bytes of an IP literal: the fast dotted-quad path, else the general parser. */
function ipBytesOf(host: string): Uint8Array | undefined {
  const quad = new Uint8Array(4);
  return !host.includes(':') && writeDottedQuad(host, quad, 0) ? quad : ipToBytes(host);
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TrackerError('ERR_TRACKER_BAD_PORT', `port ${port} is outside 1-65535`);
  }
}

function entryLength(family: IpFamily): number {
  return family === 4 ? COMPACT_IPV4_PEER_LENGTH : COMPACT_IPV6_PEER_LENGTH;
}

/**
 * Encodes peers of one family as a compact string.
 *
 * @param peers - peers whose `host` is an IP literal of `family` (use {@link splitByFamily} first).
 * @param family - 4 for `peers` (BEP 23), 6 for `peers6` (BEP 7).
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_PEER_ADDRESS` for a host of another family or a
 *   name, `ERR_TRACKER_BAD_PORT` for a port outside 1–65535.
 * @example
 * ```ts
 * encodeCompactPeers([{ host: '10.0.0.1', port: 6881 }], 4); // 0a 00 00 01 1a e1
 * ```
 */
export function encodeCompactPeers(peers: readonly PeerAddress[], family: IpFamily): Uint8Array {
  const size = entryLength(family);
  const out = new Uint8Array(peers.length * size);
  peers.forEach((peer, i) => {
    const ip = ipBytesOf(peer.host);
    if (ip === undefined || ip.length !== size - 2) {
      throw new TrackerError('ERR_TRACKER_BAD_PEER_ADDRESS', `${peer.host} is not an IPv${family} address`);
    }
    checkPort(peer.port);
    out.set(ip, i * size);
    out[i * size + size - 2] = peer.port >> 8;
    out[i * size + size - 1] = peer.port & 0xff;
  });
  return out;
}

/**
 * Decodes a compact peer string. Strict, since it comes from the network: the length must be a
 * whole number of entries and no port may be 0.
 *
 * @param bytes - the value of `peers` (family 4) or `peers6` (family 6).
 * @returns the peers in order, hosts in canonical text.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_COMPACT_PEERS`.
 * @example
 * ```ts
 * decodeCompactPeers(Uint8Array.of(10, 0, 0, 1, 0x1a, 0xe1), 4); // [{ host: '10.0.0.1', port: 6881 }]
 * ```
 */
export function decodeCompactPeers(bytes: Uint8Array, family: IpFamily): PeerAddress[] {
  const size = entryLength(family);
  if (bytes.length % size !== 0) {
    throw new TrackerError(
      'ERR_TRACKER_BAD_COMPACT_PEERS',
      `a compact IPv${family} peer list is a multiple of ${size} bytes, not ${bytes.length}`,
    );
  }
  const peers: PeerAddress[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const port = (bytes[at + size - 2]! << 8) | bytes[at + size - 1]!;
    if (port === 0) {
      throw new TrackerError('ERR_TRACKER_BAD_COMPACT_PEERS', `compact peer ${at / size} has port 0`);
    }
    peers.push({ host: bytesToIp(bytes.subarray(at, at + size - 2)), port });
  }
  return peers;
}

/**
 * Splits peers into IPv4 and IPv6 ones, the `peers` and `peers6` of a compact reply. Hosts that
 * are not IP literals (names) fit neither and are dropped.
 * @example
 * ```ts
 * const { v4, v6 } = splitByFamily([{ host: '127.0.0.1', port: 6881 }, { host: '::1', port: 6881 }]);
 * ```
 */
export function splitByFamily<P extends PeerAddress>(peers: readonly P[]): { v4: P[]; v6: P[] } {
  const v4: P[] = [];
  const v6: P[] = [];
  for (const peer of peers) {
    const length = ipBytesOf(peer.host)?.length;
    if (length === 4) v4.push(peer);
    else if (length === 16) v6.push(peer);
  }
  return { v4, v6 };
}

/**
 * Encodes mixed peers into both compact lists in one pass: IPv4 peers into `v4` (BEP 23), IPv6
 * ones into `v6` (BEP 7), names dropped. What `splitByFamily` + `encodeCompactPeers` do, without
 * parsing each address twice or allocating per peer: the announce reply's hot path.
 *
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_PORT` for a port outside 1–65535.
 * @example
 * ```ts
 * declare const reply: AnnounceReply;
 * const { v4, v6 } = encodeCompactPeerLists(reply.peers); // `peers` and `peers6`
 * ```
 */
export function encodeCompactPeerLists(peers: readonly PeerAddress[]): { v4: Uint8Array; v6: Uint8Array } {
  const v4 = new Uint8Array(COMPACT_IPV4_PEER_LENGTH * peers.length);
  let n4 = 0;
  let v6: PeerAddress[] | undefined;
  for (const peer of peers) {
    const at = COMPACT_IPV4_PEER_LENGTH * n4;
    if (!peer.host.includes(':') && writeDottedQuad(peer.host, v4, at)) {
      checkPort(peer.port);
      v4[at + 4] = peer.port >> 8;
      v4[at + 5] = peer.port & 0xff;
      n4++;
    } else {
      const length = ipToBytes(peer.host)?.length;
      if (length === 16) (v6 ??= []).push(peer);
      else if (length === 4) {
        // A non-canonical IPv4 literal the fast path refused; the general path takes it.
        v4.set(encodeCompactPeers([peer], 4), at);
        n4++;
      }
    }
  }
  return { v4: v4.subarray(0, COMPACT_IPV4_PEER_LENGTH * n4), v6: v6 === undefined ? new Uint8Array(0) : encodeCompactPeers(v6, 6) };
}
