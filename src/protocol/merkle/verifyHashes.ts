/**
 * The requester's side of BEP 52 hash messages: a `hashes` reply is trusted only when its hashes,
 * folded with its uncle hashes, give a node we already trust (the file's root, or a piece hash
 * verified earlier). Work is bounded by the range check: at most a few thousand SHA-256s.
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html (hashes)
 * @module
 */
import { MerkleError } from '../../errors.js';
import { copyOf, equalBytes } from '../bytes.js';
import type { TreeGeometry } from './geometry.js';
import { checkHashRange, describe, uncleCount, type HashRange } from './hashRange.js';
import { HASH_LENGTH, hashAt, hashPair, layersAbove, log2, nextPowerOfTwo, padHash } from './merkle.js';

/** Nodes of a file's tree the verifier already trusts. */
export interface TrustedNodes {
  /** The trusted node at `height` and `index`, or undefined when not known. */
  node(height: number, index: number): Uint8Array | undefined;
}

/**
 * The nodes trusted from the metainfo alone: the root, and the pad hashes of subtrees that hold
 * no data.
 *
 * @param g - the file's geometry
 * @param root - its `pieces root`
 * @returns the trusted nodes
 * @example
 * ```ts
 * declare const g: TreeGeometry, file: TorrentFile, msg: HashesMessage;
 * const hashes = verifyHashes(g, rootOnly(g, file.piecesRoot!), msg);
 * ```
 */
export function rootOnly(g: TreeGeometry, root: Uint8Array): TrustedNodes {
  return {
    node: (height, index) =>
      height === g.height && index === 0 ? root
      : height <= g.height && index * 2 ** height >= g.blocks ? padHash(height)
      : undefined,
  };
}

/**
 * Verifies a `hashes` reply.
 *
 * @param g - the file's geometry
 * @param trusted - nodes already trusted (a {@link FileTree}, {@link rootOnly}, a `PieceLayerFetch`)
 * @param reply - the reply's header and its hashes (base hashes, then uncles nearest the base first)
 * @returns the `length` base hashes (a copy, now trusted), or `ERR_MERKLE_BAD_REQUEST` (a header
 *   outside the tree), `ERR_MERKLE_NOT_CHAINED` (the wrong number of hashes, or hashes that do not
 *   hash to the trusted node: the sender lied), `ERR_MERKLE_UNVERIFIABLE` (a proof ending below
 *   every node we trust: ask with more proof layers)
 * @example
 * ```ts
 * declare const g: TreeGeometry, fetch: PieceLayerFetch, msg: HashesMessage, peer: PeerKey, piece: Uint8Array;
 * declare function ban(peer: PeerKey): void;
 * const leaves = verifyHashes(g, fetch, msg);
 * if (leaves instanceof MerkleError) ban(peer); else findBadBlocks(piece, leaves);
 * ```
 */
export function verifyHashes(
  g: TreeGeometry,
  trusted: TrustedNodes,
  reply: HashRange & { readonly hashes: Uint8Array },
): Uint8Array | MerkleError {
  const problem = checkHashRange(g, reply);
  if (problem !== undefined) return problem;
  const uncles = uncleCount(reply.length, reply.proofLayers);
  if (reply.hashes.length !== (reply.length + uncles) * HASH_LENGTH) {
    return new MerkleError(
      'ERR_MERKLE_NOT_CHAINED',
      `hashes ${describe(reply)}: ${reply.hashes.length} bytes, expected ${(reply.length + uncles) * HASH_LENGTH}`,
    );
  }
  const span = nextPowerOfTwo(reply.length);
  const base = reply.hashes.subarray(0, reply.length * HASH_LENGTH);
  let node = layersAbove(base, span, reply.baseLayer).at(-1)!;
  let index = reply.index / span;
  // Ends at provedHeight(reply): the subtree's root, then one level per uncle.
  let height = reply.baseLayer + log2(span);
  for (let u = 0; u < uncles; u++, height++, index = Math.floor(index / 2)) {
    const uncle = hashAt(reply.hashes, reply.length + u);
    node = index % 2 === 0 ? hashPair(node, uncle) : hashPair(uncle, node);
  }
  const expected = trusted.node(height, index);
  if (expected === undefined) {
    return new MerkleError('ERR_MERKLE_UNVERIFIABLE', `hashes ${describe(reply)}: no trusted node at layer ${height}`);
  }
  if (!equalBytes(expected, node)) {
    return new MerkleError('ERR_MERKLE_NOT_CHAINED', `hashes ${describe(reply)} do not hash up to the trusted node`);
  }
  return copyOf(base);
}
