/**
 * The header every BEP 52 hash message carries (`hash request`, `hashes`, `hash reject`), and the
 * checks that keep the work of answering or verifying one bounded.
 *
 * ```
 *             root                          proof layers: uncles from the top of the requested
 *        x            x                     subtree upwards ("the first log2(length) - 1 proof
 *    x      x     [x      x]   ← uncles     layers are omitted": the hashes themselves give them)
 *   x x   x x   [x x x x]      ← base layer, `length` hashes from `index`
 * ```
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html (peer messages 21–23)
 * @module
 */
import { MerkleError } from '../../errors.js';
import { layerWidth, pieceLeafCount, realNodes, type TreeGeometry } from './geometry.js';
import { isPowerOfTwo, log2, nextPowerOfTwo } from './merkle.js';

/** Most hashes one request may ask for ("Length SHOULD NOT be greater than 512", BEP 52). */
export const MAX_HASHES_PER_REQUEST = 512;

/** Which hashes of which file's tree: the payload of a hash request or reject, the head of `hashes`. */
export interface HashRange {
  /** The file's `pieces root` (32 bytes). */
  readonly piecesRoot: Uint8Array;
  /** Height of the requested layer above the leaves (0 = block hashes). */
  readonly baseLayer: number;
  /** First requested node in that layer; a multiple of the (power-of-two) length. */
  readonly index: number;
  /** Nodes requested: a power of two, or fewer when the layer's data ends. */
  readonly length: number;
  /** Ancestor layers to prove the hashes with (uncle hashes are sent for the ones not implied). */
  readonly proofLayers: number;
}

/**
 * The uncle hashes a `hashes` reply carries after its `length` base hashes: one per proof layer
 * above the requested subtree (`proofLayers - log2(length) + 1`, at least 0).
 *
 * @example
 * ```ts
 * uncleCount(512, 12); // 4
 * ```
 */
export function uncleCount(length: number, proofLayers: number): number {
  return Math.max(0, proofLayers - log2(nextPowerOfTwo(length)) + 1);
}

/**
 * The height of the node a complete reply proves: the root of the requested subtree, or the
 * parent of the last uncle.
 *
 * @example
 * ```ts
 * provedHeight({ baseLayer: 1, length: 4, proofLayers: 5 }); // 7
 * ```
 */
export function provedHeight(r: Pick<HashRange, 'baseLayer' | 'length' | 'proofLayers'>): number {
  return r.baseLayer + Math.max(log2(nextPowerOfTwo(r.length)), r.proofLayers + 1);
}

/**
 * Checks that a hash range lies inside a file's tree and asks for a bounded amount of work.
 * Cost: O(1), before any hashing.
 *
 * @param g - the file's tree geometry
 * @param r - the request (or a reply's header)
 * @returns undefined when acceptable, else `ERR_MERKLE_BAD_REQUEST` saying why
 * @example
 * ```ts
 * declare const geometry: TreeGeometry, msg: HashRequestMessage;
 * declare function send(message: HashRejectMessage): void;
 * const problem = checkHashRange(geometry, msg); if (problem) send({ ...msg, type: 'hash-reject' });
 * ```
 */
export function checkHashRange(g: TreeGeometry, r: HashRange): MerkleError | undefined {
  const bad = (why: string) => new MerkleError('ERR_MERKLE_BAD_REQUEST', `hash request ${describe(r)}: ${why}`);
  const { baseLayer, index, length, proofLayers } = r;
  if (!Number.isInteger(baseLayer) || baseLayer < 0 || baseLayer >= g.height) return bad(`layer outside 0..${g.height - 1}`);
  const cap = baseLayer === 0 ? Math.max(MAX_HASHES_PER_REQUEST, pieceLeafCount(g)) : MAX_HASHES_PER_REQUEST;
  if (!Number.isInteger(length) || length < 1 || length > cap) return bad(`length outside 1..${cap}`);
  const span = nextPowerOfTwo(length);
  const width = layerWidth(g, baseLayer);
  if (!Number.isInteger(index) || index < 0 || index % span !== 0) return bad(`index not a multiple of ${span}`);
  if (index + span > width) return bad(`past the end of a layer of ${width}`);
  if (!isPowerOfTwo(length) && index + length !== realNodes(g, baseLayer)) {
    return bad('length neither a power of two nor cut by the end of the layer');
  }
  if (!Number.isInteger(proofLayers) || proofLayers < 0 || proofLayers >= g.height - baseLayer) {
    return bad(`proof layers outside 0..${g.height - baseLayer - 1}`);
  }
  return undefined;
}

/**
 * A short description of a range for messages.
 *
 * @example
 * ```ts
 * describe({ baseLayer: 0, index: 0, length: 512, proofLayers: 2 });
 * ```
 */
export function describe(r: Omit<HashRange, 'piecesRoot'>): string {
  return `(layer ${r.baseLayer}, index ${r.index}, length ${r.length}, proof ${r.proofLayers})`;
}
