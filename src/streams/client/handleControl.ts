/**
 * The {@link SessionControl} behind a torrent handle: the priorities the user sets, the readers
 * reading, and the session's pieces once it has them, for those readers to wait on.
 *
 * @module
 */
import { BehaviorSubject, EmptyError, filter, firstValueFrom, fromEvent, map, merge, NEVER, of, ReplaySubject, Subject, take, takeUntil, type Observable } from 'rxjs';
import { ClientError } from '../../errors.js';
import type { Priority, RangePriority } from '../../protocol/scheduler/pieceLevels.js';
import type { ReaderPosition } from '../../protocol/scheduler/readahead.js';
import { RateMeter } from '../session/rateMeter.js';
import type { PriorityChoice, SessionControl, TorrentAccess } from '../session/sessionControl.js';

/** Most byte ranges with their own priority on one torrent. */
export const MAX_RANGE_PRIORITIES = 1024;

/** One reader's place, moved as it reads. */
export class ReaderSlot {
  readonly meter = new RateMeter();

  constructor(
    private readonly owner: HandleControl,
    public position: number,
    readonly end: number,
  ) {}

  /** The reader got up to `position` at time `now`. */
  moved(position: number, now: number): void {
    this.position = position;
    this.meter.sample(now, position);
    this.owner.readersChanged();
  }

  /** What the scheduler sees of it. */
  get view(): ReaderPosition {
    return { position: this.position, end: this.end, rate: this.meter.rate };
  }
}

/**
 * A control for one session.
 *
 * @example
 * ```ts
 * declare const config: SessionConfig, port: SwarmPort;
 * const control = new HandleControl(['skip', 'normal']);
 * torrentSession(torrent, config, port, { control }).subscribe();
 * control.setFile(0, 'high');
 * ```
 */
export class HandleControl implements SessionControl {
  readonly priorities$: BehaviorSubject<PriorityChoice>;
  readonly readers$ = new BehaviorSubject<readonly ReaderPosition[]>([]);
  private readonly slots = new Set<ReaderSlot>();
  private readonly access = new ReplaySubject<TorrentAccess>(1);
  private readonly stopped$ = new Subject<void>();
  private ended: unknown;
  /** The user set priorities (given at creation, or since). */
  private chosen: boolean;

  constructor(files: readonly Priority[] = []) {
    this.chosen = files.length > 0;
    this.priorities$ = new BehaviorSubject<PriorityChoice>({ files: [...files], ranges: [] });
  }

  /** Takes the remembered priorities, unless the user already chose. */
  restore(files: readonly Priority[]): void {
    if (!this.chosen) this.setFiles(files);
  }

  /** Sets one file's priority. */
  setFile(file: number, priority: Priority): void {
    this.chosen = true;
    const files = [...this.priorities$.value.files];
    while (files.length < file) files.push('normal');
    files[file] = priority;
    this.priorities$.next({ ...this.priorities$.value, files });
  }

  /** Sets every file's priority (missing ones: normal). */
  setFiles(files: readonly Priority[]): void {
    this.chosen = true;
    this.priorities$.next({ ...this.priorities$.value, files: [...files] });
  }

  /** Gives a byte range of a file its own priority (replacing one of the same file, start and end). */
  setRange(range: RangePriority): void {
    const others = this.priorities$.value.ranges.filter((r) => r.file !== range.file || r.start !== range.start || r.end !== range.end);
    if (others.length >= MAX_RANGE_PRIORITIES) {
      throw new ClientError('ERR_CLIENT_INVALID_ARGUMENT', `at most ${MAX_RANGE_PRIORITIES} ranges may have a priority of their own`);
    }
    this.priorities$.next({ ...this.priorities$.value, ranges: [...others, range] });
  }

  attach(access: TorrentAccess): void {
    this.access.next(access);
  }

  detach(error?: unknown): void {
    if (this.ended !== undefined) return;
    this.ended = error ?? new ClientError('ERR_CLIENT_STOPPED', 'the torrent stopped');
    this.access.error(this.ended);
    this.stopped$.next();
    this.stopped$.complete();
  }

  /** The session's pieces, once known; rejects once the session stopped, or when `signal` aborts. */
  pieces(signal?: AbortSignal): Promise<TorrentAccess> {
    return firstValueFrom(this.access.pipe(takeUntil(aborted(signal)))).catch((err: unknown) => {
      throw err instanceof EmptyError ? new ClientError('ERR_CLIENT_ABORTED', 'the read was aborted') : err;
    });
  }

  /** Resolves once piece `index` is written; rejects if the session stops (or `signal` aborts) first. */
  async written(access: TorrentAccess, index: number, signal?: AbortSignal): Promise<void> {
    if (access.has(index)) return;
    if (this.ended !== undefined) throw this.ended;
    const arrived = await firstValueFrom(
      merge(access.written$.pipe(filter((i) => i === index)), this.stopped$.pipe(map(() => -1)), aborted(signal).pipe(map(() => -2))),
      { defaultValue: -1 },
    );
    if (arrived === -2) throw new ClientError('ERR_CLIENT_ABORTED', 'the read was aborted');
    if (arrived === -1 || !access.has(index)) throw this.ended ?? new ClientError('ERR_CLIENT_STOPPED', 'the torrent stopped');
  }

  /** A new reader at `position`, wanting bytes up to `end` (torrent byte space). */
  addReader(position: number, end: number): ReaderSlot {
    const slot = new ReaderSlot(this, position, end);
    this.slots.add(slot);
    this.readersChanged();
    return slot;
  }

  /** A reader stopped. */
  removeReader(slot: ReaderSlot): void {
    if (this.slots.delete(slot)) this.readersChanged();
  }

  /** Tells the session where the readers are now. */
  readersChanged(): void {
    this.readers$.next([...this.slots].map((s) => s.view));
  }

  /** The readers now (for the state). */
  get readers(): readonly ReaderPosition[] {
    return this.readers$.value;
  }
}

/** Emits once when `signal` aborts (at once if it has); never without a signal. */
function aborted(signal: AbortSignal | undefined): Observable<unknown> {
  if (signal === undefined) return NEVER;
  if (signal.aborted) return of(undefined);
  return fromEvent(signal, 'abort').pipe(take(1));
}
