/**
 * Typed readers for fields of decoded bencode dicts, turning a wrong or missing field into a
 * {@link MetainfoError} that names the field.
 *
 * @module
 */
import { MetainfoError } from '../../errors.js';
import type { BencodeValue } from '../bencode/index.js';

/** A decoded bencode dict. */
export type Dict = { [key: string]: BencodeValue };

const utf8 = new TextDecoder('utf-8');

/**
 * True for a decoded dict (not bytes, not a list).
 *
 * @example
 * ```ts
 * declare const bytes: Uint8Array;
 * isDict(decodeBencode(bytes)); // true for a torrent's top level
 * ```
 */
export function isDict(value: BencodeValue | undefined): value is Dict {
  return typeof value === 'object' && !(value instanceof Uint8Array) && !Array.isArray(value);
}

function missing(where: string): MetainfoError {
  return new MetainfoError('ERR_METAINFO_MISSING_FIELD', `missing field "${where}"`);
}

function wrongType(where: string, expected: string): MetainfoError {
  return new MetainfoError('ERR_METAINFO_WRONG_TYPE', `field "${where}" must be ${expected}`);
}

/**
 * Reads an optional integer field.
 *
 * @example
 * ```ts
 * declare const info: Dict;
 * optInt(info, 'private'); // 1, or undefined when absent
 * ```
 */
export function optInt(dict: Dict, key: string, where = key): number | undefined {
  const value = dict[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw wrongType(where, 'an integer');
  return value;
}

/**
 * Reads a required integer field.
 *
 * @example
 * ```ts
 * declare const info: Dict;
 * const pieceLength = int(info, 'piece length', 'info.piece length');
 * ```
 */
export function int(dict: Dict, key: string, where = key): number {
  const value = optInt(dict, key, where);
  if (value === undefined) throw missing(where);
  return value;
}

/**
 * Reads an optional byte-string field.
 *
 * @example
 * ```ts
 * declare const info: Dict;
 * optBytes(info, 'md5sum'); // the bytes, or undefined when absent
 * ```
 */
export function optBytes(dict: Dict, key: string, where = key): Uint8Array | undefined {
  const value = dict[key];
  if (value === undefined) return undefined;
  if (!(value instanceof Uint8Array)) throw wrongType(where, 'a byte string');
  return value;
}

/**
 * Reads a required byte-string field.
 *
 * @example
 * ```ts
 * declare const info: Dict;
 * const pieces = bytes(info, 'pieces', 'info.pieces');
 * ```
 */
export function bytes(dict: Dict, key: string, where = key): Uint8Array {
  const value = optBytes(dict, key, where);
  if (value === undefined) throw missing(where);
  return value;
}

/**
 * Reads an optional text field (UTF-8; invalid sequences become U+FFFD).
 *
 * @example
 * ```ts
 * declare const top: Dict;
 * optText(top, 'comment'); // 'made by rxtorrent', or undefined
 * ```
 */
export function optText(dict: Dict, key: string, where = key): string | undefined {
  const value = optBytes(dict, key, where);
  return value === undefined ? undefined : utf8.decode(value);
}

/**
 * Reads an optional list field.
 *
 * @example
 * ```ts
 * declare const top: Dict;
 * const tiers = optList(top, 'announce-list') ?? [];
 * ```
 */
export function optList(dict: Dict, key: string, where = key): BencodeValue[] | undefined {
  const value = dict[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw wrongType(where, 'a list');
  return value;
}

/**
 * Reads a required dict field.
 *
 * @example
 * ```ts
 * declare const top: Dict;
 * const info = dict(top, 'info');
 * ```
 */
export function dict(parent: Dict, key: string, where = key): Dict {
  const value = parent[key];
  if (value === undefined) throw missing(where);
  if (!isDict(value)) throw wrongType(where, 'a dict');
  return value;
}

/**
 * Decodes a byte string as UTF-8 text.
 *
 * @example
 * ```ts
 * text(new TextEncoder().encode('a.bin')); // 'a.bin'
 * ```
 */
export function text(value: Uint8Array): string {
  return utf8.decode(value);
}
