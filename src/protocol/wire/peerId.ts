/**
 * Peer ids: generating ours (Azureus style, `-RX0100-` + 12 random bytes) and naming the client
 * behind someone else's, for logs and the dashboard.
 *
 * @see https://www.bittorrent.org/beps/bep_0020.html
 * @module
 */

import { randomBytes } from 'node:crypto';

/**
 * Our Azureus-style prefix: client code `RX`, version 0.1.0.0. Kept by hand in step with
 * `src/version.ts`, which the pure protocol layer may not import.
 */
export const PEER_ID_PREFIX = '-RX0100-';

/** Who sent a peer id. */
export interface PeerClient {
  /** Client name, e.g. `'libtorrent (Rasterbar)'`. */
  readonly client: string;
  /** Version as the client writes it, e.g. `'2.0.8'`; empty when the id carries none. */
  readonly version: string;
}

/** How a client packs its version into the 4 characters after its code. */
type VersionStyle = 'three' | 'four' | 'transmission' | 'utorrent' | 'twoTwo' | 'webtorrent';

/** Well-known Azureus-style codes (`-XX1234-`), after BEP 20 and libtransmission's table. */
const AZUREUS: Readonly<Record<string, readonly [string, VersionStyle]>> = {
  AZ: ['Vuze', 'four'],
  BC: ['BitComet', 'twoTwo'],
  BI: ['BiglyBT', 'four'],
  BT: ['BitTorrent', 'utorrent'],
  DE: ['Deluge', 'four'],
  FD: ['Free Download Manager', 'three'],
  FW: ['FrostWire', 'three'],
  KT: ['KTorrent', 'three'],
  LT: ['libtorrent (Rasterbar)', 'three'],
  lt: ['libTorrent (Rakshasa)', 'three'],
  MO: ['MonoTorrent', 'four'],
  PI: ['PicoTorrent', 'three'],
  qB: ['qBittorrent', 'three'],
  RX: ['rxtorrent', 'three'],
  SD: ['Thunder', 'four'],
  TR: ['Transmission', 'transmission'],
  UM: ['µTorrent Mac', 'utorrent'],
  UT: ['µTorrent', 'utorrent'],
  UW: ['µTorrent Web', 'utorrent'],
  WW: ['WebTorrent', 'webtorrent'],
  XL: ['Xunlei', 'four'],
};

/** Shad0w-style clients (`S58B-----`): one letter, up to 5 version characters, dashes. */
const SHADOW: Readonly<Record<string, string>> = {
  A: 'ABC', O: 'Osprey', R: 'Tribler', S: 'Shad0w', T: 'BitTornado', U: 'UPnP NAT Bit Torrent',
};
const SHADOW_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-';

/**
 * Generates a peer id: `-RX0100-` followed by 12 random bytes.
 * @param random optional RNG in [0, 1) for reproducible tests; by default the bytes come from
 *   `node:crypto`, since peer ids should not be guessable.
 * @returns 20 bytes.
 * @example `const peerId = generatePeerId(); // -RX0100-…`
 */
export function generatePeerId(random?: () => number): Uint8Array {
  const id = new Uint8Array(20);
  for (let i = 0; i < PEER_ID_PREFIX.length; i++) id[i] = PEER_ID_PREFIX.charCodeAt(i);
  if (random === undefined) {
    id.set(randomBytes(12), 8);
  } else {
    for (let i = 8; i < 20; i++) id[i] = Math.floor(random() * 256) & 0xff;
  }
  return id;
}

/**
 * Names the client behind a peer id, Azureus style (`-LT2080-` → libtorrent (Rasterbar) 2.0.8),
 * Mainline style (`M7-2-0--`), aria2 (`A2-1-36-0-`), Shad0w style (`S58B-----`) or BitComet
 * (`exbc`). An Azureus-style id with an unknown code is described by its code.
 * @param id a 20-byte peer id.
 * @returns client and version, or `undefined` when the id follows no known convention.
 * @example
 * ```ts
 * declare const handshake: Handshake;
 * describePeerId(handshake.peerId)?.client
 * ```
 */
export function describePeerId(id: Uint8Array): PeerClient | undefined {
  if (id.length !== 20) return undefined;
  const text = String.fromCharCode(...id.subarray(0, 10));
  if (/^-[\x21-\x7e]{2}[0-9A-Za-z]{4}-/.test(text)) {
    const code = text.slice(1, 3);
    const [client, style] = AZUREUS[code] ?? [code, 'four'];
    return { client, version: formatVersion(style, text.slice(3, 7)) };
  }
  const mainline = /^([MQ])(\d)-(\d{1,2})-(\d{1,2})-/.exec(text);
  if (mainline !== null && text.slice(0, 8).endsWith('-')) {
    const [, letter, a, b, c] = mainline;
    return { client: letter === 'M' ? 'BitTorrent (Mainline)' : 'Queen Bee', version: `${a}.${b}.${c}` };
  }
  const aria2 = /^A2-(\d+)-(\d+)-(\d+)-/.exec(text);
  if (aria2 !== null) return { client: 'aria2', version: aria2.slice(1, 4).join('.') };
  if (text.startsWith('exbc')) return { client: 'BitComet', version: `${id[4]}.${pad2(id[5]!)}` };
  return describeShadow(text.slice(0, 9));
}

function describeShadow(head: string): PeerClient | undefined {
  const client = SHADOW[head[0] ?? ''];
  if (client === undefined || !head.endsWith('---')) return undefined;
  const digits = head.slice(1).replace(/-+$/, '');
  const parts = Array.from(digits, (c) => SHADOW_DIGITS.indexOf(c));
  if (parts.length === 0 || parts.includes(-1)) return undefined;
  return { client, version: parts.join('.') };
}

function formatVersion(style: VersionStyle, v: string): string {
  const d = (i: number): number => charValue(v.charCodeAt(i));
  switch (style) {
    case 'three': return `${d(0)}.${d(1)}.${d(2)}`;
    case 'four': return `${d(0)}.${d(1)}.${d(2)}.${d(3)}`;
    case 'twoTwo': return `${Number(v.slice(0, 2))}.${v.slice(2, 4)}`;
    case 'webtorrent': return `${Number(v.slice(0, 2))}.${Number(v.slice(2, 4))}`;
    case 'utorrent': return `${d(0)}.${d(1)}.${d(2)}${MNEMONIC[v[3] ?? ''] ?? ''}`;
    case 'transmission':
      // -TR0006- is 0.6, -TR0072- is 0.72, since 1.0 -TR3000- is 3.00 (Z or X: a dev build).
      if (v.startsWith('000')) return `0.${v[3]}`;
      if (v.startsWith('00')) return `0.${v.slice(2, 4)}`;
      return `${v[0]}.${v.slice(1, 3)}${v[3] === 'Z' || v[3] === 'X' ? '+' : ''}`;
  }
}

/** µTorrent-family build markers in the 4th version character. */
const MNEMONIC: Readonly<Record<string, string>> = {
  B: ' (Beta)', b: ' (Beta)', d: ' (Debug)', x: ' (Dev)', X: ' (Dev)', Z: ' (Dev)',
};

/** `0-9` → 0–9, `A-Z` → 10–35, `a-z` → 36–61: how Azureus-style ids pack versions above 9. */
function charValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c <= 0x5a) return c - 0x41 + 10;
  return c - 0x61 + 36;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
