/**
 * The first step of a torrent's session: open storage and, when data may already be there,
 * recheck it (or trust a matching resume record).
 *
 * @module
 */
import { defer, from, map, mergeMap, of, type Observable } from 'rxjs';
import type { Bitfield } from '../../protocol/bitfield.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { recheckPieces } from '../recheck.js';
import { trustedHave } from './resume.js';
import type { SessionConfig, SessionStorage } from './sessionConfig.js';

export type { SessionStorage } from './sessionConfig.js';

/** What {@link startRecheck} emits: recheck progress, then one `ready`. */
export type StartEvent =
  | { readonly type: 'checking'; readonly checked: number; readonly total: number }
  | { readonly type: 'ready'; readonly storage: SessionStorage; readonly have: Bitfield | undefined };

/**
 * Opens storage, then rechecks when seeding or when it reports existing data (a download trusts
 * a matching resume record instead).
 *
 * @returns `checking` progress while pieces are read back, then one `ready` with the open
 *   storage and the pieces verified on it (undefined: none), then completes
 * @example
 * ```ts
 * declare const config: SessionConfig;
 * declare function go(storage: PieceStorage, have: Bitfield | undefined): void;
 * startRecheck(torrent, config, () => openFileStorage(torrent, { path })).subscribe((e) => e.type === 'ready' && go(e.storage, e.have));
 * ```
 */
export function startRecheck(torrent: Torrent, config: Pick<SessionConfig, 'mode' | 'path'>, open: () => Promise<SessionStorage>): Observable<StartEvent> {
  return defer(() => from(open())).pipe(
    mergeMap((storage): Observable<StartEvent> => {
      if (config.mode !== 'seed' && storage.hasExistingData !== true) return of({ type: 'ready', storage, have: undefined });
      // A download with a matching resume record skips the recheck; seeding always rechecks.
      const trusted = config.mode === 'seed' ? of(undefined) : defer(() => from(trustedHave(torrent, config.path, storage)));
      return trusted.pipe(
        mergeMap((have): Observable<StartEvent> => {
          if (have !== undefined) return of({ type: 'ready', storage, have });
          return recheckPieces(torrent, storage).pipe(
            map((event): StartEvent => (event.type === 'progress'
              ? { type: 'checking', checked: event.checked, total: event.total }
              : { type: 'ready', storage, have: event.have })),
          );
        }),
      );
    }),
  );
}
