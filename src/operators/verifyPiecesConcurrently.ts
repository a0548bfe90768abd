/**
 * `verifyPiecesConcurrently(torrent, config)`: whole pieces → SHA-1 verdicts, hashed by an
 * asynchronous hasher (worker threads) several at a time.
 *
 * @module
 */
import { mergeMap, type OperatorFunction } from 'rxjs';
import { equalBytes } from '../protocol/bytes.js';
import { pieceHash, type Torrent } from '../protocol/metainfo/index.js';
import type { AssembledPiece, PieceVerdict } from '../protocol/pieces/index.js';

/** A piece and its SHA-1, as a hasher gives them back (`HashWorkers#sha1` does). */
export interface HashedPiece {
  /** The 20-byte SHA-1. */
  readonly digest: Uint8Array;
  /** The piece's bytes: the view given, or a new view of the same memory. */
  readonly data: Uint8Array;
}

/** Options of {@link verifyPiecesConcurrently}. */
export interface VerifyPiecesConcurrentlyConfig {
  /**
   * The SHA-1 of a whole piece, e.g. `HashWorkers#sha1`. It may move the piece's memory elsewhere
   * meanwhile: the verdict carries the `data` it gives back.
   */
  readonly sha1: (data: Uint8Array) => Promise<HashedPiece>;
  /** Pieces being hashed at once at most. @default 2 */
  readonly concurrency?: number;
}

/**
 * Checks each piece against the metainfo like `verifyPieces`, but through an asynchronous hasher,
 * so the main thread goes on with the network while pieces are hashed elsewhere. A verdict's
 * `data` is the view the hasher gave back. Verdicts come in the order the hashes finish. A failing
 * hasher errors the stream.
 *
 * ```
 * pieces:   -p0-p1----p2-----|
 * verdicts: ----f1-v0-----v2-|   (v verified, f failed; in the order the hashes finish)
 * ```
 *
 * @param torrent - supplies the expected piece hashes
 * @param config - the hasher and how many pieces it may hash at once
 * @returns the operator
 * @example
 * ```ts
 * declare const pieces$: import('rxjs').Observable<AssembledPiece>;
 * const hashers = new HashWorkers();
 * pieces$.pipe(verifyPiecesConcurrently(torrent, { sha1: (d) => hashers.sha1(d), concurrency: 2 }));
 * ```
 */
export function verifyPiecesConcurrently(
  torrent: Pick<Torrent, 'pieces'>,
  config: VerifyPiecesConcurrentlyConfig,
): OperatorFunction<AssembledPiece, PieceVerdict> {
  const { sha1, concurrency = 2 } = config;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  return mergeMap(
    async (piece): Promise<PieceVerdict> => {
      const { digest, data } = await sha1(piece.data);
      return { type: equalBytes(digest, pieceHash(torrent, piece.index)) ? 'verified' : 'failed', ...piece, data };
    },
    concurrency,
  );
}
