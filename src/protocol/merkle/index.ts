/**
 * BitTorrent v2 (BEP 52) Merkle trees, pure and synchronous: tree math, a file's upper tree, hash
 * requests served and verified, piece layers fetched, bad blocks found.
 *
 * ```
 * seeder:    hash request ─checkHashRange─serveHashes(FileTree, leaves?)─▶ hashes | hash reject
 * requester: PieceLayerFetch.requests() ─▶ hash request … hashes ─PieceLayerFetch.add─▶ piece hashes
 * bad piece: blockHashRequest ─▶ … hashes ─verifyHashes(g, trusted)─▶ leaves ─findBadBlocks─▶ blocks
 * ```
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html
 * @module
 */
export {
  HASH_LENGTH, LEAF_LENGTH, MAX_TREE_HEIGHT, blockHashes, hashAt, hashPair, isPowerOfTwo, layersAbove, log2,
  nextPowerOfTwo, padHash, rootOfLayer, sha256,
} from './merkle.js';
export { layerWidth, pieceLeafCount, realNodes, treeGeometry } from './geometry.js';
export type { TreeGeometry } from './geometry.js';
export { FileTree } from './fileTree.js';
export { MAX_HASHES_PER_REQUEST, checkHashRange, provedHeight, uncleCount } from './hashRange.js';
export type { HashRange } from './hashRange.js';
export { pieceNeededFor, serveHashes } from './serveHashes.js';
export { rootOnly, verifyHashes } from './verifyHashes.js';
export type { TrustedNodes } from './verifyHashes.js';
export { PieceLayerFetch } from './pieceLayerFetch.js';
export { FileMerkleHasher } from './fileHasher.js';
export type { FileHashes } from './fileHasher.js';
export { blockHashRequest, checkBlock, findBadBlocks, pieceRoot } from './blocks.js';
export { MerkleError } from '../../errors.js';
export type { MerkleErrorCode } from '../../errors.js';
