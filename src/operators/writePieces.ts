/**
 * `writePieces(storage)`: the sink. Verified pieces in, acknowledgements out.
 *
 * @module
 */
import { from, map, mergeMap, type OperatorFunction } from 'rxjs';
import type { PieceWritten } from '../protocol/pieces/index.js';

/** Where pieces are written: the `writePiece` half of a `PieceStorage`. */
export interface PieceSink {
  writePiece(index: number, data: Uint8Array): Promise<void>;
}

/** Options of {@link writePieces}. */
export interface WritePiecesConfig {
  /** Writes in flight at once; more pieces wait (memory stays bounded). @default 4 */
  readonly concurrency?: number;
}

/**
 * Writes each piece and emits {@link PieceWritten} only after the write resolved, so whatever
 * counts completion counts data that is on disk. A failed write errors the stream.
 *
 * ```
 * pieces:  -p0-p1-------|
 * written: ---w0----w1--|    (each after its write resolves)
 * ```
 *
 * @param storage - the sink
 * @param config - write concurrency
 * @returns the operator
 * @example
 * ```ts
 * declare const verified$: import('rxjs').Observable<PieceVerdict>, storage: PieceStorage;
 * verified$.pipe(writePieces(storage), trackCompletion({ pieceCount, finalize: () => storage.finalize() }));
 * ```
 */
export function writePieces(
  storage: PieceSink,
  config: WritePiecesConfig = {},
): OperatorFunction<{ readonly index: number; readonly data: Uint8Array }, PieceWritten> {
  return mergeMap(
    (piece) => from(storage.writePiece(piece.index, piece.data)).pipe(map(() => ({ index: piece.index, length: piece.data.length }))),
    config.concurrency ?? 4,
  );
}
