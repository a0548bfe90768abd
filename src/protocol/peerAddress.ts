/**
 * Peer addresses (`host:port`) and IP literals as text and as bytes. Pure: no DNS, no sockets.
 *
 * IP text is canonical on the way out (dotted quad; RFC 5952 IPv6: lowercase, longest zero run
 * compressed) so the same peer always prints, compares and dedupes the same way.
 *
 * @module
 */
import { TrackerError } from '../errors.js';

/** Where a peer listens. `host` is an IP literal (canonical form) or, from a dictionary peer list, a DNS name. */
export interface PeerAddress {
  readonly host: string;
  /** TCP port, 1–65535. */
  readonly port: number;
}

/** IP version of an address: 4 or 6. */
export type IpFamily = 4 | 6;

const IPV4_PART = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PORT = /^[0-9]{1,5}$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  // Leading zeros are refused: `010` is octal to some parsers and decimal to others.
  if (parts.length !== 4 || !parts.every((p) => IPV4_PART.test(p))) return undefined;
  return Uint8Array.from(parts, Number);
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const words: number[] = [];
  const groups = text.split(':');
  for (const [i, group] of groups.entries()) {
    const v4 = i === groups.length - 1 && group.includes('.') ? parseIpv4(group) : undefined;
    if (v4 !== undefined) words.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    else if (HEX_GROUP.test(group)) words.push(parseInt(group, 16));
    else return undefined;
  }
  return words;
}

function parseIpv6(text: string): Uint8Array | undefined {
  // 45 = the longest form, eight groups with an embedded dotted quad; zone ids (`%eth0`) are refused.
  if (text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!);
  const tail = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const given = head.length + tail.length;
  // Without `::` all eight words are spelled out; with it, `::` stands for at least one zero word.
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const words = [...head, ...new Array<number>(8 - given).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => { bytes[2 * i] = word >> 8; bytes[2 * i + 1] = word & 0xff; });
  return bytes;
}

/**
 * Parses an IP literal (no brackets) into its 4 or 16 network-order bytes.
 *
 * @param text - `1.2.3.4`, `::1`, `2001:db8::7`, `::ffff:1.2.3.4`.
 * @returns the bytes, or `undefined` when `text` is not an IP literal.
 * @example
 * ```ts
 * ipToBytes('127.0.0.1'); // Uint8Array [127, 0, 0, 1]
 * ipToBytes('example.org'); // undefined
 * ```
 */
export function ipToBytes(text: string): Uint8Array | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/**
 * Formats 4 or 16 network-order bytes as canonical IP text (RFC 5952 for IPv6).
 *
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_PEER_ADDRESS` when `bytes` is not 4 or 16 long.
 * @example
 * ```ts
 * bytesToIp(Uint8Array.of(127, 0, 0, 1)); // '127.0.0.1'
 * ```
 */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length !== 16) {
    throw new TrackerError('ERR_TRACKER_BAD_PEER_ADDRESS', `an IP address has 4 or 16 bytes, not ${bytes.length}`);
  }
  if (MAPPED_PREFIX.every((b, i) => bytes[i] === b)) return `::ffff:${bytes.subarray(12).join('.')}`;
  const words = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  // RFC 5952 §4.2: compress the longest run of two or more zero words, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

/**
 * Canonical text of an IP literal, with IPv4-mapped IPv6 (`::ffff:1.2.3.4`, what a dual-stack
 * socket reports for an IPv4 peer) unwrapped to IPv4.
 *
 * @returns `{ host, family }`, or `undefined` when `text` is not an IP literal.
 * @example
 * ```ts
 * normalizeIp('::ffff:127.0.0.1'); // { host: '127.0.0.1', family: 4 }
 * ```
 */
export function normalizeIp(text: string): { host: string; family: IpFamily } | undefined {
  const bytes = ipToBytes(text);
  if (bytes === undefined) return undefined;
  const mapped = bytes.length === 16 && MAPPED_PREFIX.every((b, i) => bytes[i] === b);
  const canonical = mapped ? bytes.subarray(12) : bytes;
  return { host: bytesToIp(canonical), family: canonical.length === 4 ? 4 : 6 };
}

function normalizeHostname(text: string): string | undefined {
  const host = text.toLowerCase();
  const labels = host.split('.');
  // An all-numeric last label means a mistyped IPv4 address (`1.2.3.256`), not a name.
  if (host.length > 253 || /^[0-9]+$/.test(labels[labels.length - 1]!)) return undefined;
  return labels.every((l) => HOST_LABEL.test(l)) ? host : undefined;
}

/**
 * Formats a peer address as `host:port`, bracketing IPv6 hosts (`[::1]:6881`).
 *
 * @example
 * ```ts
 * formatPeerAddress({ host: '::1', port: 6881 }); // '[::1]:6881'
 * ```
 */
export function formatPeerAddress(address: PeerAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * Parses `1.2.3.4:6881`, `[::1]:6881` or `host.example:6881` into a {@link PeerAddress}. IP
 * hosts come back canonical (IPv4-mapped IPv6 as IPv4), names lowercased.
 *
 * @param text - the address; the port is required and must be 1–65535.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_PEER_ADDRESS` on anything else.
 * @example
 * ```ts
 * parsePeerAddress('[::1]:6881'); // { host: '::1', port: 6881 }
 * ```
 */
export function parsePeerAddress(text: string): PeerAddress {
  const bad = (why: string): TrackerError =>
    new TrackerError('ERR_TRACKER_BAD_PEER_ADDRESS', `bad peer address ${JSON.stringify(text.slice(0, 80))}: ${why}`);
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw bad('expected host:port');
  const hostText = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  const port = PORT.test(portText) ? Number(portText) : 0;
  if (port < 1 || port > 65535) throw bad('the port must be 1-65535');
  if (hostText.startsWith('[') && hostText.endsWith(']')) {
    const ip = normalizeIp(hostText.slice(1, -1));
    if (ip === undefined || !hostText.includes(':')) throw bad('not an IPv6 address in brackets');
    return { host: ip.host, port };
  }
  if (hostText.includes(':')) throw bad('an IPv6 host needs brackets: [::1]:6881');
  const host = normalizeIp(hostText)?.host ?? normalizeHostname(hostText);
  if (host === undefined) throw bad('not an IP address or host name');
  return { host, port };
}

/**
 * True for an address of this machine: `127.0.0.0/8` (also IPv4-mapped) or `::1`.
 *
 * @example
 * ```ts
 * isLoopback('127.0.0.5'); // true
 * isLoopback('10.0.0.1');  // false
 * ```
 */
export function isLoopback(host: string): boolean {
  const ip = normalizeIp(host);
  if (ip === undefined) return false;
  return ip.family === 6 ? ip.host === '::1' : ip.host.startsWith('127.');
}

/**
 * What a ban for bad data holds on to: the peer's IP address, so it cannot come back from another
 * port or with another peer id. On loopback (processes of this machine, told apart only by port)
 * it is the address with its port.
 *
 * @example
 * ```ts
 * banKeyOf({ host: '203.0.113.7', port: 6881 }); // '203.0.113.7'
 * banKeyOf({ host: '127.0.0.1', port: 6881 });   // '127.0.0.1:6881'
 * ```
 */
export function banKeyOf(address: PeerAddress): string {
  if (isLoopback(address.host)) return formatPeerAddress(address);
  return normalizeIp(address.host)?.host ?? address.host.toLowerCase();
}
