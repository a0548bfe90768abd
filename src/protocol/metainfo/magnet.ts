/**
 * Magnet URIs (BEP 9): parse and format. Only v1 `urn:btih:` hashes are used; `x.pe` peers,
 * `tr` trackers, `dn` and `xl` are kept.
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html#magnet-uri-format
 * @module
 */
import { MagnetError } from '../../errors.js';
import { fromHex, toHex } from '../bytes.js';
import type { Torrent } from './torrent.js';

/** Longest magnet URI accepted (they are pasted by people; 64 KiB is generous). */
export const MAX_MAGNET_LENGTH = 64 * 1024;

/** What a magnet link names. */
export interface MagnetLink {
  /** v1 info-hash, 40 lowercase hex chars. */
  readonly infoHash: string;
  readonly infoHashBytes: Uint8Array;
  /** `dn`: display name. */
  readonly name?: string;
  /** `xl`: exact length in bytes. */
  readonly length?: number;
  /** `tr` (and `tr.N`): tracker URLs, in order, without repeats. */
  readonly trackers: readonly string[];
  /** `x.pe`: peer addresses `host:port` to dial directly. */
  readonly peers: readonly string[];
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Parses a magnet URI.
 *
 * @param uri - `magnet:?xt=urn:btih:…&dn=…&tr=…`
 * @returns the parsed link
 * @throws {@link MagnetError} when it is not a magnet URI or has no usable v1 info-hash
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
  const trackers: string[] = [];
  const peers: string[] = [];
  for (const [key, value] of params) {
    if (/^xt(\.\d+)?$/.test(key) && /^urn:btih:/i.test(value)) hash ??= decodeBtih(value.slice(9));
    else if (/^tr(\.\d+)?$/.test(key) && value.length > 0 && !trackers.includes(value)) trackers.push(value);
    else if (key === 'x.pe' && value.length > 0) peers.push(value);
  }
  if (hash === undefined) {
    const v2 = [...params.values()].some((v) => /^urn:btmh:/i.test(v));
    throw new MagnetError(
      'ERR_MAGNET_NO_INFO_HASH',
      v2 ? 'only a v2 (btmh) hash: BitTorrent v2 is not supported yet' : 'no xt=urn:btih: info-hash',
    );
  }
  const name = params.get('dn') ?? undefined;
  const xl = params.get('xl');
  const length = xl !== null && /^\d{1,15}$/.test(xl) ? Number(xl) : undefined;
  return { infoHash: toHex(hash), infoHashBytes: hash, trackers, peers, ...(name ? { name } : {}), ...(length === undefined ? {} : { length }) };
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
 * Formats a magnet URI: hex btih, then `dn`, `xl`, each `tr` and each `x.pe`.
 *
 * @example
 * ```ts
 * formatMagnet({ infoHash, trackers: ['http://127.0.0.1:8000/announce'], peers: [] });
 * ```
 */
export function formatMagnet(link: Omit<MagnetLink, 'infoHashBytes'>): string {
  const parts = [`xt=urn:btih:${link.infoHash}`];
  if (link.name !== undefined) parts.push(`dn=${encodeURIComponent(link.name)}`);
  if (link.length !== undefined) parts.push(`xl=${link.length}`);
  for (const tr of link.trackers) parts.push(`tr=${encodeURIComponent(tr)}`);
  for (const pe of link.peers) parts.push(`x.pe=${encodeURIComponent(pe)}`);
  return `magnet:?${parts.join('&')}`;
}

/**
 * The magnet link of a torrent: its info-hash, name, length and every tracker.
 *
 * @example
 * ```ts
 * console.log(magnetOf(await readTorrent('a.torrent')));
 * ```
 */
export function magnetOf(torrent: Torrent): string {
  return formatMagnet({
    infoHash: torrent.infoHash,
    name: torrent.name,
    length: torrent.length,
    trackers: torrent.announce.flat(),
    peers: [],
  });
}
