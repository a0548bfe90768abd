/**
 * The seeder's side of BEP 52 hash requests: the hashes and uncle hashes for a valid request,
 * computed from a file's {@link FileTree} (piece layer and up) and, for block hashes, from the one
 * piece's data the caller read. Semantics follow libtorrent's `merkle_tree::get_hashes`.
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html (hash request, hashes)
 * @module
 */
import { MerkleError } from '../../errors.js';
import type { FileTree } from './fileTree.js';
import { pieceLeafCount } from './geometry.js';
import { checkHashRange, describe, type HashRange } from './hashRange.js';
import { HASH_LENGTH, hashAt, layersAbove, log2, nextPowerOfTwo } from './merkle.js';

/**
 * Which piece of the file a block-hash request (base layer 0) needs the data of, or undefined when
 * the request needs no data (it is served from the tree alone) or is invalid.
 *
 * @param tree - the file's tree
 * @param r - the request
 * @returns the piece index inside the file, to read and hash with `blockHashes(data, pieceLeafCount(g))`
 * @example
 * ```ts
 * declare const tree: FileTree, msg: HashRequestMessage;
 * declare function readFilePiece(index: number): Promise<Uint8Array>;
 * const piece = pieceNeededFor(tree, msg);
 * const leaves = piece === undefined ? undefined : blockHashes(await readFilePiece(piece), pieceLeafCount(tree.geometry));
 * ```
 */
export function pieceNeededFor(tree: FileTree, r: HashRange): number | undefined {
  if (r.baseLayer !== 0 || checkHashRange(tree.geometry, r) !== undefined) return undefined;
  return Math.floor(r.index / pieceLeafCount(tree.geometry));
}

/**
 * Answers a hash request.
 *
 * @param tree - the file's tree, whose root is the request's `pieces root`
 * @param r - the request, untrusted
 * @param pieceLeaves - for base layer 0 only: the leaf hashes of the piece
 *   {@link pieceNeededFor} named (`pieceLeafCount` × 32 bytes, zero leaves past the file's end)
 * @returns the `hashes` payload (`length` base hashes, then the uncles, nearest the base first),
 *   or the reason to send `hash reject`: `ERR_MERKLE_BAD_REQUEST`, `ERR_MERKLE_UNSUPPORTED` (a
 *   layer between the leaves and the piece layer, or leaves of more than one piece),
 *   `ERR_MERKLE_UNAVAILABLE` (block hashes asked without the piece's leaves)
 * @example
 * ```ts
 * declare const tree: FileTree, msg: HashRequestMessage, leaves: Uint8Array | undefined;
 * declare function send(message: HashRejectMessage | HashesMessage): void;
 * const answer = serveHashes(tree, msg, leaves);
 * send(answer instanceof MerkleError ? { ...msg, type: 'hash-reject' } : { ...msg, type: 'hashes', hashes: answer });
 * ```
 */
export function serveHashes(tree: FileTree, r: HashRange, pieceLeaves?: Uint8Array): Uint8Array | MerkleError {
  const g = tree.geometry;
  const problem = checkHashRange(g, r);
  if (problem !== undefined) return problem;
  const leafCount = pieceLeafCount(g);
  const span = nextPowerOfTwo(r.length);
  let below: PieceSubtree | undefined;
  if (r.baseLayer < tree.lowestHeight) {
    if (r.baseLayer !== 0) return unsupported(r, 'only block hashes and the piece layer and above are served');
    if (span > leafCount) return unsupported(r, 'block hashes of more than one piece');
    if (pieceLeaves === undefined || pieceLeaves.length !== leafCount * HASH_LENGTH) {
      return new MerkleError('ERR_MERKLE_UNAVAILABLE', `hash request ${describe(r)}: the piece's block hashes are needed`);
    }
    below = new PieceSubtree(pieceLeaves, Math.floor(r.index / leafCount) * leafCount);
  }
  const node = (height: number, index: number): Uint8Array =>
    (height < tree.lowestHeight ? below?.node(height, index) : tree.node(height, index))!;
  const uncles: Uint8Array[] = [];
  for (let h = r.baseLayer + log2(span); h <= r.baseLayer + r.proofLayers; h++) {
    uncles.push(node(h, siblingOf(Math.floor(r.index / 2 ** (h - r.baseLayer)))));
  }
  const out = new Uint8Array((r.length + uncles.length) * HASH_LENGTH);
  for (let i = 0; i < r.length; i++) out.set(node(r.baseLayer, r.index + i), i * HASH_LENGTH);
  uncles.forEach((u, i) => out.set(u, (r.length + i) * HASH_LENGTH));
  return out;
}

/** The other child of the same parent (indices may exceed 2^31: no bitwise operators). */
function siblingOf(index: number): number {
  return index % 2 === 0 ? index + 1 : index - 1;
}

function unsupported(r: HashRange, why: string): MerkleError {
  return new MerkleError('ERR_MERKLE_UNSUPPORTED', `hash request ${describe(r)}: ${why}`);
}

/** The layers of one piece's subtree, from its leaves up to the piece's node. */
class PieceSubtree {
  readonly #layers: Uint8Array[];

  constructor(leaves: Uint8Array, readonly firstLeaf: number) {
    this.#layers = layersAbove(leaves, leaves.length / HASH_LENGTH, 0);
  }

  /** The node at `height` with index `index` in the file's layer (inside this piece). */
  node(height: number, index: number): Uint8Array | undefined {
    const layer = this.#layers[height];
    const local = index - this.firstLeaf / 2 ** height;
    return layer === undefined || local < 0 || local * HASH_LENGTH >= layer.length ? undefined : hashAt(layer, local);
  }
}
