/**
 * The start of a torrent's session: open storage, recheck (or trust the resume record), and keep
 * the resume record current while the session runs. Also the per-session rate limits.
 *
 * @module
 */
import { Observable, Subscription, interval, type SchedulerLike } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { TokenBucket } from '../../protocol/rate/index.js';
import { wantedFiles, type Priority } from '../../protocol/scheduler/pieceLevels.js';
import { openFileStorage, type PieceStorage } from '../storage/index.js';
import { ProgressBook } from './progressBook.js';
import { ResumeSaver } from './resume.js';
import type { SessionConfig, SessionStorage, SwarmPort } from './sessionConfig.js';
import { startRecheck } from './startRecheck.js';

/** What {@link startTorrent} emits: recheck progress, then one `ready`. */
export type TorrentStart =
  | { readonly type: 'checking'; readonly checked: number; readonly total: number }
  | {
    readonly type: 'ready';
    readonly storage: SessionStorage;
    /** What we have: the pieces verified on the storage, then each piece written. */
    readonly book: ProgressBook;
    /** Writes the resume record now (a no-op when seeding); never rejects. */
    readonly saver: { save(): Promise<void> };
  };

/**
 * The storage a session opens: the one injected, or files at `path`.
 *
 * @example
 * ```ts
 * const open = openStorage(torrent, { path: 'downloads/x.iso', mode: 'download' }, undefined);
 * ```
 */
export function openStorage(torrent: Torrent, config: Pick<SessionConfig, 'path' | 'mode' | 'files'>, injected: (PieceStorage & { readonly hasExistingData?: boolean }) | undefined): () => Promise<SessionStorage> {
  // Skipped files are not created; the plan's first `want()` follows at once.
  const wanted = wantedFiles(torrent, config.files ?? []);
  return injected !== undefined ? () => Promise.resolve(injected) : () => openFileStorage(torrent, { path: config.path, mode: config.mode, wanted });
}

/**
 * Opens and rechecks, then keeps the resume record (a download's, every `resumeIntervalMs` when
 * pieces were added). Unsubscribing writes the last record, then closes the storage.
 *
 * @returns `checking` progress, then `ready`; never completes by itself
 * @example
 * ```ts
 * declare const config: SessionConfig, scheduler: import('rxjs').SchedulerLike;
 * startTorrent(torrent, config, openStorage(torrent, config, undefined), scheduler).subscribe(console.log);
 * ```
 */
export function startTorrent(
  torrent: Torrent, config: SessionConfig, open: () => Promise<SessionStorage>, scheduler: SchedulerLike, priorities: () => readonly Priority[] = () => [],
): Observable<TorrentStart> {
  return new Observable<TorrentStart>((subscriber) => {
    const subscription = new Subscription();
    subscription.add(startRecheck(torrent, config, open).subscribe({
      error: (err: unknown) => subscriber.error(err),
      next: (event) => {
        if (event.type === 'checking') return subscriber.next(event);
        const { storage } = event;
        const book = new ProgressBook(torrent, event.have);
        let saver: { save(): Promise<void>; saveIfChanged(): Promise<void> } = { save: () => Promise.resolve(), saveIfChanged: () => Promise.resolve() };
        if (config.mode !== 'seed') {
          saver = new ResumeSaver(torrent, config.path, storage, book, priorities);
          subscription.add(interval(config.resumeIntervalMs ?? 10_000, scheduler).subscribe(() => void saver.saveIfChanged()));
        }
        // On stop: the last record, then the files are closed.
        const last = saver;
        subscription.add(() => void last.saveIfChanged().then(() => storage.close()));
        subscriber.next({ type: 'ready', storage, book, saver });
      },
    }));
    return subscription;
  });
}

/**
 * The client-wide and per-torrent rate limits, unlimited ones left out.
 *
 * @example
 * ```ts
 * declare const swarm: SwarmPort, config: SessionConfig;
 * const { upload, download } = bucketsOf(swarm, config);
 * ```
 */
export function bucketsOf(port: SwarmPort, config: Pick<SessionConfig, 'uploadRate' | 'downloadRate'>): { readonly upload: readonly TokenBucket[]; readonly download: readonly TokenBucket[] } {
  const torrentUp = config.uploadRate === undefined ? undefined : new TokenBucket({ rate: config.uploadRate });
  const torrentDown = config.downloadRate === undefined ? undefined : new TokenBucket({ rate: config.downloadRate });
  const limited = (b: TokenBucket | undefined): b is TokenBucket => b !== undefined && !b.unlimited;
  return {
    upload: [port.buckets?.upload, torrentUp].filter(limited),
    download: [port.buckets?.download, torrentDown].filter(limited),
  };
}
