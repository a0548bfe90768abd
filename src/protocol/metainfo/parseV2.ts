/**
 * The v2 half of an info dict (BEP 52): files from `file tree` laid out piece-aligned, checked
 * against the v1 file list of a hybrid torrent, with each file's `piece layers` entry verified
 * against its `pieces root`.
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html
 * @module
 */
import { MetainfoError } from '../../errors.js';
import { toHex } from '../bytes.js';
import { FileTree, HASH_LENGTH, treeGeometry } from '../merkle/index.js';
import type { TorrentFile } from './torrent.js';
import type { V2FileEntry } from './fileTree.js';

/** Most pieces a v2 torrent may have (its pieces are not listed, so nothing else bounds them). */
export const MAX_V2_PIECES = 4 * 1024 * 1024;

/**
 * The piece-aligned layout of a v2-only torrent, with the pad files libtorrent 2.0 implies when it
 * loads one: `.pad/<size>` after every non-empty file that does not end on a piece boundary, the
 * last one too, even in a single-file torrent. The last piece is then a whole piece, as libtorrent
 * counts it when it requests blocks of it.
 *
 * @param entries - the `file tree` files, in tree order
 * @param name - the torrent's top folder (multi-file)
 * @param single - true for a one-file tree (its path is the file name, no folder)
 * @param pieceLength - a power of two ≥ 16 KiB
 * @returns the files, pad files included, with offsets
 * @throws {@link MetainfoError} `ERR_METAINFO_TOO_LARGE` for more than {@link MAX_V2_PIECES} pieces
 */
export function v2Layout(entries: readonly V2FileEntry[], name: string, single: boolean, pieceLength: number): TorrentFile[] {
  const files: TorrentFile[] = [];
  let offset = 0;
  for (const e of entries) {
    const relativePath = single ? e.path[0]! : [name, ...e.path].join('/');
    files.push({
      path: e.path, relativePath, length: e.length, offset, pad: false,
      ...(e.attr === undefined ? {} : { attr: e.attr }),
      ...(e.piecesRoot === undefined ? {} : { piecesRoot: e.piecesRoot }),
    });
    offset += e.length;
    const gap = (pieceLength - (offset % pieceLength)) % pieceLength;
    if (e.length > 0 && gap > 0) {
      files.push({ path: ['.pad', String(gap)], relativePath: `${name}/.pad/${gap}`, length: gap, offset, pad: true, attr: 'p' });
      offset += gap;
    }
    if (!Number.isSafeInteger(offset) || offset / pieceLength > MAX_V2_PIECES) {
      throw new MetainfoError('ERR_METAINFO_TOO_LARGE', `more than ${MAX_V2_PIECES} pieces`);
    }
  }
  return files;
}

/**
 * Checks that a hybrid torrent's v1 file list describes the same data as its `file tree`: the
 * same files in the same order with the same lengths, and pad files that put every non-empty file
 * on the piece boundary v2 gives it (BEP 52 "Upgrade Path"). Returns the v1 files with each
 * file's `pieces root` attached.
 *
 * @param v1 - files from `files` / `length`, pad files included
 * @param v2 - the v2 layout of the same torrent ({@link v2Layout})
 * @param pieceLength - the piece length
 * @returns the v1 files, with v2 roots
 * @throws {@link MetainfoError} `ERR_METAINFO_INCONSISTENT` naming the first difference
 */
export function checkHybrid(v1: readonly TorrentFile[], v2: readonly TorrentFile[], pieceLength: number): TorrentFile[] {
  const real = v2.filter((f) => !f.pad);
  let next = 0;
  const out = v1.map((f) => {
    if (f.pad) return f;
    const other = real[next++];
    if (other === undefined) throw inconsistent(`"${f.relativePath}" is not in the file tree`);
    if (other.relativePath !== f.relativePath || other.length !== f.length) {
      throw inconsistent(`files list has "${f.relativePath}" (${f.length} bytes) where the file tree has "${other.relativePath}" (${other.length} bytes)`);
    }
    if (f.length > 0 && f.offset !== other.offset) {
      throw inconsistent(`"${f.relativePath}" starts at byte ${f.offset}, not on its piece boundary ${other.offset}`);
    }
    return other.piecesRoot === undefined ? f : { ...f, piecesRoot: other.piecesRoot };
  });
  if (next !== real.length) throw inconsistent(`the file tree has ${real.length - next} files more than the files list`);
  const last = v1.at(-1)!;
  const v2Pieces = Math.ceil((v2.at(-1)!.offset + v2.at(-1)!.length) / pieceLength);
  if (Math.ceil((last.offset + last.length) / pieceLength) !== v2Pieces) {
    throw inconsistent(`the files list spans more pieces than the file tree's ${v2Pieces}`);
  }
  return out;
}

function inconsistent(why: string): MetainfoError {
  return new MetainfoError('ERR_METAINFO_INCONSISTENT', `hybrid torrent: ${why}`);
}

/**
 * Attaches each multi-piece file's piece layer, verified: the right size, and hashing up to the
 * file's `pieces root`. Each distinct layer is hashed once (identical files share a root), so the
 * work is linear in the bytes of `piece layers`.
 *
 * @param files - the torrent's files
 * @param pieceLength - the piece length
 * @param layers - `piece layers` by hex root, or undefined when the torrent has none (fetch them)
 * @returns the files, with `pieceLayer` set where one is needed
 * @throws {@link MetainfoError} `ERR_METAINFO_BAD_PIECE_LAYERS`
 */
export function attachPieceLayers(
  files: readonly TorrentFile[],
  pieceLength: number,
  layers: ReadonlyMap<string, Uint8Array | undefined> | undefined,
): TorrentFile[] {
  if (layers === undefined) return [...files];
  const verified = new Map<string, Uint8Array>();
  return files.map((f) => {
    if (f.pad || f.piecesRoot === undefined || f.length <= pieceLength) return f;
    const key = toHex(f.piecesRoot);
    let layer = verified.get(key);
    if (layer === undefined) {
      layer = verifyLayer(f, pieceLength, layers.has(key) ? layers.get(key) : missing(f));
      verified.set(key, layer);
    }
    return { ...f, pieceLayer: layer };
  });
}

function missing(f: TorrentFile): never {
  throw new MetainfoError('ERR_METAINFO_BAD_PIECE_LAYERS', `no piece layer for "${f.relativePath}"`);
}

function verifyLayer(f: TorrentFile, pieceLength: number, layer: Uint8Array | undefined): Uint8Array {
  const g = treeGeometry(f.length, pieceLength);
  if (layer === undefined || layer.length !== g.pieces * HASH_LENGTH) {
    throw new MetainfoError(
      'ERR_METAINFO_BAD_PIECE_LAYERS',
      `piece layer of "${f.relativePath}" is ${layer?.length ?? 'not a string of'} bytes; ${g.pieces} pieces need ${g.pieces * HASH_LENGTH}`,
    );
  }
  if (!FileTree.fromPieceLayer(g, layer).hasRoot(f.piecesRoot!)) {
    throw new MetainfoError('ERR_METAINFO_BAD_PIECE_LAYERS', `piece layer of "${f.relativePath}" does not hash to its pieces root`);
  }
  return layer;
}
