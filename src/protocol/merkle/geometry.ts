/**
 * The shape of one file's v2 Merkle tree: how many leaves, how tall, where the piece layer is.
 * Heights count from the leaves (0) up to the root; BEP 52 hash requests name layers this way.
 *
 * ```
 * height H   root                          H = log2(leafCount)
 *            …
 * height P   piece layer (one node per piece)   P = log2(pieceLength / 16 KiB)
 *            …
 * height 0   leaves (one per 16 KiB block, zero past the end of the file)
 * ```
 *
 * @module
 */
import { MerkleError } from '../../errors.js';
import { LEAF_LENGTH, MAX_TREE_HEIGHT, isPowerOfTwo, log2, nextPowerOfTwo } from './merkle.js';

/** The geometry of a non-empty file's tree. */
export interface TreeGeometry {
  /** File length in bytes (> 0). */
  readonly length: number;
  /** The torrent's piece length (a power of two ≥ 16 KiB). */
  readonly pieceLength: number;
  /** 16 KiB blocks holding data. */
  readonly blocks: number;
  /** Leaves of the padded tree: the power of two ≥ `blocks`. */
  readonly leafCount: number;
  /** Height of the root above the leaves. */
  readonly height: number;
  /** Leaves per piece. */
  readonly blocksPerPiece: number;
  /** Height of the piece layer (log2 of `blocksPerPiece`). */
  readonly pieceHeight: number;
  /** Pieces of the file (its data, piece-aligned). */
  readonly pieces: number;
  /**
   * True when the file fits one piece: its tree is no taller than a piece's, the torrent carries
   * no piece layer for it, and its one piece's hash is the root (over `leafCount` leaves, not a
   * whole piece's).
   */
  readonly singlePiece: boolean;
}

/**
 * The geometry of a file's tree.
 *
 * @param length - file length in bytes, > 0
 * @param pieceLength - a power of two ≥ 16 KiB
 * @returns the geometry
 * @throws {@link MerkleError} `ERR_MERKLE_INVALID_ARGUMENT` for an empty file or a bad piece length
 * @example
 * ```ts
 * treeGeometry(100_000, 32768); // { blocks: 7, leafCount: 8, height: 3, pieceHeight: 1, pieces: 4, … }
 * ```
 */
export function treeGeometry(length: number, pieceLength: number): TreeGeometry {
  if (!Number.isSafeInteger(length) || length <= 0) {
    throw new MerkleError('ERR_MERKLE_INVALID_ARGUMENT', `a Merkle tree needs a non-empty file, got ${length} bytes`);
  }
  if (!isPowerOfTwo(pieceLength) || pieceLength < LEAF_LENGTH) {
    throw new MerkleError('ERR_MERKLE_INVALID_ARGUMENT', `piece length ${pieceLength} is not a power of two ≥ 16 KiB`);
  }
  const blocks = Math.ceil(length / LEAF_LENGTH);
  const leafCount = nextPowerOfTwo(blocks);
  const height = log2(leafCount);
  if (height > MAX_TREE_HEIGHT) throw new MerkleError('ERR_MERKLE_INVALID_ARGUMENT', `a file of ${length} bytes is too large`);
  const blocksPerPiece = pieceLength / LEAF_LENGTH;
  const pieces = Math.ceil(length / pieceLength);
  return {
    length, pieceLength, blocks, leafCount, height, blocksPerPiece,
    pieceHeight: log2(blocksPerPiece), pieces, singlePiece: pieces === 1,
  };
}

/**
 * Nodes holding data at `height` (the rest of the layer's padded width are pad hashes).
 *
 * @example
 * ```ts
 * declare const g: TreeGeometry;
 * realNodes(g, g.pieceHeight) === g.pieces;
 * ```
 */
export function realNodes(g: TreeGeometry, height: number): number {
  return Math.ceil(g.blocks / 2 ** height);
}

/**
 * The padded width of the layer at `height`.
 *
 * @example
 * ```ts
 * declare const g: TreeGeometry;
 * layerWidth(g, 0) === g.leafCount;
 * ```
 */
export function layerWidth(g: TreeGeometry, height: number): number {
  return g.leafCount / 2 ** height;
}

/**
 * The leaves one piece of the file is verified over: a whole piece's worth, except for a file
 * that fits one piece, whose tree has only `leafCount` leaves.
 *
 * @example
 * ```ts
 * declare const g: TreeGeometry, pieceData: Uint8Array;
 * blockHashes(pieceData, pieceLeafCount(g));
 * ```
 */
export function pieceLeafCount(g: TreeGeometry): number {
  return g.singlePiece ? g.leafCount : g.blocksPerPiece;
}
