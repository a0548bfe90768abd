/**
 * `serveBlocks(config, components)`: one peer's requests in, blocks sent out. A thin shell over
 * the pure {@link UploadQueue}: it reads from storage and sends, a few blocks at a time, so a slow
 * peer holds back its own reads (the socket's backpressure reaches storage) and memory stays at
 * `concurrency` blocks per peer.
 *
 * @module
 */
import { defer, EMPTY, from, map, mergeMap, of, take, type Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { BlockRef } from '../protocol/scheduler/index.js';
import { UploadQueue, type RefusalReason, type UploadQueueConfig } from '../protocol/upload/uploadQueue.js';
import type { WireMessage } from '../protocol/wire/index.js';
import { operate } from './internal/operate.js';

/** What the upload path hears: the peer's requests and cancels, and our choke decisions. */
export type ServeEvent =
  | ({ readonly type: 'request' | 'cancel' } & BlockRef)
  | { readonly type: 'choke' | 'unchoke' };

/** What happened to each request. */
export type ServeOutcome =
  | ({ readonly type: 'sent' } & BlockRef)
  | ({ readonly type: 'refused'; readonly reason: RefusalReason } & BlockRef);

/** Options of {@link serveBlocks}. */
export interface ServeBlocksConfig extends UploadQueueConfig {
  /** The peer speaks BEP 6: refusals are answered with `reject-request`. */
  readonly fast: boolean;
  /** Blocks read or being sent at once. @default 4 */
  readonly concurrency?: number;
}

/** Collaborators of {@link serveBlocks}. */
export interface ServeBlocksComponents {
  readonly readBlock: (index: number, begin: number, length: number) => Promise<Uint8Array>;
  /**
   * Gives a block from `readBlock` back once nothing holds it (lent memory, e.g. a read cache's
   * window): after the socket wrote it, or when it was not sent. @default nothing to give back
   */
  readonly release?: (block: Uint8Array) => void;
  /**
   * Sends one message; resolves when the socket took it (after `drain`). With a `release`, the
   * block of a `piece` is lent: the sender calls `release` once it no longer holds it.
   */
  readonly send: (message: WireMessage, release?: () => void) => Promise<void>;
  /** Waits until `bytes` may be uploaded (rate limits). @default no wait */
  readonly throttle?: (bytes: number) => Observable<unknown>;
}

/**
 * Serves one peer.
 *
 * ```
 * events:   -u-r1-r2-c2---k-|      (u unchoke, r request, c cancel, k choke)
 * outcomes: -----s1---------|      (r2 cancelled before it was sent)
 * ```
 *
 * @param config - geometry, what we have, limits, whether the peer speaks BEP 6
 * @param components - storage read, send, throttle
 * @returns the operator; a failing read errors it (a disk error ends the session)
 * @example
 * ```ts
 * declare const peerRequests$: import('rxjs').Observable<ServeEvent>, have: ServeBlocksConfig['have'], fast: boolean;
 * declare const readBlock: ServeBlocksComponents['readBlock'], send: ServeBlocksComponents['send'];
 * declare function count(outcome: ServeOutcome): void;
 * peerRequests$.pipe(serveBlocks({ pieceCount, pieceSize: (i) => pieceSize(torrent, i), have, fast }, { readBlock, send })).subscribe(count);
 * ```
 */
export function serveBlocks(config: ServeBlocksConfig, components: ServeBlocksComponents): OperatorFunction<ServeEvent, ServeOutcome> {
  const concurrency = config.concurrency ?? 4;
  return operate<ServeEvent, ServeOutcome>((subscriber) => {
    const queue = new UploadQueue(config);
    const active = new Set<Subscription>();
    const refuse = (r: BlockRef, reason: RefusalReason): void => {
      if (config.fast) void components.send({ type: 'reject-request', index: r.index, begin: r.begin, length: r.length });
      subscriber.next({ type: 'refused', reason, index: r.index, begin: r.begin, length: r.length });
    };
    const serve = (r: BlockRef): Observable<ServeOutcome> =>
      defer(() => from(components.readBlock(r.index, r.begin, r.length))).pipe(
        mergeMap((block) => (components.throttle === undefined ? of(block) : components.throttle(r.length).pipe(take(1), map(() => block)))),
        mergeMap((block) => {
          const release = components.release === undefined ? undefined : () => components.release!(block);
          if (!queue.finish(r)) {
            release?.();
            return EMPTY;
          }
          return from(components.send({ type: 'piece', index: r.index, begin: r.begin, block }, release).then((): ServeOutcome => ({ type: 'sent', index: r.index, begin: r.begin, length: r.length })));
        }),
      );
    const pump = (): void => {
      while (active.size < concurrency) {
        const r = queue.next();
        if (r === undefined) return;
        let subscription: Subscription | undefined;
        let done = false;
        subscription = serve(r).subscribe({
          next: (outcome) => subscriber.next(outcome),
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            done = true;
            if (subscription !== undefined) active.delete(subscription);
            pump();
          },
        });
        if (!done) active.add(subscription);
      }
    };
    return {
      next: (event) => {
        switch (event.type) {
          case 'request': {
            const verdict = queue.request(event);
            if (verdict.type === 'refused') refuse(event, verdict.reason);
            else pump();
            break;
          }
          case 'cancel':
            queue.cancel(event);
            break;
          case 'choke':
            for (const r of queue.choke()) refuse(r, 'choked');
            break;
          case 'unchoke':
            queue.unchoke();
            break;
        }
      },
      teardown: () => {
        for (const s of active) s.unsubscribe();
        active.clear();
      },
    };
  });
}
