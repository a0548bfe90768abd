/**
 * Magnet URIs (BEP 9): parse and format. v1 `xt=urn:btih:` hashes (hex or base32), v2
 * `xt=urn:btmh:1220…` (a SHA-256 multihash, BEP 52), or both for a hybrid torrent; `x.pe` peers,
 * `tr` trackers, `ws` web seeds (BEP 19), `dn` and `xl` are kept.
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html#magnet-uri-format
 * @see https://www.bittorrent.org/beps/bep_0052.html
 * @module
 */
import { MagnetError } from '../../errors.js';
import { fromHex, toHex } from '../bytes.js';
import { contentLength } from './layout.js';
import type { Torrent, TorrentVersion } from './torrent.js';

/** Longest magnet URI accepted (they are pasted by people; 64 KiB is generous). */
export const MAX_MAGNET_LENGTH = 64 * 1024;

/** Most `ws` web seeds kept (a session uses at most 8 anyway). */
export const MAX_MAGNET_WEB_SEEDS = 8;

/** Longest `ws` URL kept. */
const MAX_WEB_SEED_URL_LENGTH = 2048;

/** The multihash prefix of a SHA-256 digest: code 0x12, length 0x20 (32 bytes). */
const SHA256_MULTIHASH = '1220';

/** What a magnet link names. */
export interface MagnetLink {
  /**
   * The 20-byte swarm id, 40 lowercase hex chars: the v1 info-hash, or for a v2-only link the
   * first 20 bytes of the v2 one (what trackers and handshakes use).
   */
  readonly infoHash: string;
  readonly infoHashBytes: Uint8Array;
  /** `xt=urn:btmh:1220…`: the v2 info-hash (SHA-256), 64 lowercase hex chars. */
  readonly infoHashV2?: string;
  readonly infoHashV2Bytes?: Uint8Array;
  /** 1 (btih only), 2 (btmh only) or hybrid (both). @default 1, or hybrid when `infoHashV2` is set */
  readonly version?: TorrentVersion;
  /** `dn`: display name. */
  readonly name?: string;
  /** `xl`: exact length in bytes. */
  readonly length?: number;
  /** `tr` (and `tr.N`): tracker URLs, in order, without repeats. */
  readonly trackers: readonly string[];
  /** `x.pe`: peer addresses `host:port` to dial directly. */
  readonly peers: readonly string[];
  /**
   * `ws`: web seeds (BEP 19), used once the metadata is known (a web seed cannot give it): http(s)
   * URLs only, without repeats, at most {@link MAX_MAGNET_WEB_SEEDS}.
   */
  readonly webSeeds?: readonly string[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Parses a magnet URI.
 *
 * @param uri - `magnet:?xt=urn:btih:…&dn=…&tr=…`
 * @returns the parsed link
 * @throws {@link MagnetError} when it is not a magnet URI, has no `btih` nor SHA-256 `btmh`
 *   hash, or a malformed one
 * @example
 * ```ts
 * parseMagnet('magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=x').infoHash;
 * ```
 */
export function parseMagnet(uri: string): MagnetLink {
  if (uri.length > MAX_MAGNET_LENGTH) throw new MagnetError('ERR_MAGNET_TOO_LONG', 'magnet URI is too long');
  if (!/^magnet:\?/i.test(uri)) throw new MagnetError('ERR_MAGNET_NOT_MAGNET', 'not a magnet URI (magnet:?…)');
  const params = new URLSearchParams(uri.slice(uri.indexOf('?') + 1));
  let hash: Uint8Array | undefined;
  let v2: Uint8Array | undefined;
  const trackers: string[] = [];
  const peers: string[] = [];
  const webSeeds: string[] = [];
  for (const [key, value] of params) {
    const xt = /^xt(\.\d+)?$/.test(key);
    if (xt && /^urn:btih:/i.test(value)) hash ??= decodeBtih(value.slice(9));
    else if (xt && /^urn:btmh:/i.test(value)) v2 ??= decodeBtmh(value.slice(9));
    else if (/^tr(\.\d+)?$/.test(key) && value.length > 0 && !trackers.includes(value)) trackers.push(value);
    else if (key === 'x.pe' && value.length > 0) peers.push(value);
    else if (key === 'ws' && isWebSeedUrl(value) && !webSeeds.includes(value) && webSeeds.length < MAX_MAGNET_WEB_SEEDS) webSeeds.push(value);
  }
  const swarm = hash ?? v2?.slice(0, 20);
  if (swarm === undefined) throw new MagnetError('ERR_MAGNET_NO_INFO_HASH', 'no xt=urn:btih: or xt=urn:btmh: info-hash');
  const name = params.get('dn') ?? undefined;
  const xl = params.get('xl');
  const length = xl !== null && /^\d{1,15}$/.test(xl) ? Number(xl) : undefined;
  return {
    infoHash: toHex(swarm), infoHashBytes: swarm,
    ...(v2 === undefined ? { version: 1 as const } : { infoHashV2: toHex(v2), infoHashV2Bytes: v2, version: hash === undefined ? 2 as const : 'hybrid' as const }),
    trackers, peers, ...(name ? { name } : {}), ...(length === undefined ? {} : { length }),
    ...(webSeeds.length === 0 ? {} : { webSeeds }),
  };
}

/** An absolute http(s) URL of a sane length. */
function isWebSeedUrl(value: string): boolean {
  if (value.length > MAX_WEB_SEED_URL_LENGTH || !/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

/** `1220` + 64 hex chars (a SHA-256 multihash) → 32 bytes. */
function decodeBtmh(value: string): Uint8Array {
  const bytes = value.length === 68 && value.slice(0, 4) === SHA256_MULTIHASH ? fromHex(value.slice(4)) : undefined;
  if (bytes === undefined) {
    throw new MagnetError('ERR_MAGNET_BAD_INFO_HASH', 'btmh info-hash must be a SHA-256 multihash: 1220 and 64 hex characters');
  }
  return bytes;
}

/** 40 hex chars or 32 base32 chars → 20 bytes. */
function decodeBtih(value: string): Uint8Array {
  const bytes = value.length === 40 ? fromHex(value) : value.length === 32 ? fromBase32(value.toUpperCase()) : undefined;
  if (bytes === undefined) {
    throw new MagnetError('ERR_MAGNET_BAD_INFO_HASH', 'btih info-hash must be 40 hex or 32 base32 characters');
  }
  return bytes;
}

function fromBase32(value: string): Uint8Array | undefined {
  const out = new Uint8Array(20);
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const ch of value) {
    const v = BASE32.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >>> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Formats a magnet URI: the hex btih (not for a v2-only link), the btmh (v2 and hybrid), then
 * `dn`, `xl`, each `tr`, each `x.pe` and each `ws`.
 *
 * @example
 * ```ts
 * formatMagnet({ infoHash: torrent.infoHash, trackers: ['http://127.0.0.1:8000/announce'], peers: [] });
 * ```
 */
export function formatMagnet(link: Omit<MagnetLink, 'infoHashBytes' | 'infoHashV2Bytes'>): string {
  const version = link.version ?? (link.infoHashV2 === undefined ? 1 : 'hybrid');
  if (version !== 1 && link.infoHashV2 === undefined) throw new RangeError('a v2 magnet link needs infoHashV2');
  const parts = version === 2 ? [] : [`xt=urn:btih:${link.infoHash}`];
  if (version !== 1) parts.push(`xt=urn:btmh:${SHA256_MULTIHASH}${link.infoHashV2!.toLowerCase()}`);
  if (link.name !== undefined) parts.push(`dn=${encodeURIComponent(link.name)}`);
  if (link.length !== undefined) parts.push(`xl=${link.length}`);
  for (const tr of link.trackers) parts.push(`tr=${encodeURIComponent(tr)}`);
  for (const pe of link.peers) parts.push(`x.pe=${encodeURIComponent(pe)}`);
  for (const ws of link.webSeeds ?? []) parts.push(`ws=${encodeURIComponent(ws)}`);
  return `magnet:?${parts.join('&')}`;
}

/**
 * The magnet link of a torrent: its info-hash(es), name, length and every tracker.
 *
 * @example
 * ```ts
 * console.log(magnetOf(await readTorrent('a.torrent')));
 * ```
 */
export function magnetOf(torrent: Torrent): string {
  return formatMagnet({
    infoHash: torrent.infoHash,
    version: torrent.version,
    ...(torrent.infoHashV2 === undefined ? {} : { infoHashV2: torrent.infoHashV2 }),
    name: torrent.name,
    length: contentLength(torrent),
    trackers: torrent.announce.flat(),
    peers: [],
  });
}
