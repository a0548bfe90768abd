/**
 * `.torrent` bytes → {@link Torrent}. The info-hashes are the SHA-1 (v1) and SHA-256 (v2) of the
 * exact `info` bytes, never of a re-encoding.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#metainfo-files
 * @see https://www.bittorrent.org/beps/bep_0052.html#infohash
 * @module
 */
import { createHash } from 'node:crypto';
import { MetainfoError } from '../../errors.js';
import { copyOf, toHex } from '../bytes.js';
import {
  decodeBencode, dictEntries, dictSpans, stringAt, type BencodeValue, type ScanLimits, type Span,
} from '../bencode/index.js';
import { isDict, optInt, optList, optText, text, type Dict } from './fields.js';
import { parseInfo } from './parseInfo.js';
import type { Torrent } from './torrent.js';

/** Largest `.torrent` accepted by default: 32 MiB (a 1 TiB torrent of 1 MiB pieces is 20 MiB). */
export const MAX_TORRENT_BYTES = 32 * 1024 * 1024;

/** Options of {@link parseMetainfo}. */
export interface ParseMetainfoConfig {
  /** Largest input accepted. @default MAX_TORRENT_BYTES */
  readonly maxBytes?: number;
}

/**
 * Parses and validates a `.torrent` file.
 *
 * @param bytes - the whole file, untrusted
 * @param config - size limit
 * @returns the torrent, with `infoHash` (and for v2, `infoHashV2`) computed over the raw `info`
 *   bytes and any `piece layers` verified against the files' roots
 * @throws {@link BencodeError} for malformed bencoding, {@link MetainfoError} for a bad structure
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const torrent = parseMetainfo(await readFile('ubuntu.torrent'));
 * console.log(torrent.name, torrent.infoHash);
 * ```
 */
export function parseMetainfo(bytes: Uint8Array, config: ParseMetainfoConfig = {}): Torrent {
  const limits: ScanLimits = { maxBytes: config.maxBytes ?? MAX_TORRENT_BYTES };
  // v2 torrents carry BEP 52 `piece layers`, keyed by binary hashes: take spans without the
  // UTF-8 key rule, then decode only the fields we read (each under that rule).
  const spans = dictSpans(bytes, { ...limits, utf8Keys: false });
  const infoSpan = spans.get('info');
  if (infoSpan === undefined) throw new MetainfoError('ERR_METAINFO_MISSING_FIELD', 'missing field "info"');
  const root: Dict = {};
  for (const key of OUTER_FIELDS) {
    const span = spans.get(key);
    if (span !== undefined) root[key] = decodeBencode(bytes.subarray(span.start, span.end), limits);
  }
  const infoBytes = copyOf(bytes, infoSpan.start, infoSpan.end);
  const layersSpan = spans.get('piece layers');
  const layers = layersSpan === undefined ? undefined : pieceLayersOf(bytes, layersSpan);
  return { ...parseInfoBytes(infoBytes, decodeBencode(infoBytes, limits), layers), ...parseOuter(root) };
}

/**
 * BEP 52 `piece layers`: a dict from 32-byte roots to concatenated hashes. Entries are kept by hex
 * root (a copy of each value, or undefined for a value that is not a string); which ones are
 * needed, and whether they are right, is the info dict's business.
 */
function pieceLayersOf(bytes: Uint8Array, span: Span): Map<string, Uint8Array | undefined> {
  if (bytes[span.start] !== 0x64) throw new MetainfoError('ERR_METAINFO_WRONG_TYPE', 'field "piece layers" must be a dict');
  const layers = new Map<string, Uint8Array | undefined>();
  for (const { key, value } of dictEntries(bytes, span)) {
    if (key.length !== 32) continue;
    const layer = stringAt(bytes, value);
    layers.set(toHex(key), layer === undefined ? undefined : copyOf(layer));
  }
  return layers;
}

/** The top-level fields read besides `info`. */
const OUTER_FIELDS = ['announce', 'announce-list', 'comment', 'comment.utf-8', 'created by', 'creation date', 'url-list'];

/**
 * Parses a bare info dict (as fetched with BEP 9 `ut_metadata`) into a torrent without trackers.
 *
 * @param infoBytes - the raw bencoded info dict
 * @returns the torrent; check `infoHash` (or for v2, `infoHashV2`) against the one you expected.
 *   A v2 torrent parsed this way has no piece layers: they are fetched from peers (`PieceLayerFetch`)
 * @throws {@link BencodeError} or {@link MetainfoError}
 * @example
 * ```ts
 * declare const metadata: Uint8Array, magnet: MagnetLink;
 * const torrent = parseInfoDict(metadata);
 * if (torrent.infoHash !== magnet.infoHash) throw new Error('wrong metadata');
 * ```
 */
export function parseInfoDict(infoBytes: Uint8Array): Torrent {
  const info = decodeBencode(infoBytes, { maxBytes: MAX_TORRENT_BYTES });
  return { ...parseInfoBytes(copyOf(infoBytes), info), announce: [], urlList: [] };
}

function parseInfoBytes(infoBytes: Uint8Array, info: BencodeValue, layers?: ReadonlyMap<string, Uint8Array | undefined>) {
  if (!isDict(info)) throw new MetainfoError('ERR_METAINFO_WRONG_TYPE', 'field "info" must be a dict');
  const fields = parseInfo(info, infoBytes, layers);
  const sha1 = new Uint8Array(createHash('sha1').update(infoBytes).digest());
  if (fields.version === 1) return { infoHash: toHex(sha1), infoHashBytes: sha1, infoBytes, ...fields };
  const v2 = new Uint8Array(createHash('sha256').update(infoBytes).digest());
  // A v2-only torrent is known to trackers and peers by its SHA-256 truncated to 20 bytes.
  const swarm = fields.version === 'hybrid' ? sha1 : v2.slice(0, 20);
  return { infoHash: toHex(swarm), infoHashBytes: swarm, infoHashV2: toHex(v2), infoHashV2Bytes: v2, infoBytes, ...fields };
}

function parseOuter(root: Dict) {
  const creation = optInt(root, 'creation date');
  return {
    announce: parseTiers(root),
    urlList: parseUrlList(root),
    comment: optText(root, 'comment.utf-8') ?? optText(root, 'comment'),
    createdBy: optText(root, 'created by'),
    creationDate: creation === undefined ? undefined : new Date(creation * 1000),
  };
}

/** BEP 12: `announce-list` wins over `announce`; empty tiers and repeats are dropped. */
function parseTiers(root: Dict): string[][] {
  const seen = new Set<string>();
  const keep = (url: string): boolean => url.length > 0 && !seen.has(url) && seen.add(url) !== undefined;
  const tiers: string[][] = [];
  for (const tier of optList(root, 'announce-list') ?? []) {
    const urls = (Array.isArray(tier) ? tier : []).flatMap((u) => (u instanceof Uint8Array ? [text(u).trim()] : []));
    const fresh = urls.filter(keep);
    if (fresh.length > 0) tiers.push(fresh);
  }
  if (tiers.length === 0) {
    const single = optText(root, 'announce')?.trim();
    if (single !== undefined && keep(single)) tiers.push([single]);
  }
  return tiers;
}

/** BEP 19: `url-list` is one string or a list of strings. */
function parseUrlList(root: Dict): string[] {
  const value = root['url-list'];
  const items = value instanceof Uint8Array ? [value] : Array.isArray(value) ? value : [];
  return items.flatMap((u) => (u instanceof Uint8Array && u.length > 0 ? [text(u)] : []));
}
