/**
 * The download half of a session: scheduler events in, requests out, and accepted blocks down
 * the piece pipeline (assemble → verify → write → completion). Piece verdicts go back into the
 * scheduler: the one feedback loop, closed here with a Subject.
 *
 * @module
 */
import { filter, Subject, Subscription, tap } from 'rxjs';
import { assemblePieces } from '../../operators/assemblePieces.js';
import { limitRate } from '../../operators/limitRate.js';
import { schedulePieces } from '../../operators/schedulePieces.js';
import { trackCompletion } from '../../operators/trackCompletion.js';
import { verifyPieces } from '../../operators/verifyPieces.js';
import { verifyPiecesConcurrently } from '../../operators/verifyPiecesConcurrently.js';
import { writePieces } from '../../operators/writePieces.js';
import type { PeerKey, SchedulerCommand, SwarmEvent } from '../../protocol/scheduler/index.js';
import type { PieceVerdict, ReceivedBlock } from '../../protocol/pieces/index.js';
import type { RequestMessage } from '../../protocol/wire/index.js';
import { HashWorkers } from '../hash/hashWorkers.js';
import type { PeerLink, PeerLinks } from './peerLinks.js';
import { PiecePool } from './piecePool.js';
import type { SwarmContext } from './swarmContext.js';

/** What the download flow tells the rest of the session. */
export interface DownloadHooks {
  /** A piece is on disk (tell peers we have it). */
  readonly written: (index: number) => void;
  /** A piece's verdict (hash checked), before it is written. */
  readonly verdict: (verdict: PieceVerdict) => void;
  /** The last piece is written and storage finalized. */
  readonly complete: () => void;
}

/**
 * Runs the download pipeline of one session.
 *
 * @example
 * ```ts
 * const down = new DownloadFlow(ctx, links, { written, failed, complete });
 * links handlers: event: (e) => down.event(e), request: (l, m) => down.request(l, m)
 * ```
 */
export class DownloadFlow {
  readonly subscription = new Subscription();
  /** Pieces in flight, for the piece map. */
  readonly downloading = new Set<number>();
  private readonly events$ = new Subject<SwarmEvent>();
  private readonly blocks$ = new Subject<ReceivedBlock>();
  private readonly limited = new Map<PeerKey, Subject<RequestMessage>>();

  constructor(
    private readonly ctx: SwarmContext,
    private readonly links: PeerLinks,
    hooks: DownloadHooks,
  ) {
    const { torrent, book, storage, scheduler, random } = ctx;
    // Piece buffers are recycled once written (or rejected): memory stays at what is in flight.
    const pool = new PiecePool(torrent.pieceLength);
    const writing = new Map<number, Uint8Array>();
    // Each piece buffer moves to a hash worker and back (when asked for): no copy.
    const hashers = new HashWorkers({ threads: ctx.config.hashThreads ?? 0 });
    const verify =
      hashers.threads === 0 ? verifyPieces(torrent) : verifyPiecesConcurrently(torrent, { sha1: (data) => hashers.sha1(data), concurrency: 2 * hashers.threads });
    this.subscription.add(() => {
      this.events$.complete();
      this.blocks$.complete();
    });
    this.subscription.add(
      this.events$
        .pipe(schedulePieces({ ...ctx.config.scheduling, pieceCount: torrent.pieceCount, pieceLength: torrent.pieceLength, length: torrent.length, have: book.have, random, scheduler }))
        .subscribe((command) => this.command(command)),
    );
    this.subscription.add(
      this.blocks$
        .pipe(
          assemblePieces(torrent, { allocate: (size) => pool.take(size) }),
          verify,
          tap((verdict) => {
            hooks.verdict(verdict);
            if (verdict.type === 'failed') {
              this.downloading.delete(verdict.index);
              pool.give(verdict.data);
              this.events$.next({ type: 'piece-failed', index: verdict.index });
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
            this.downloading.delete(written.index);
            book.add(written.index);
            // Verified pieces count as pending in the scheduler until they are on disk.
            this.events$.next({ type: 'piece-verified', index: written.index });
            hooks.written(written.index);
          }),
          trackCompletion({ pieceCount: torrent.pieceCount, have: book.have, finalize: () => storage.finalize() }),
        )
        .subscribe({ next: (e) => e.type === 'complete' && hooks.complete(), error: ctx.fail }),
    );
    // After the pipeline's own teardown: hashes it abandoned reject into a closed subscriber.
    this.subscription.add(() => void hashers.close());
  }

  /** A scheduler event from the links. */
  event(event: SwarmEvent): void {
    this.events$.next(event);
  }

  /** Sends one of our requests, through the download rate limit when there is one. */
  request(link: PeerLink, message: RequestMessage): void {
    if (this.ctx.buckets.download.length === 0) {
      void link.connection.send(message);
      return;
    }
    let queue = this.limited.get(link.key);
    if (queue === undefined) {
      const q = new Subject<RequestMessage>();
      this.limited.set(link.key, (queue = q));
      this.subscription.add(
        q.pipe(limitRate(this.ctx.buckets.download, { cost: (m) => m.length, scheduler: this.ctx.scheduler }))
          .subscribe({ next: (m) => void link.connection.send(m), error: () => link.connection.close() }),
      );
    }
    queue.next(message);
  }

  /** A link ended: its queued requests are dropped. */
  left(link: PeerLink): void {
    this.limited.get(link.key)?.complete();
    this.limited.delete(link.key);
  }

  private command(command: SchedulerCommand): void {
    if (command.type === 'block') {
      this.blocks$.next(command);
      return;
    }
    if (command.type === 'request') this.downloading.add(command.index);
    this.links.dispatch(command);
  }
}
