/**
 * v2 piece verification over a parsed torrent (BEP 52): which hash a piece must have, whether it
 * does, and each file's Merkle tree for answering hash requests. Pure; the session feeds it pieces
 * and the piece hashes it fetched for a magnet.
 *
 * @module
 */
import { equalBytes, toHex } from '../bytes.js';
import { FileTree, hashAt, pieceRoot, treeGeometry, type TreeGeometry } from '../merkle/index.js';
import { pieceHash, pieceInFile } from './layout.js';
import { sha1 } from './pieceHasher.js';
import type { Torrent, TorrentFile } from './torrent.js';

type V2Torrent = Pick<Torrent, 'pieceLength' | 'pieceCount' | 'files'>;

/**
 * The geometry of file `fileIndex`'s tree.
 *
 * @example
 * ```ts
 * declare const i: number;
 * const g = fileGeometry(torrent, pieceInFile(torrent, i).fileIndex);
 * ```
 */
export function fileGeometry(torrent: Pick<Torrent, 'pieceLength' | 'files'>, fileIndex: number): TreeGeometry {
  const file = torrent.files[fileIndex];
  if (file === undefined || file.length === 0) throw new RangeError(`file ${fileIndex} has no tree`);
  return treeGeometry(file.length, torrent.pieceLength);
}

/**
 * The v2 hash piece `index` must have: its piece-layer entry, or for a file of one piece the
 * file's root. Undefined when the piece layer is not known yet (a magnet's: fetch it, then pass
 * the hash to {@link verifyPieceV2} yourself).
 *
 * @example
 * ```ts
 * declare const i: number, fetches: Map<number, PieceLayerFetch>, fileIndex: number, filePiece: number;
 * const expected = expectedPieceHashV2(torrent, i) ?? fetches.get(fileIndex)?.pieceHash(filePiece);
 * ```
 */
export function expectedPieceHashV2(torrent: V2Torrent, index: number): Uint8Array | undefined {
  const { fileIndex, filePiece } = pieceInFile(torrent, index);
  const file = torrent.files[fileIndex]!;
  if (file.length <= torrent.pieceLength) return file.piecesRoot;
  return file.pieceLayer === undefined ? undefined : hashAt(file.pieceLayer, filePiece);
}

/**
 * Verifies an assembled piece against its v2 hash: the Merkle root of its file's bytes (pad
 * bytes after the file's end are not hashed) over a piece's worth of leaves.
 *
 * @param torrent - a v2 or hybrid torrent
 * @param index - the piece index
 * @param piece - the piece as assembled (`pieceSize` bytes; only the first `dataLength` are hashed)
 * @param expected - the hash to check against @default expectedPieceHashV2(torrent, index)
 * @returns true or false, or undefined when no expected hash is known
 * @example
 * ```ts
 * declare const i: number, data: Uint8Array;
 * declare function askForBlockHashes(index: number): void;
 * if (verifyPieceV2(torrent, i, data) === false) askForBlockHashes(i);
 * ```
 */
export function verifyPieceV2(torrent: V2Torrent, index: number, piece: Uint8Array, expected = expectedPieceHashV2(torrent, index)): boolean | undefined {
  if (expected === undefined) return undefined;
  const { fileIndex, dataLength } = pieceInFile(torrent, index);
  if (piece.length < dataLength) return false;
  return equalBytes(pieceRoot(fileGeometry(torrent, fileIndex), piece.subarray(0, dataLength)), expected);
}

/** What {@link checkPiece} reads: a v1 torrent's `pieces`, or a v2 one's geometry and trees too. */
export type CheckableTorrent = Pick<Torrent, 'pieces'> | Pick<Torrent, 'pieces' | 'version' | 'pieceLength' | 'pieceCount' | 'files'>;

/**
 * Whether an assembled piece is the one the torrent describes: its SHA-1 against `pieces` (v1
 * and hybrid; a hybrid's v2 trees describe the same bytes), or for a v2-only torrent its Merkle
 * root against the piece layer ({@link verifyPieceV2}; a missing layer never verifies).
 *
 * @param torrent - the torrent
 * @param index - the piece index (in range)
 * @param piece - the piece's bytes
 * @param digest - the SHA-1 of `piece`, when already computed (a v2-only torrent ignores it)
 * @returns true when the piece is good
 * @example
 * ```ts
 * declare const piece: AssembledPiece;
 * const ok = checkPiece(torrent, piece.index, piece.data);
 * ```
 */
export function checkPiece(torrent: CheckableTorrent, index: number, piece: Uint8Array, digest?: Uint8Array): boolean {
  if ('version' in torrent && torrent.version === 2) return verifyPieceV2(torrent, index, piece) === true;
  return equalBytes(digest ?? sha1(piece), pieceHash(torrent, index));
}

/**
 * Whether every piece of a v2-only torrent has a known hash: each file larger than a piece came
 * with its piece layer (a `.torrent` may omit `piece layers`, a magnet's info dict never has them).
 * True for v1 and hybrid torrents, which verify by SHA-1.
 *
 * @example
 * ```ts
 * if (!hasPieceHashes(torrent)) throw new Error('the piece layers must be fetched first');
 * ```
 */
export function hasPieceHashes(torrent: Pick<Torrent, 'version' | 'pieceLength' | 'files'>): boolean {
  return torrent.version !== 2 || torrent.files.every((f) => f.pad || f.length <= torrent.pieceLength || f.pieceLayer !== undefined);
}

/**
 * File `fileIndex`'s upper Merkle tree (piece layer to root), to serve hash requests from: built
 * from its `pieceLayer` (or a fetched one), or for a file of one piece from its data.
 *
 * @param torrent - the torrent
 * @param fileIndex - a non-empty, non-pad file
 * @param source - the file's piece layer when the torrent lacks it, or a one-piece file's bytes
 * @returns the tree, or undefined when neither the torrent nor `source` gives its layer
 * @example
 * ```ts
 * declare const fileIndex: number;
 * const tree = fileTreeOf(torrent, fileIndex);
 * ```
 */
export function fileTreeOf(torrent: Pick<Torrent, 'pieceLength' | 'files'>, fileIndex: number, source?: Uint8Array): FileTree | undefined {
  const file = torrent.files[fileIndex];
  if (file === undefined || file.pad || file.length === 0) return undefined;
  const g = fileGeometry(torrent, fileIndex);
  if (g.singlePiece) return source === undefined ? undefined : FileTree.fromSmallFile(g, source);
  const layer = file.pieceLayer ?? source;
  return layer === undefined ? undefined : FileTree.fromPieceLayer(g, layer);
}

/**
 * The files of a torrent by the hex of their `pieces root`, to route incoming hash requests and
 * replies (identical files share a root, and a tree: the first one is kept).
 *
 * @example
 * ```ts
 * declare const msg: HashesMessage;
 * const byRoot = filesByRoot(torrent); const fileIndex = byRoot.get(toHex(msg.piecesRoot));
 * ```
 */
export function filesByRoot(torrent: Pick<Torrent, 'files'>): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  torrent.files.forEach((f: TorrentFile, i) => {
    if (f.piecesRoot !== undefined && !out.has(toHex(f.piecesRoot))) out.set(toHex(f.piecesRoot), i);
  });
  return out;
}
