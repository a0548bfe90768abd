/**
 * `assemblePieces(geometry)`: accepted blocks → whole pieces.
 *
 * @module
 */
import type { OperatorFunction } from 'rxjs';
import { PieceAssembler, type AssembledPiece, type IncrementalHash, type PieceGeometry, type ReceivedBlock } from '../protocol/pieces/index.js';
import { operate } from './internal/operate.js';

/**
 * Gathers blocks into one buffer per piece and emits each piece when its last block arrives.
 *
 * ```
 * blocks: -b0.0-b1.0-b0.1-b1.1-|      (piece.block, 2 blocks per piece)
 * pieces: ----------------p0---p1-|
 * ```
 *
 * @param geometry - piece count, piece length and total length of the torrent
 * @param config - `allocate`: how piece buffers are made (default zero-filled `Uint8Array`s);
 *   `hash`: a SHA-1 fed each piece's in-order blocks as they arrive (the piece's `digest`)
 * @returns the operator; a block that does not fit the geometry errors with `PieceError`
 * @example
 * ```ts
 * declare const accepted$: import('rxjs').Observable<ReceivedBlock>;
 * accepted$.pipe(assemblePieces(torrent), verifyPieces(torrent));
 * ```
 */
export function assemblePieces(
  geometry: PieceGeometry,
  config: { readonly allocate?: (size: number) => Uint8Array; readonly hash?: () => IncrementalHash } = {},
): OperatorFunction<ReceivedBlock, AssembledPiece> {
  return operate<ReceivedBlock, AssembledPiece>((subscriber) => {
    const assembler = new PieceAssembler(geometry, config.allocate, config.hash);
    return {
      next: (block) => {
        const piece = assembler.add(block);
        if (piece !== undefined) subscriber.next(piece);
      },
    };
  });
}
