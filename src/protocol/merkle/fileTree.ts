/**
 * A file's v2 Merkle tree from its piece layer up to the root, the part a seeder keeps to answer
 * hash requests (BEP 52): the leaves below it are recomputed from the data when asked for.
 *
 * @module
 */
import { MerkleError } from '../../errors.js';
import { equalBytes } from '../bytes.js';
import { layerWidth, pieceLeafCount, realNodes, type TreeGeometry } from './geometry.js';
import { HASH_LENGTH, blockHashes, hashAt, layersAbove, padHash } from './merkle.js';

/**
 * The upper tree of one file: every node at or above the piece layer (for a file that fits one
 * piece, the whole tree is its root). Immutable; O(pieces) memory.
 *
 * @example
 * ```ts
 * declare const file: TorrentFile, t: Torrent;
 * const tree = FileTree.fromPieceLayer(treeGeometry(file.length, t.pieceLength), file.pieceLayer!);
 * tree.root; // equals file.piecesRoot
 * ```
 */
export class FileTree {
  /** Real nodes of each layer, from the piece layer (index 0) to the root. */
  readonly #layers: readonly Uint8Array[];

  private constructor(
    /** The tree's shape. */
    readonly geometry: TreeGeometry,
    layers: readonly Uint8Array[],
  ) {
    this.#layers = layers;
  }

  /**
   * Builds the tree over a file's piece layer (one hash per piece, pad hashes omitted).
   *
   * @param geometry - the file's geometry; must span more than one piece
   * @param pieceLayer - `pieces` × 32 bytes
   * @returns the tree; compare its `root` with the file's `pieces root`
   * @throws {@link MerkleError} `ERR_MERKLE_INVALID_ARGUMENT` for a layer of the wrong size
   */
  static fromPieceLayer(geometry: TreeGeometry, pieceLayer: Uint8Array): FileTree {
    if (geometry.singlePiece || pieceLayer.length !== geometry.pieces * HASH_LENGTH) {
      throw new MerkleError(
        'ERR_MERKLE_INVALID_ARGUMENT',
        `a piece layer of ${pieceLayer.length} bytes does not fit a file of ${geometry.pieces} pieces`,
      );
    }
    return new FileTree(geometry, layersAbove(pieceLayer, layerWidth(geometry, geometry.pieceHeight), geometry.pieceHeight));
  }

  /**
   * Builds the tree of a file that fits one piece from its whole content.
   *
   * @param geometry - a single-piece geometry
   * @param data - the file's bytes
   * @returns the tree (its only node is the root)
   */
  static fromSmallFile(geometry: TreeGeometry, data: Uint8Array): FileTree {
    if (!geometry.singlePiece || data.length !== geometry.length) {
      throw new MerkleError('ERR_MERKLE_INVALID_ARGUMENT', 'fromSmallFile needs the whole content of a one-piece file');
    }
    const leaves = blockHashes(data, pieceLeafCount(geometry));
    return new FileTree(geometry, [layersAbove(leaves, geometry.leafCount, 0).at(-1)!]);
  }

  /** The file's `pieces root`. */
  get root(): Uint8Array {
    return this.#layers[this.#layers.length - 1]!;
  }

  /** The piece layer without padding (`pieces` × 32 bytes); for a one-piece file, the root. */
  get pieceLayer(): Uint8Array {
    return this.#layers[0]!;
  }

  /** The lowest height this tree holds: the piece layer's, or the root's for a one-piece file. */
  get lowestHeight(): number {
    return this.geometry.singlePiece ? this.geometry.height : this.geometry.pieceHeight;
  }

  /**
   * The node at `height` and `index` (pad hashes past the data included).
   *
   * @param height - from {@link lowestHeight} up to the root's
   * @param index - position in that layer's padded width
   * @returns 32 bytes, or undefined outside the tree or below the piece layer
   */
  node(height: number, index: number): Uint8Array | undefined {
    const layer = this.#layers[height - this.lowestHeight];
    if (layer === undefined || index < 0 || index >= layerWidth(this.geometry, height)) return undefined;
    return index < realNodes(this.geometry, height) ? hashAt(layer, index) : padHash(height);
  }

  /** True when `root` is this tree's root. */
  hasRoot(root: Uint8Array): boolean {
    return equalBytes(root, this.root);
  }
}
