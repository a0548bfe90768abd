/**
 * One web seed as a piece source: to the scheduler it is a peer that has every piece and never
 * chokes; the blocks asked of it are fetched in contiguous runs over HTTP, a few runs at a time.
 * How requests end drives its status (back-off, dropped), and a piece it alone sent that fails
 * its hash drops it.
 *
 * @module
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { PieceVerdict } from '../../protocol/pieces/index.js';
import type { BlockRef, PeerKey, SwarmEvent } from '../../protocol/scheduler/index.js';
import { firstRun, nextWebSeedStatus, WEBSEED_ACTIVE, type WebSeedOutcome, type WebSeedStatus } from '../../protocol/webseed/index.js';
import { WebSeedError } from '../../errors.js';
import { RateMeter } from '../session/rateMeter.js';
import { fetchRun } from './fetchRun.js';
import type { HttpRangeOptions } from './httpRange.js';

/** Tuning of a web seed. */
export interface WebSeedTuning {
  /** Most bytes per HTTP request (default 4 MiB). */
  readonly maxRunBytes?: number;
  /** Requests in flight per server (default 2). */
  readonly maxInFlight?: number;
  /** Blocks the scheduler may ask of it at once (default 512: 8 MiB). */
  readonly maxRequests?: number;
}

/** A web seed as {@link SessionState} shows it. */
export interface WebSeedView {
  readonly url: string;
  readonly status: WebSeedStatus['type'];
  /** Why it rests or was dropped. */
  readonly reason?: string;
  /** Payload bytes received from it. */
  readonly downloaded: number;
  /** Bytes/s over the last seconds. */
  readonly rate: number;
  /** It answers `Range` with the whole file (read through, the bytes before the range discarded). */
  readonly ignoresRange: boolean;
}

/** Scheduler keys of web seeds start with this (no peer key does). */
export const WEBSEED_KEY_PREFIX = 'web:';

/** A run is not cut shorter than this to keep every connection busy. */
const MIN_SPLIT_BYTES = 512 * 1024;

/** Failed pieces a web seed sent part of (with peers) before it is dropped. */
export const MAX_SHARED_FAILURES = 3;

/** One BEP 19 server; see the module. */
export class WebSeed {
  readonly key: PeerKey;
  private status: WebSeedStatus = WEBSEED_ACTIVE;
  private downloadedBytes = 0;
  private ignoresRange = false;
  private readonly meter = new RateMeter();
  private readonly pending = new Map<string, BlockRef>();
  private readonly inFlight = new Set<Subscription>();
  private timer: Subscription | undefined;
  private joined = false;
  private sharedFailures = 0;

  constructor(
    readonly url: string,
    private readonly torrent: Pick<Torrent, 'name' | 'multiFile' | 'files' | 'pieceLength'>,
    private readonly emit: (event: SwarmEvent) => void,
    private readonly http: HttpRangeOptions,
    private readonly tuning: WebSeedTuning = {},
  ) {
    this.key = WEBSEED_KEY_PREFIX + url;
  }

  private get scheduler(): SchedulerLike {
    return this.http.scheduler;
  }

  /** Joins the scheduler (again, after a back-off). */
  join(): void {
    if (this.joined || this.status.type === 'dropped') return;
    this.joined = true;
    this.emit({ type: 'peer-joined', peer: this.key, maxRequests: this.tuning.maxRequests ?? 512, webSeed: true });
    this.emit({ type: 'have-all', peer: this.key });
    this.emit({ type: 'unchoke', peer: this.key });
  }

  /** The scheduler asked for a block. */
  request(block: BlockRef): void {
    if (!this.joined) return;
    this.pending.set(`${block.index}:${block.begin}`, block);
    // The scheduler asks in bursts: the burst is gathered into runs once it is over.
    this.timer ??= this.scheduler.schedule(() => {
      this.timer = undefined;
      this.pump();
    });
  }

  /** The scheduler no longer wants a block (one already on the wire still arrives). */
  cancel(block: BlockRef): void {
    this.pending.delete(`${block.index}:${block.begin}`);
  }

  /**
   * A piece verdict: a failed piece this server alone sent drops it, and so do
   * {@link MAX_SHARED_FAILURES} failed pieces it sent blocks of with others.
   */
  verdict(verdict: PieceVerdict): void {
    if (verdict.type !== 'failed' || !verdict.peers.includes(this.key)) return;
    if (verdict.peers.length === 1 || ++this.sharedFailures >= MAX_SHARED_FAILURES) this.outcome({ type: 'corrupt', index: verdict.index });
  }

  /** What the state shows. */
  view(): WebSeedView {
    this.meter.sample(this.scheduler.now(), this.downloadedBytes);
    const reason = this.status.type === 'active' ? undefined : this.status.reason;
    return { url: this.url, status: this.status.type, reason, downloaded: this.downloadedBytes, rate: this.meter.rate, ignoresRange: this.ignoresRange };
  }

  get downloaded(): number {
    return this.downloadedBytes;
  }

  /** Stops every request and timer (the session ends). */
  close(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    for (const s of this.inFlight) s.unsubscribe();
    this.inFlight.clear();
    this.pending.clear();
  }

  private pump(): void {
    const max = this.tuning.maxInFlight ?? 2;
    while (this.joined && this.inFlight.size < max) {
      // Much asked at once is shared among the free connections (a server may cap each one's rate).
      let pendingBytes = 0;
      for (const b of this.pending.values()) pendingBytes += b.length;
      const share = Math.max(MIN_SPLIT_BYTES, Math.ceil(pendingBytes / (max - this.inFlight.size)));
      const run = firstRun(this.pending.values(), this.torrent.pieceLength, Math.min(this.tuning.maxRunBytes ?? 4 * 1024 * 1024, share));
      if (run === undefined) return;
      for (const b of run.blocks) this.pending.delete(`${b.index}:${b.begin}`);
      let ended = false;
      const subscription = fetchRun(this.torrent, this.url, run, this.http).subscribe({
        next: (event) => {
          if (event.type === 'whole-body') {
            this.ignoresRange = true;
            return;
          }
          this.downloadedBytes += event.data.length;
          this.emit({ type: 'block', peer: this.key, index: event.block.index, begin: event.block.begin, data: event.data });
        },
        error: (err: unknown) => {
          ended = true;
          this.inFlight.delete(subscription);
          this.outcome(outcomeOf(err));
        },
        complete: () => {
          ended = true;
          this.inFlight.delete(subscription);
          this.outcome({ type: 'ok' });
          this.pump();
        },
      });
      if (!ended) this.inFlight.add(subscription);
    }
  }

  private outcome(outcome: WebSeedOutcome): void {
    this.status = nextWebSeedStatus(this.status, outcome, this.scheduler.now());
    if (this.status.type === 'active' || !this.joined) return;
    // Resting or dropped: its requests go back to the scheduler, for peers (or for later).
    this.joined = false;
    this.close();
    this.emit({ type: 'peer-gone', peer: this.key });
    if (this.status.type === 'backoff') this.timer = this.scheduler.schedule(() => {
      this.timer = undefined;
      this.join();
    }, Math.max(0, this.status.until - this.scheduler.now()));
  }
}

function outcomeOf(err: unknown): WebSeedOutcome {
  if (!(err instanceof WebSeedError)) return { type: 'transient', reason: err instanceof Error ? err.message : String(err) };
  switch (err.code) {
    case 'ERR_WEBSEED_STATUS': return { type: 'status', status: err.status ?? 0, retryAfterMs: err.retryAfterMs };
    case 'ERR_WEBSEED_TIMEOUT':
    case 'ERR_WEBSEED_IO':
    case 'ERR_WEBSEED_SHORT_BODY': return { type: 'transient', reason: err.message };
    default: return { type: 'fatal', reason: err.message };
  }
}
