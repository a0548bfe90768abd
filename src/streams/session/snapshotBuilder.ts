/**
 * Builds {@link SessionState} snapshots from the session's live parts, and derives the transfer
 * counters the tracker wants. Rates are sampled when a snapshot is built.
 *
 * @module
 */
import { BehaviorSubject, interval, map, type Observable, type SchedulerLike } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { TrackerEvent } from '../../tracker/client/trackerEvents.js';
import type { TransferStats } from '../../tracker/client/announceEveryConfig.js';
import type { PeerLinks } from './peerLinks.js';
import type { ProgressBook } from './progressBook.js';
import { RateMeter } from './rateMeter.js';
import { pieceMapOf, type SessionState, type SessionStatus, type TrackerView } from './sessionState.js';

/**
 * The session's view model.
 *
 * @example
 * ```ts
 * const snapshots = new SnapshotBuilder(torrent, scheduler);
 * snapshots.attach(book);
 * subscriber.next(snapshots.build());
 * ```
 */
export class SnapshotBuilder {
  status: SessionStatus = 'starting';
  /** While checking: fraction of pieces rechecked. */
  checked = 0;
  /** Pieces read back and hashed by the recheck. */
  rechecked = 0;
  links: PeerLinks | undefined;
  /** Pieces in flight, for the piece map. */
  downloading: () => ReadonlySet<number> = () => new Set();
  /** The progress book, once the recheck is done. */
  book: ProgressBook | undefined;
  private readonly trackers = new Map<string, TrackerView>();
  private readonly down = new RateMeter();
  private readonly up = new RateMeter();
  private readonly transfer = new BehaviorSubject<TransferStats>({ uploaded: 0, downloaded: 0, left: 0 });

  constructor(
    private readonly torrent: Torrent,
    private readonly scheduler: SchedulerLike,
  ) {
    this.transfer.next({ uploaded: 0, downloaded: 0, left: torrent.length });
  }

  /** What we have transferred, for announces (updated with every snapshot). */
  get transfer$(): Observable<TransferStats> {
    return this.transfer;
  }

  /** Starts following a progress book (after the recheck). */
  attach(book: ProgressBook): void {
    this.book = book;
    // The first announce reads this right away, before the next snapshot: it must not say `left = length`.
    this.transfer.next({ ...this.transfer.value, left: book.left });
  }

  /** A clock for snapshots. */
  ticks$(intervalMs: number): Observable<number> {
    return interval(intervalMs, this.scheduler).pipe(map((n) => n));
  }

  /** Records a tracker's status. */
  tracker(event: TrackerEvent): void {
    if (event.type !== 'status') return;
    this.trackers.set(event.tracker, {
      url: event.tracker,
      ok: event.ok,
      message: event.ok ? event.warning : event.error.message,
      seeders: event.ok ? event.complete : undefined,
      leechers: event.ok ? event.incomplete : undefined,
      at: this.scheduler.now(),
    });
  }

  /** The current snapshot. */
  build(): SessionState {
    const now = this.scheduler.now();
    const book = this.book;
    const downloaded = this.links?.downloaded ?? 0;
    const uploaded = this.links?.uploaded ?? 0;
    this.down.sample(now, downloaded);
    this.up.sample(now, uploaded);
    const left = book?.left ?? this.torrent.length;
    this.transfer.next({ uploaded, downloaded, left });
    const downloadRate = this.down.rate;
    return {
      infoHash: this.torrent.infoHash,
      name: this.torrent.name,
      status: this.status,
      progress: book?.progress ?? 0,
      checked: this.checked,
      rechecked: this.rechecked,
      pieceCount: this.torrent.pieceCount,
      piecesHave: book?.have.count ?? 0,
      length: this.torrent.length,
      left,
      downloaded,
      uploaded,
      downloadRate,
      uploadRate: this.up.rate,
      eta: left === 0 ? undefined : downloadRate > 0 ? left / downloadRate : undefined,
      peers: this.links?.views(now) ?? [],
      trackers: [...this.trackers.values()],
      pieceMap: pieceMapOf(this.torrent.pieceCount, (i) => book?.have.has(i) ?? false, this.downloading()),
    };
  }
}
