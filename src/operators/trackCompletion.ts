/**
 * `trackCompletion(config)`: write acknowledgements → progress, and the finish.
 *
 * @module
 */
import { concat, defer, EMPTY, from, mergeMap, of, takeWhile, type Observable, type OperatorFunction } from 'rxjs';
import { Bitfield } from '../protocol/bitfield.js';
import type { PieceWritten } from '../protocol/pieces/index.js';

/** Options of {@link trackCompletion}. */
export interface TrackCompletionConfig {
  readonly pieceCount: number;
  /** Pieces already on disk when the stream starts (copied, never changed). */
  readonly have?: Bitfield;
  /** Called once after the last piece is written (e.g. `storage.finalize()`). */
  readonly finalize?: () => Promise<void>;
}

/** Progress after each write, then one `complete` once finalize resolved. */
export type CompletionEvent =
  | { readonly type: 'progress'; readonly index: number; readonly have: number; readonly pieceCount: number }
  | { readonly type: 'complete'; readonly pieceCount: number };

/**
 * Counts written pieces; after the last one runs `finalize` and emits `complete`, then
 * completes. Repeated acknowledgements of a piece count once.
 *
 * ```
 * written: -w0-w1-w2|          (3 pieces)
 * out:     -p--p--p-(c|)       (c after finalize resolves)
 * ```
 *
 * @param config - piece count, pieces already had, finalize hook
 * @returns the operator
 * @example
 * ```ts
 * declare const written$: import('rxjs').Observable<PieceWritten>, storage: PieceStorage;
 * written$.pipe(trackCompletion({ pieceCount: torrent.pieceCount, finalize: () => storage.finalize() }));
 * ```
 */
export function trackCompletion(config: TrackCompletionConfig): OperatorFunction<PieceWritten, CompletionEvent> {
  return (written$) =>
    defer(() => {
      const have = config.have ? Bitfield.fromBytes(config.have.toBytes(), config.pieceCount) : new Bitfield(config.pieceCount);
      let finished = false;
      const finish = (): Observable<CompletionEvent> => {
        if (finished) return EMPTY;
        finished = true;
        return concat(
          defer(() => from(config.finalize?.() ?? Promise.resolve())).pipe(mergeMap(() => EMPTY)),
          of<CompletionEvent>({ type: 'complete', pieceCount: config.pieceCount }),
        );
      };
      const progress$ = written$.pipe(
        mergeMap((w): Observable<CompletionEvent> => {
          if (!have.set(w.index) || finished) return EMPTY;
          const event: CompletionEvent = { type: 'progress', index: w.index, have: have.count, pieceCount: config.pieceCount };
          return have.isComplete ? concat(of(event), finish()) : of(event);
        }),
        takeWhile((event) => event.type !== 'complete', true),
      );
      return have.isComplete ? finish() : progress$;
    });
}
