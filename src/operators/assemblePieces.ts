/**
 * `assemblePieces(geometry)`: accepted blocks → whole pieces.
 *
 * @module
 */
import type { OperatorFunction } from 'rxjs';
import { PieceAssembler, type AssembledPiece, type PieceGeometry, type ReceivedBlock } from '../protocol/pieces/index.js';
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
 * @param config - `allocate`: how piece buffers are made (default zero-filled `Uint8Array`s)
 * @returns the operator; a block that does not fit the geometry errors with `PieceError`
 * @example
 * ```ts
 * accepted$.pipe(assemblePieces(torrent), verifyPieces(torrent));
 * ```
 */
export function assemblePieces(
  geometry: PieceGeometry,
  config: { readonly allocate?: (size: number) => Uint8Array } = {},
): OperatorFunction<ReceivedBlock, AssembledPiece> {
  return operate<ReceivedBlock, AssembledPiece>((subscriber) => {
    const assembler = new PieceAssembler(geometry, config.allocate);
    return {
      next: (block) => {
        const piece = assembler.add(block);
        if (piece !== undefined) subscriber.next(piece);
      },
    };
  });
}
