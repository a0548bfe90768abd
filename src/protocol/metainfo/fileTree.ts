/**
 * BEP 52 `file tree`: nested dicts keyed by path segments, a file being a dict whose only key is
 * `''`, holding `length` and `pieces root`. Walked over the raw info bytes, because the order of
 * the files is the order of the keys in the bytes, which a decoded JS object does not keep
 * (integer-like keys such as `"10"` and `"9"` enumerate numerically).
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html#file-tree-layout
 * @module
 */
import { MetainfoError } from '../../errors.js';
import { decodeBencode, dictEntries, type BencodeValue, type Span } from '../bencode/index.js';
import { isDict, optBytes, optInt, optText, text, type Dict } from './fields.js';
import { checkSegment } from './paths.js';

/** Deepest path a file tree may hold, folders plus the file name (below the bencode depth cap of 64). */
export const MAX_FILE_TREE_DEPTH = 48;
/** Most entries (files and folders together) a file tree may hold: as many as v1 `files` entries. */
export const MAX_FILE_TREE_ENTRIES = 1_000_000;

/** One file of a `file tree`, in tree order. */
export interface V2FileEntry {
  /** Path segments from the tree's root. */
  readonly path: readonly string[];
  readonly length: number;
  /** 32 bytes; absent for an empty file. */
  readonly piecesRoot?: Uint8Array;
  /** BEP 47 attributes (`x`, `h`), if any. */
  readonly attr?: string;
}

/**
 * Reads a `file tree`.
 *
 * @param infoBytes - the raw info dict (already validated by the bencode scanner)
 * @param span - the span of the `file tree` value inside `infoBytes`
 * @returns the files in tree order, and whether the tree is one top-level file
 * @throws {@link MetainfoError} `ERR_METAINFO_BAD_FILE_TREE` (not a tree of dicts, a file with
 *   siblings in its dict, too deep, too many entries), `ERR_METAINFO_BAD_PATH`,
 *   `ERR_METAINFO_BAD_PIECES_ROOT`, `ERR_METAINFO_BAD_LENGTH`, `ERR_METAINFO_NO_FILES`
 * @example
 * ```ts
 * declare const infoBytes: Uint8Array, spans: Map<string, Span>;
 * const { files, single } = parseFileTree(infoBytes, spans.get('file tree')!);
 * ```
 */
export function parseFileTree(infoBytes: Uint8Array, span: Span): { files: V2FileEntry[]; single: boolean } {
  if (infoBytes[span.start] !== DICT) throw bad('"file tree" must be a dict');
  const files: V2FileEntry[] = [];
  const budget = { entries: 0 };
  walk(infoBytes, span, [], files, budget);
  if (files.length === 0) throw new MetainfoError('ERR_METAINFO_NO_FILES', '"file tree" holds no file');
  const top = dictEntries(infoBytes, span);
  return { files, single: top.length === 1 && files.length === 1 && files[0]!.path.length === 1 };
}

const DICT = 0x64;

function walk(bytes: Uint8Array, span: Span, path: readonly string[], files: V2FileEntry[], budget: { entries: number }): void {
  if (path.length >= MAX_FILE_TREE_DEPTH) throw bad(`deeper than ${MAX_FILE_TREE_DEPTH} levels`);
  for (const entry of dictEntries(bytes, span)) {
    if (++budget.entries > MAX_FILE_TREE_ENTRIES) throw bad(`more than ${MAX_FILE_TREE_ENTRIES} entries`);
    const where = `file tree/${[...path, ''].join('/')}`;
    if (entry.key.length === 0) throw bad(`${where}: a folder holds file properties ('' key) beside its entries`);
    const name = checkSegment(text(entry.key), where);
    if (bytes[entry.value.start] !== DICT) throw bad(`${where}${name} must be a dict`);
    const inner = dictEntries(bytes, entry.value);
    if (inner.length === 1 && inner[0]!.key.length === 0) {
      const props = inner[0]!.value;
      files.push(fileOf(decodeBencode(bytes.subarray(props.start, props.end)), [...path, name]));
    } else {
      walk(bytes, entry.value, [...path, name], files, budget);
    }
  }
}

function fileOf(props: BencodeValue, path: string[]): V2FileEntry {
  const where = `file tree/${path.join('/')}`;
  if (!isDict(props)) throw bad(`${where}: file properties must be a dict`);
  const dict: Dict = props;
  const length = optInt(dict, 'length', `${where}.length`);
  if (length === undefined) throw new MetainfoError('ERR_METAINFO_MISSING_FIELD', `missing field "${where}.length"`);
  if (length < 0) throw new MetainfoError('ERR_METAINFO_BAD_LENGTH', `${where}.length is negative`);
  const attr = optText(dict, 'attr', `${where}.attr`);
  if (attr?.includes('p')) throw bad(`${where}: a v2 file tree holds no pad files`);
  const root = optBytes(dict, 'pieces root', `${where}.pieces root`);
  if (length > 0 && root === undefined) {
    throw new MetainfoError('ERR_METAINFO_BAD_PIECES_ROOT', `missing field "${where}.pieces root"`);
  }
  if (root !== undefined && root.length !== 32) {
    throw new MetainfoError('ERR_METAINFO_BAD_PIECES_ROOT', `${where}.pieces root is ${root.length} bytes, not 32`);
  }
  if (length > 0 && root!.every((b) => b === 0)) {
    throw new MetainfoError('ERR_METAINFO_BAD_PIECES_ROOT', `${where}.pieces root is all zeros`);
  }
  return { path, length, ...(length > 0 ? { piecesRoot: root } : {}), ...(attr === undefined ? {} : { attr }) };
}

function bad(why: string): MetainfoError {
  return new MetainfoError('ERR_METAINFO_BAD_FILE_TREE', why);
}
