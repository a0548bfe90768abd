/**
 * The `info` dict → name, piece geometry and file layout: v1 (BEP 3), v2 (BEP 52 `file tree`)
 * or hybrid (both, checked to describe the same data).
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#info-dictionary
 * @see https://www.bittorrent.org/beps/bep_0047.html (pad files)
 * @see https://www.bittorrent.org/beps/bep_0052.html
 * @module
 */
import { MetainfoError } from '../../errors.js';
import { dictSpans } from '../bencode/index.js';
import { isPowerOfTwo } from '../merkle/index.js';
import { bytes, int, isDict, optInt, optList, optText, text, type Dict } from './fields.js';
import { parseFileTree } from './fileTree.js';
import { attachPieceLayers, checkHybrid, v2Layout } from './parseV2.js';
import { checkSegment, MAX_PATH_LENGTH, MAX_PATH_SEGMENTS } from './paths.js';
import type { Torrent, TorrentFile } from './torrent.js';

/** Largest piece length accepted (libtorrent's own limit is 128 MiB; we allow 256 MiB). */
export const MAX_PIECE_LENGTH = 256 * 1024 * 1024;
/** Most files a torrent may list (bounds per-file state). */
export const MAX_FILES = 1_000_000;

/** The fields of {@link Torrent} that come from the info dict. */
export type InfoFields = Pick<
  Torrent,
  'name' | 'pieceLength' | 'pieceCount' | 'pieces' | 'length' | 'files' | 'multiFile' | 'private' | 'hybrid' | 'version'
>;

/**
 * Validates a decoded info dict. `meta version` is read first (BEP 52: an unknown version is
 * reported as such, before any other check).
 *
 * @param info - the decoded `info` dict
 * @param infoBytes - its raw bytes (v2: the order of `file tree`); may be omitted for a v1 dict
 * @param pieceLayers - the metainfo's `piece layers` by hex root, verified here against the roots;
 *   undefined when absent (a bare info dict, or a `.torrent` without them: fetch them from peers)
 * @returns name, geometry and files
 * @throws {@link MetainfoError} for any missing, mistyped or inconsistent field
 * @example
 * ```ts
 * declare const decoded: Dict, infoBytes: Uint8Array;
 * const { pieceLength, files, version } = parseInfo(decoded, infoBytes);
 * ```
 */
export function parseInfo(
  info: Dict,
  infoBytes?: Uint8Array,
  pieceLayers?: ReadonlyMap<string, Uint8Array | undefined>,
): InfoFields {
  const metaVersion = optInt(info, 'meta version');
  if (metaVersion !== undefined && metaVersion !== 2) {
    throw new MetainfoError('ERR_METAINFO_UNKNOWN_VERSION', `meta version ${metaVersion}: only 2 (BEP 52) is known`);
  }
  if (metaVersion === undefined && info['file tree'] !== undefined) {
    throw new MetainfoError('ERR_METAINFO_MISSING_FIELD', 'missing field "meta version" beside "file tree"');
  }
  if (metaVersion === undefined) return { ...parseV1(info), version: 1, hybrid: false };
  if (infoBytes === undefined) throw new RangeError('a v2 info dict needs its raw bytes');
  return parseV2(info, infoBytes, pieceLayers);
}

function parseV2(info: Dict, infoBytes: Uint8Array, pieceLayers: ReadonlyMap<string, Uint8Array | undefined> | undefined): InfoFields {
  const pieceLength = checkPieceLength(int(info, 'piece length'));
  if (!isPowerOfTwo(pieceLength) || pieceLength < 16384) {
    throw new MetainfoError('ERR_METAINFO_BAD_PIECE_LENGTH', `v2 piece length ${pieceLength} is not a power of two ≥ 16 KiB`);
  }
  const span = dictSpans(infoBytes).get('file tree');
  if (span === undefined) throw new MetainfoError('ERR_METAINFO_MISSING_FIELD', 'missing field "file tree"');
  const tree = parseFileTree(infoBytes, span);
  const declared = checkSegment(optText(info, 'name.utf-8') ?? text(bytes(info, 'name')), 'name');
  const name = tree.single ? tree.files[0]!.path[0]! : declared;
  const v2 = v2Layout(tree.files, name, tree.single, pieceLength);
  const hybrid = info.pieces !== undefined;
  const v1 = hybrid ? parseV1(info) : undefined;
  const files = attachPieceLayers(v1 === undefined ? v2 : checkHybrid(v1.files, v2, pieceLength), pieceLength, pieceLayers);
  const last = files[files.length - 1]!;
  const length = last.offset + last.length;
  if (length === 0) throw new MetainfoError('ERR_METAINFO_BAD_LENGTH', 'the torrent has no content');
  return {
    name: v1?.name ?? name, pieceLength, pieceCount: Math.ceil(length / pieceLength), pieces: v1?.pieces ?? new Uint8Array(0),
    length, files, multiFile: !tree.single, private: optInt(info, 'private') === 1, hybrid, version: hybrid ? 'hybrid' : 2,
  };
}

function checkPieceLength(pieceLength: number): number {
  if (pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH) {
    throw new MetainfoError('ERR_METAINFO_BAD_PIECE_LENGTH', `piece length ${pieceLength} is out of range`);
  }
  return pieceLength;
}

function parseV1(info: Dict): Omit<InfoFields, 'version' | 'hybrid'> {
  const name = checkSegment(optText(info, 'name.utf-8') ?? text(bytes(info, 'name')), 'name');
  const pieceLength = checkPieceLength(int(info, 'piece length'));
  const multiFile = info.files !== undefined;
  const files = multiFile ? parseFiles(info, name) : [singleFile(info, name)];
  const last = files[files.length - 1];
  const length = last === undefined ? 0 : last.offset + last.length;
  if (length === 0) throw new MetainfoError('ERR_METAINFO_BAD_LENGTH', 'the torrent has no content');
  const pieces = bytes(info, 'pieces');
  const pieceCount = Math.ceil(length / pieceLength);
  if (pieces.length !== pieceCount * 20) {
    throw new MetainfoError(
      'ERR_METAINFO_BAD_PIECES',
      `"pieces" holds ${pieces.length} bytes; ${pieceCount} pieces need ${pieceCount * 20}`,
    );
  }
  return { name, pieceLength, pieceCount, pieces, length, files, multiFile, private: optInt(info, 'private') === 1 };
}

function singleFile(info: Dict, name: string): TorrentFile {
  return { path: [name], relativePath: name, length: checkLength(int(info, 'length'), 'length'), offset: 0, pad: false };
}

function parseFiles(info: Dict, name: string): TorrentFile[] {
  const list = optList(info, 'files') ?? [];
  if (list.length === 0) throw new MetainfoError('ERR_METAINFO_NO_FILES', '"files" is empty');
  if (list.length > MAX_FILES) throw new MetainfoError('ERR_METAINFO_TOO_LARGE', `more than ${MAX_FILES} files`);
  const names = new PathNames(name);
  let offset = 0;
  const files = list.map((entry, i): TorrentFile => {
    const where = `files[${i}]`;
    if (!isDict(entry)) throw new MetainfoError('ERR_METAINFO_WRONG_TYPE', `${where} must be a dict`);
    const length = checkLength(int(entry, 'length', `${where}.length`), `${where}.length`);
    const path = parsePath(entry, where, name);
    const relativePath = [name, ...path].join('/');
    const attr = optText(entry, 'attr', `${where}.attr`);
    const pad = attr?.includes('p') ?? false;
    if (!pad) names.addFile(path, where);
    const file: TorrentFile = { path, relativePath, length, offset, pad, ...(attr === undefined ? {} : { attr }) };
    offset += length;
    if (!Number.isSafeInteger(offset)) throw new MetainfoError('ERR_METAINFO_BAD_LENGTH', 'total length too large');
    return file;
  });
  return files;
}

/**
 * The files and folders named so far, as a tree of numbered nodes keyed `<parent>/<segment>`:
 * each path costs one key per segment, of the segment's length, so the checks stay linear in the
 * input (a set of every folder's full path cost O(segments²) per path).
 */
class PathNames {
  private readonly folders = new Map<string, number>();
  private readonly files = new Set<string>();

  constructor(private readonly name: string) {}

  /** Records a file; throws when it is listed twice or a folder has its name (or it has a folder's). */
  addFile(path: readonly string[], where: string): void {
    let parent = 0;
    for (let j = 0; j < path.length - 1; j++) {
      const key = `${parent}/${path[j]!}`;
      if (this.files.has(key)) this.clash(path.slice(0, j + 1));
      let id = this.folders.get(key);
      if (id === undefined) this.folders.set(key, (id = this.folders.size + 1));
      parent = id;
    }
    const key = `${parent}/${path[path.length - 1]!}`;
    if (this.files.has(key)) {
      throw new MetainfoError('ERR_METAINFO_DUPLICATE_PATH', `${where}: "${[this.name, ...path].join('/')}" is listed twice`);
    }
    if (this.folders.has(key)) this.clash(path);
    this.files.add(key);
  }

  private clash(path: readonly string[]): never {
    throw new MetainfoError('ERR_METAINFO_DUPLICATE_PATH', `"${[this.name, ...path].join('/')}" is both a file and a folder`);
  }
}

/** `path.utf-8` is preferred over `path` where present, as libtorrent does. */
function parsePath(entry: Dict, where: string, name: string): string[] {
  const key = entry['path.utf-8'] !== undefined ? 'path.utf-8' : 'path';
  const segments = optList(entry, key, `${where}.${key}`);
  if (segments === undefined) throw new MetainfoError('ERR_METAINFO_MISSING_FIELD', `missing field "${where}.path"`);
  if (segments.length === 0) throw new MetainfoError('ERR_METAINFO_BAD_PATH', `${where}.path is empty`);
  if (segments.length > MAX_PATH_SEGMENTS) {
    throw new MetainfoError('ERR_METAINFO_BAD_PATH', `${where}.path has ${segments.length} segments; at most ${MAX_PATH_SEGMENTS}`);
  }
  let length = name.length;
  return segments.map((segment, j) => {
    const segmentWhere = `${where}.${key}[${j}]`;
    if (!(segment instanceof Uint8Array)) {
      throw new MetainfoError('ERR_METAINFO_WRONG_TYPE', `${segmentWhere} must be a byte string`);
    }
    const checked = checkSegment(text(segment), segmentWhere);
    length += 1 + checked.length;
    if (length > MAX_PATH_LENGTH) {
      throw new MetainfoError('ERR_METAINFO_BAD_PATH', `${where}.path is longer than ${MAX_PATH_LENGTH} characters`);
    }
    return checked;
  });
}

function checkLength(length: number, where: string): number {
  if (length < 0) throw new MetainfoError('ERR_METAINFO_BAD_LENGTH', `${where} is negative`);
  return length;
}
