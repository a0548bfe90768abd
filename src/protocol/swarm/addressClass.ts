/**
 * Which addresses a peer may make us dial. BEP 11 (PEX) lets any peer name any `host:port`; taken
 * blindly, one message makes us connect to this machine's services, the LAN, or privileged ports.
 * Addresses are sorted into classes, and a learned address is dialled only if its class is
 * public, or is one the torrent's own peers (given by the user or a tracker) or we ourselves are in.
 *
 * @module
 */
import { ipToBytes, normalizeIp, type PeerAddress } from '../peerAddress.js';

/** What kind of network an address is on. */
export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local' | 'unusable';

/** Lowest port a learned address may have, unless asked otherwise (below: system services). */
export const MIN_LEARNED_PORT = 1024;

/**
 * The class of an IP literal (a host name counts as public: a tracker may name one).
 *
 * @example
 * ```ts
 * addressClassOf('192.168.1.4'); // 'private'
 * addressClassOf('224.0.0.1');   // 'unusable' (multicast)
 * ```
 */
export function addressClassOf(host: string): AddressClass {
  const ip = normalizeIp(host);
  if (ip === undefined) return 'public';
  const b = ipToBytes(ip.host) as Uint8Array;
  if (ip.family === 4) {
    const [a = 0, c = 0] = [b[0], b[1]];
    if (a === 127) return 'loopback';
    if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168) || (a === 100 && c >= 64 && c <= 127)) return 'private';
    if (a === 169 && c === 254) return 'link-local';
    if (a === 0 || a >= 224) return 'unusable';
    return 'public';
  }
  if (ip.host === '::1') return 'loopback';
  if (ip.host === '::' || b[0] === 0xff) return 'unusable';
  if ((b[0]! & 0xfe) === 0xfc) return 'private';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'link-local';
  return 'public';
}

/**
 * The policy for addresses learned from peers: given the classes the torrent's trusted peers and
 * our own address are in, is `address` worth a dial?
 *
 * @param address - a learned address
 * @param trusted - classes of the addresses the user and trackers gave, and of our own host
 * @param minPort - lowest port accepted @default {@link MIN_LEARNED_PORT}
 * @example
 * ```ts
 * mayDialLearned({ host: '127.0.0.1', port: 22 }, new Set(['public'])); // false
 * ```
 */
export function mayDialLearned(address: PeerAddress, trusted: ReadonlySet<AddressClass>, minPort = MIN_LEARNED_PORT): boolean {
  if (!Number.isInteger(address.port) || address.port < minPort || address.port > 65535) return false;
  const kind = addressClassOf(address.host);
  return kind === 'public' || (kind !== 'unusable' && trusted.has(kind));
}
