/**
 * `verifyPieces(torrent)`: whole pieces → verdicts (SHA-1; a v2-only torrent's by its Merkle trees).
 *
 * @module
 */
import { map, type OperatorFunction } from 'rxjs';
import { checkPiece, type CheckableTorrent } from '../protocol/metainfo/index.js';
import type { AssembledPiece, PieceVerdict } from '../protocol/pieces/index.js';

/**
 * Checks each piece against the metainfo (by the `digest` it carries, when the assembler hashed it
 * while its blocks arrived). A verdict keeps the piece and who sent each block, so
 * the session can return a failed piece to the pool and hold the right peers to account.
 *
 * ```
 * pieces:   -p0-p1-p2-|
 * verdicts: -v0-f1-v2-|      (v verified, f failed)
 * ```
 *
 * @param torrent - supplies the expected piece hashes
 * @returns the operator
 * @example
 * ```ts
 * declare const pieces$: import('rxjs').Observable<AssembledPiece>;
 * declare function report(peers: readonly PeerKey[]): void;
 * pieces$.pipe(verifyPieces(torrent), tap((v) => v.type === 'failed' && report(v.peers)));
 * ```
 */
export function verifyPieces(torrent: CheckableTorrent): OperatorFunction<AssembledPiece, PieceVerdict> {
  return map((piece): PieceVerdict => ({ type: checkPiece(torrent, piece.index, piece.data, piece.digest) ? 'verified' : 'failed', ...piece }));
}
