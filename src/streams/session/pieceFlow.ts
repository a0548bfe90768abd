/**
 * The piece half of a download: accepted blocks are assembled into pieces, verified (SHA-1, on
 * the main thread or on hash workers; a v2-only torrent's SHA-256 trees on the main thread), written, and counted until the last one is on disk and
 * storage is finalized. The piece flow is the one writer of the session's {@link ProgressBook}.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { defer, filter, mergeMap, Observable, of, tap, type OperatorFunction } from 'rxjs';
import { assemblePieces } from '../../operators/assemblePieces.js';
import { trackCompletion } from '../../operators/trackCompletion.js';
import { verifyPieces } from '../../operators/verifyPieces.js';
import { verifyPiecesConcurrently } from '../../operators/verifyPiecesConcurrently.js';
import { writePieces } from '../../operators/writePieces.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { AssembledPiece, PieceVerdict, ReceivedBlock } from '../../protocol/pieces/index.js';
import type { SwarmEvent } from '../../protocol/scheduler/index.js';
import { HashWorkers } from '../hash/hashWorkers.js';
import { PiecePool } from '../storage/piecePool.js';
import type { ProgressBook } from './progressBook.js';
import type { SessionStorage } from './sessionConfig.js';

/** What {@link pieceFlow} reads. */
export interface PieceFlowInput {
  readonly torrent: Torrent;
  readonly storage: SessionStorage;
  /** What we have; pieces are added as they are written. */
  readonly book: ProgressBook;
  readonly blocks$: Observable<ReceivedBlock>;
  /** Hash worker threads (0: hash on the main thread). */
  readonly hashThreads: number;
}

/** What {@link pieceFlow} emits. */
export type PieceFlowOutput =
  /**
   * A piece's hash verdict, before it is written. Its `data` is valid only while this value is
   * handled: the buffer then goes back to the pool (or, verified, to the disk).
   */
  | { readonly type: 'verdict'; readonly verdict: PieceVerdict }
  /** What the scheduler must hear: `piece-failed` at a bad hash, `piece-verified` once on disk. */
  | { readonly type: 'scheduler'; readonly event: SwarmEvent }
  /** The piece is on disk and in the book. */
  | { readonly type: 'written'; readonly index: number }
  /** The last piece is written and storage finalized. */
  | { readonly type: 'complete' };

/**
 * Runs a download's piece pipeline.
 *
 * ```
 * blocks$: -b-b-b-b-----b-b-b-b----|
 * output:  -------v(s)w------v(s)w(c)    (v verdict, s scheduler event, w written, c complete)
 * ```
 *
 * @param input - the torrent, storage, book and accepted blocks
 * @returns verdicts, scheduler feedback, written pieces, completion; errors when storage fails
 * @example
 * ```ts
 * declare const storage: PieceStorage, book: ProgressBook, blocks$: PieceFlowInput['blocks$'];
 * declare function done(): void;
 * pieceFlow({ torrent, storage, book, blocks$, hashThreads: 0 }).subscribe((out) => out.type === 'complete' && done());
 * ```
 */
export function pieceFlow(input: PieceFlowInput): Observable<PieceFlowOutput> {
  return defer(() => {
    const { torrent, storage, book } = input;
    // Piece buffers are recycled once written (or rejected): memory stays at what is in flight.
    const pool = new PiecePool(torrent.pieceLength);
    const writing = new Map<number, Uint8Array>();
    // Each piece buffer moves to a hash worker and back (when asked for): no copy.
    // The workers hash SHA-1 only: a v2-only torrent's Merkle roots are computed here.
    const hashers = new HashWorkers({ threads: torrent.version === 2 ? 0 : input.hashThreads });
    // Hashed here, a v1 piece is hashed while its blocks arrive: its last block costs a hash of
    // itself, not of the whole piece.
    const hash = hashers.threads === 0 && torrent.version !== 2 ? () => createHash('sha1') : undefined;
    const verify: OperatorFunction<AssembledPiece, PieceVerdict> =
      hashers.threads === 0 ? verifyPieces(torrent) : verifyPiecesConcurrently(torrent, { sha1: (data) => hashers.sha1(data), concurrency: 2 * hashers.threads });
    return new Observable<PieceFlowOutput>((subscriber) => {
      const subscription = input.blocks$
        .pipe(
          assemblePieces(torrent, { allocate: (size) => pool.take(size), hash }),
          verify,
          tap((verdict) => {
            subscriber.next({ type: 'verdict', verdict });
            if (verdict.type === 'failed') {
              pool.give(verdict.data);
              subscriber.next({ type: 'scheduler', event: { type: 'piece-failed', index: verdict.index } });
            } else {
              writing.set(verdict.index, verdict.data);
            }
          }),
          filter((verdict) => verdict.type === 'verified'),
          writePieces(storage),
          tap((written) => {
            const data = writing.get(written.index);
            writing.delete(written.index);
            if (data !== undefined) pool.give(data);
            book.add(written.index);
            // Verified pieces count as pending in the scheduler until they are on disk.
            subscriber.next({ type: 'scheduler', event: { type: 'piece-verified', index: written.index } });
            subscriber.next({ type: 'written', index: written.index });
          }),
          trackCompletion({ pieceCount: torrent.pieceCount, have: book.have, finalize: () => storage.finalize() }),
          mergeMap((event) => (event.type === 'complete' ? of<PieceFlowOutput>({ type: 'complete' }) : [])),
        )
        .subscribe(subscriber);
      // After the pipeline's own teardown: hashes it abandoned reject into a closed subscriber.
      subscription.add(() => void hashers.close());
      return subscription;
    });
  });
}
