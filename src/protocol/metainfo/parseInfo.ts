/**
 * The v1 `info` dict → name, piece geometry and file layout. Hybrid v1+v2 dicts are read through
 * their v1 fields; v2-only dicts are refused with a clear error.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#info-dictionary
 * @see https://www.bittorrent.org/beps/bep_0047.html (pad files)
 * @module
 */
import { MetainfoError } from '../../errors.js';
import { bytes, int, isDict, optInt, optList, optText, text, type Dict } from './fields.js';
import { checkSegment } from './paths.js';
import type { Torrent, TorrentFile } from './torrent.js';

/** Largest piece length accepted (libtorrent's own limit is 128 MiB; we allow 256 MiB). */
export const MAX_PIECE_LENGTH = 256 * 1024 * 1024;
/** Most files a torrent may list (bounds per-file state). */
export const MAX_FILES = 1_000_000;

/** The fields of {@link Torrent} that come from the info dict. */
export type InfoFields = Pick<Torrent, 'name' | 'pieceLength' | 'pieceCount' | 'pieces' | 'length' | 'files' | 'multiFile' | 'private' | 'hybrid'>;

/**
 * Validates a decoded v1 info dict.
 *
 * @param info - the decoded `info` dict
 * @returns name, geometry and files
 * @throws {@link MetainfoError} for any missing, mistyped or inconsistent field
 * @example
 * ```ts
 * const { pieceLength, files } = parseInfo(decoded.info);
 * ```
 */
export function parseInfo(info: Dict): InfoFields {
  const hybrid = optInt(info, 'meta version') === 2;
  if (info.pieces === undefined && info['file tree'] !== undefined) {
    throw new MetainfoError('ERR_METAINFO_V2_ONLY', 'BitTorrent v2-only torrents are not supported yet');
  }
  const name = checkSegment(optText(info, 'name.utf-8') ?? text(bytes(info, 'name')), 'name');
  const pieceLength = int(info, 'piece length');
  if (pieceLength <= 0 || pieceLength > MAX_PIECE_LENGTH) {
    throw new MetainfoError('ERR_METAINFO_BAD_PIECE_LENGTH', `piece length ${pieceLength} is out of range`);
  }
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
  return { name, pieceLength, pieceCount, pieces, length, files, multiFile, private: optInt(info, 'private') === 1, hybrid };
}

function singleFile(info: Dict, name: string): TorrentFile {
  return { path: [name], relativePath: name, length: checkLength(int(info, 'length'), 'length'), offset: 0, pad: false };
}

function parseFiles(info: Dict, name: string): TorrentFile[] {
  const list = optList(info, 'files') ?? [];
  if (list.length === 0) throw new MetainfoError('ERR_METAINFO_NO_FILES', '"files" is empty');
  if (list.length > MAX_FILES) throw new MetainfoError('ERR_METAINFO_TOO_LARGE', `more than ${MAX_FILES} files`);
  const seen = new Set<string>();
  const folders = new Set<string>();
  let offset = 0;
  const files = list.map((entry, i): TorrentFile => {
    const where = `files[${i}]`;
    if (!isDict(entry)) throw new MetainfoError('ERR_METAINFO_WRONG_TYPE', `${where} must be a dict`);
    const length = checkLength(int(entry, 'length', `${where}.length`), `${where}.length`);
    const path = parsePath(entry, where);
    const relativePath = [name, ...path].join('/');
    const attr = optText(entry, 'attr', `${where}.attr`);
    const pad = attr?.includes('p') ?? false;
    if (!pad && seen.has(relativePath)) {
      throw new MetainfoError('ERR_METAINFO_DUPLICATE_PATH', `${where}: "${relativePath}" is listed twice`);
    }
    if (!pad) {
      seen.add(relativePath);
      for (let j = 1; j < path.length; j++) folders.add([name, ...path.slice(0, j)].join('/'));
    }
    const file: TorrentFile = { path, relativePath, length, offset, pad, ...(attr === undefined ? {} : { attr }) };
    offset += length;
    if (!Number.isSafeInteger(offset)) throw new MetainfoError('ERR_METAINFO_BAD_LENGTH', 'total length too large');
    return file;
  });
  const clash = [...seen].find((p) => folders.has(p));
  if (clash !== undefined) {
    throw new MetainfoError('ERR_METAINFO_DUPLICATE_PATH', `"${clash}" is both a file and a folder`);
  }
  return files;
}

/** `path.utf-8` is preferred over `path` where present, as libtorrent does. */
function parsePath(entry: Dict, where: string): string[] {
  const key = entry['path.utf-8'] !== undefined ? 'path.utf-8' : 'path';
  const segments = optList(entry, key, `${where}.${key}`);
  if (segments === undefined) throw new MetainfoError('ERR_METAINFO_MISSING_FIELD', `missing field "${where}.path"`);
  if (segments.length === 0) throw new MetainfoError('ERR_METAINFO_BAD_PATH', `${where}.path is empty`);
  return segments.map((segment, j) => {
    const segmentWhere = `${where}.${key}[${j}]`;
    if (!(segment instanceof Uint8Array)) {
      throw new MetainfoError('ERR_METAINFO_WRONG_TYPE', `${segmentWhere} must be a byte string`);
    }
    return checkSegment(text(segment), segmentWhere);
  });
}

function checkLength(length: number, where: string): number {
  if (length < 0) throw new MetainfoError('ERR_METAINFO_BAD_LENGTH', `${where} is negative`);
  return length;
}
