/**
 * Rechecking data on disk: read every piece back and hash it, to learn which pieces we have
 * (before seeding given content, or when resuming a download).
 *
 * @module
 */
import { defer, endWith, from, map, mergeMap, scan, type Observable } from 'rxjs';
import { Bitfield } from '../protocol/bitfield.js';
import { checkPiece, pieceSize, type Torrent } from '../protocol/metainfo/index.js';
import type { PieceStorage } from './storage/index.js';

/** Options of {@link recheckPieces}. */
export interface RecheckConfig {
  /** Pieces read at once (reads overlap hashing). @default 4 */
  readonly concurrency?: number;
  /** Only these pieces are checked (others count as missing). @default all */
  readonly pieces?: Iterable<number>;
}

/** Progress of a recheck, then the pieces found valid. */
export type RecheckEvent =
  | { readonly type: 'progress'; readonly checked: number; readonly total: number; readonly valid: number }
  | { readonly type: 'done'; readonly have: Bitfield };

/**
 * Reads and hashes pieces from storage.
 *
 * ```
 * recheckPieces(t, s) ──p(1/3)──p(2/3)──p(3/3)──done|
 * ```
 *
 * @param torrent - expected hashes and geometry
 * @param storage - where the data is
 * @param config - concurrency and which pieces
 * @returns progress events, then `done` with the valid pieces; read errors error the stream
 * @example
 * ```ts
 * declare const storage: PieceStorage;
 * const last = await lastValueFrom(recheckPieces(torrent, storage));
 * if (last.type === 'done') console.log(last.have.count);
 * ```
 */
export function recheckPieces(torrent: Torrent, storage: Pick<PieceStorage, 'readBlock'>, config: RecheckConfig = {}): Observable<RecheckEvent> {
  return defer(() => {
    const indices = [...(config.pieces ?? Array.from({ length: torrent.pieceCount }, (_, i) => i))];
    const have = new Bitfield(torrent.pieceCount);
    return from(indices).pipe(
      mergeMap(
        (index) =>
          from(storage.readBlock(index, 0, pieceSize(torrent, index))).pipe(
            map((data) => ({ index, ok: checkPiece(torrent, index, data) })),
          ),
        config.concurrency ?? 4,
      ),
      scan((checked, result) => {
        if (result.ok) have.set(result.index);
        return checked + 1;
      }, 0),
      map((checked): RecheckEvent => ({ type: 'progress', checked, total: indices.length, valid: have.count })),
      endWith<RecheckEvent>({ type: 'done', have }),
    );
  });
}
