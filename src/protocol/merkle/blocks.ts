/**
 * Block-level verification: v2 trees hash every 16 KiB block, so once a piece fails, the trusted
 * leaf hashes of that piece (asked from a peer and proven to the piece's hash) name the exact
 * blocks that were bad — and so the peers that sent them.
 *
 * @module
 */
import { equalBytes } from '../bytes.js';
import { pieceLeafCount, type TreeGeometry } from './geometry.js';
import type { HashRange } from './hashRange.js';
import { HASH_LENGTH, LEAF_LENGTH, blockHashes, hashAt, layersAbove, log2, sha256 } from './merkle.js';

/**
 * The root of one piece's subtree: the hash the piece layer holds for it (for a file that fits
 * one piece, the file's `pieces root`).
 *
 * @param g - the file's geometry
 * @param data - the piece's bytes that belong to the file (the last piece of a file is shorter)
 * @returns 32 bytes
 * @example
 * ```ts
 * declare const g: TreeGeometry, data: Uint8Array, expected: Uint8Array;
 * const ok = equalBytes(pieceRoot(g, data), expected);
 * ```
 */
export function pieceRoot(g: TreeGeometry, data: Uint8Array): Uint8Array {
  const width = pieceLeafCount(g);
  return layersAbove(blockHashes(data, width), width, 0).at(-1)!;
}

/**
 * The hash request for one piece's block hashes, proven up to that piece's hash (the piece layer
 * node, or the root of a one-piece file): the request libtorrent sends after a hash failure.
 *
 * @param g - the file's geometry
 * @param piecesRoot - the file's root
 * @param filePiece - the piece's index inside the file
 * @returns the range, or undefined when a piece is one block (its hash is the block's)
 * @example
 * ```ts
 * declare const g: TreeGeometry, file: TorrentFile;
 * declare function send(message: HashRequestMessage): void;
 * const r = blockHashRequest(g, file.piecesRoot!, 3);
 * if (r) send({ type: 'hash-request', ...r });
 * ```
 */
export function blockHashRequest(g: TreeGeometry, piecesRoot: Uint8Array, filePiece: number): HashRange | undefined {
  const length = pieceLeafCount(g);
  if (length < 2) return undefined;
  return { piecesRoot, baseLayer: 0, index: filePiece * length, length, proofLayers: log2(length) - 1 };
}

/**
 * The blocks of a piece whose data does not match the trusted leaf hashes.
 *
 * @param data - the piece's bytes that belong to the file
 * @param trustedLeaves - the piece's leaf hashes, verified (e.g. by `verifyHashes`)
 * @returns indices of bad blocks inside the piece (multiply by 16 KiB for their offsets)
 * @example
 * ```ts
 * declare const piece: Uint8Array, leaves: Uint8Array, index: number;
 * declare function senderOf(index: number, offset: number): PeerKey;
 * declare function blame(peer: PeerKey): void;
 * for (const b of findBadBlocks(piece, leaves)) blame(senderOf(index, b * 16384));
 * ```
 */
export function findBadBlocks(data: Uint8Array, trustedLeaves: Uint8Array): number[] {
  const bad: number[] = [];
  const blocks = Math.ceil(data.length / LEAF_LENGTH);
  for (let i = 0; i < blocks; i++) {
    const block = data.subarray(i * LEAF_LENGTH, (i + 1) * LEAF_LENGTH);
    if ((i + 1) * HASH_LENGTH > trustedLeaves.length || !checkBlock(block, hashAt(trustedLeaves, i))) bad.push(i);
  }
  return bad;
}

/**
 * Whether one block matches its trusted leaf hash: with a piece's leaves known before its data
 * arrives, each block is checked as it comes in.
 *
 * @example
 * ```ts
 * declare const msg: PieceMessage, peer: PeerKey;
 * declare function leafOf(index: number, begin: number): Uint8Array;
 * declare function ban(peer: PeerKey): void;
 * if (!checkBlock(msg.block, leafOf(msg.index, msg.begin))) ban(peer);
 * ```
 */
export function checkBlock(block: Uint8Array, trustedLeaf: Uint8Array): boolean {
  return equalBytes(sha256(block), trustedLeaf);
}
