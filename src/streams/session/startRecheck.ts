/**
 * The first step of a session: open storage and, when data may already be there, recheck it,
 * reporting progress through the snapshots.
 *
 * @module
 */
import { defer, filter, from, map, mergeMap, of, tap, type Observable } from 'rxjs';
import type { Bitfield } from '../../protocol/bitfield.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { recheckPieces } from '../recheck.js';
import { trustedHave } from './resume.js';
import type { SessionConfig, SessionStorage } from './sessionConfig.js';
import type { SnapshotBuilder } from './snapshotBuilder.js';

export type { SessionStorage } from './sessionConfig.js';

/**
 * Opens storage, then rechecks when seeding or when it reports existing data (a download trusts
 * a matching resume record instead).
 *
 * @returns one value: the open storage and the pieces verified on it
 * @example
 * ```ts
 * startRecheck(torrent, config, () => openFileStorage(torrent, { path }), snapshots).subscribe(({ storage, have }) => ...);
 * ```
 */
export function startRecheck(
  torrent: Torrent,
  config: Pick<SessionConfig, 'mode' | 'path'>,
  open: () => Promise<SessionStorage>,
  snapshots: SnapshotBuilder,
): Observable<{ storage: SessionStorage; have: Bitfield | undefined }> {
  return defer(() => from(open())).pipe(
    mergeMap((storage) => {
      if (config.mode !== 'seed' && storage.hasExistingData !== true) return of({ storage, have: undefined });
      // A download with a matching resume record skips the recheck; seeding always rechecks.
      const trusted = config.mode === 'seed' ? of(undefined) : defer(() => from(trustedHave(torrent, config.path, storage)));
      return trusted.pipe(
        mergeMap((have) => {
          if (have !== undefined) return of({ storage, have });
          snapshots.status = 'checking';
          return recheckPieces(torrent, storage).pipe(
            tap((event) => {
              if (event.type === 'progress') {
                snapshots.checked = event.checked / event.total;
                snapshots.rechecked = event.checked;
              }
            }),
            filter((event) => event.type === 'done'),
            map((event) => ({ storage, have: event.type === 'done' ? event.have : undefined })),
          );
        }),
      );
    }),
  );
}
