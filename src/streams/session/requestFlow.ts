/**
 * The request half of a download: what the links say becomes scheduler events, the scheduler
 * (`schedulePieces`) decides what to ask whom, and the blocks it accepted go on to the piece
 * flow. Requests pass the download rate limit, per peer, when there is one.
 *
 * @module
 */
import { EMPTY, filter, map, merge, Observable, Subject, Subscription, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { limitRate } from '../../operators/limitRate.js';
import { schedulePieces } from '../../operators/schedulePieces.js';
import { Bitfield } from '../../protocol/bitfield.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { ReceivedBlock } from '../../protocol/pieces/index.js';
import type { TokenBucket } from '../../protocol/rate/index.js';
import { swarmEventOf, type PeerKey, type SwarmEvent } from '../../protocol/scheduler/index.js';
import type { RequestMessage } from '../../protocol/wire/index.js';
import type { LinkEvent, SendCommand } from './linkEvents.js';
import type { SessionConfig } from './sessionConfig.js';

/** What {@link requestFlow} reads. */
export interface RequestFlowInput {
  readonly torrent: Pick<Torrent, 'pieceCount' | 'pieceLength' | 'length'>;
  /** Pieces we have (read once, at the start). */
  readonly have: Bitfield;
  readonly links$: Observable<LinkEvent>;
  /** The piece flow's word on pieces: `piece-failed` (hash) and `piece-verified` (on disk). */
  readonly pieces$: Observable<SwarmEvent>;
  /** Every piece's priority level, the latest first when subscribed (a BehaviorSubject). */
  readonly levels$: Observable<Uint8Array>;
  /** Pieces to fetch first, most urgent first (the latest first when subscribed). */
  readonly deadlines$: Observable<readonly number[]>;
  /** Fetch in index order within a level. */
  readonly sequential: boolean;
  /** Download limits; requests wait for tokens when there are any. */
  readonly buckets: readonly TokenBucket[];
  readonly scheduling: SessionConfig['scheduling'];
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  /** Other piece sources' scheduler events (web seeds); their requests come out as `send` commands. */
  readonly sources$?: Observable<SwarmEvent>;
}

/** What {@link requestFlow} emits. */
export type RequestFlowOutput =
  /** Interested, not-interested, request or cancel, for one peer. */
  | SendCommand
  /** A block we asked for arrived first. */
  | { readonly type: 'block'; readonly block: ReceivedBlock };

const NONE: readonly SwarmEvent[] = Object.freeze([]);

/** Each link event's scheduler events, in order (no inner subscription per message, as `mergeMap` would make). */
function swarmEventsOfLinks(pieceCount: number): OperatorFunction<LinkEvent, SwarmEvent> {
  const eventsOf = swarmEventsOf(pieceCount);
  return (links$) => new Observable<SwarmEvent>((subscriber) => links$.subscribe({
    next: (event) => {
      for (const e of eventsOf(event)) subscriber.next(e);
    },
    error: (err: unknown) => subscriber.error(err),
    complete: () => subscriber.complete(),
  }));
}

/**
 * The scheduler events a link event means: a joined peer's state so far replayed (a connection
 * handed over by a magnet's metadata phase already said what it has), a message's event (a
 * `have` of a piece the peer had announced is none), `peer-gone` for a peer that left.
 *
 * @example
 * ```ts
 * declare const links: SwarmLinks;
 * const events = swarmEventsOf(torrent.pieceCount);
 * links.events$.subscribe((e) => console.log(events(e)));
 * ```
 */
export function swarmEventsOf(pieceCount: number): (event: LinkEvent) => readonly SwarmEvent[] {
  return (event) => {
    const peer = event.peer.key;
    switch (event.type) {
      case 'joined': {
        const { state, peer: { connection } } = event;
        const out: SwarmEvent[] = [{ type: 'peer-joined', peer, maxRequests: connection.extendedHandshake?.requestQueueSize }];
        if (state.peerPiecesKnown) out.push({ type: 'bitfield', peer, bitfield: Bitfield.fromBytes(state.peerPieces.toBytes(), pieceCount) });
        if (!state.peerChoking) out.push({ type: 'unchoke', peer });
        return out;
      }
      case 'left':
        return [{ type: 'peer-gone', peer }];
      case 'message': {
        const { message } = event;
        if (message.type === 'have' && event.before.peerPieces.has(message.index)) return NONE;
        if (message.type === 'extended' && message.id === 0) {
          const maxRequests = event.peer.connection.extendedHandshake?.requestQueueSize;
          return maxRequests === undefined ? NONE : [{ type: 'request-limit', peer, maxRequests }];
        }
        const swarm = swarmEventOf(peer, message, pieceCount);
        return swarm === undefined ? NONE : [swarm];
      }
    }
  };
}

/**
 * Schedules a download's requests.
 *
 * ```
 * links$:  -j(have-all)-u----------b-|     pieces$: ---------v--
 * output:  -i-----------r r r------B r       (i interested, r request, B accepted block)
 * ```
 *
 * @param input - the links, the piece verdicts, geometry and tuning
 * @returns commands for peers and accepted blocks; completes with `links$`
 * @example
 * ```ts
 * declare const book: ProgressBook, links: SwarmLinks, blocks$: import('rxjs').Subject<ReceivedBlock>;
 * declare const links$: RequestFlowInput['links$'], pieces$: RequestFlowInput['pieces$'], scheduler: RequestFlowInput['scheduler'];
 * requestFlow({ torrent, have: book.have, links$, pieces$, levels$: of(new Uint8Array(torrent.pieceCount).fill(1)), deadlines$: of([]), sequential: false, buckets: [], scheduling: undefined, scheduler, random: Math.random })
 *   .subscribe((out) => (out.type === 'send' ? links.send(out.peer, out.message) : blocks$.next(out.block)));
 * ```
 */
export function requestFlow(input: RequestFlowInput): Observable<RequestFlowOutput> {
  const { torrent, scheduler } = input;
  // The plan first: the scheduler knows what to skip before the first peer (replayed) joins.
  const plan$ = merge(
    input.levels$.pipe(map((levels): SwarmEvent => ({ type: 'priorities', levels }))),
    input.deadlines$.pipe(map((pieces): SwarmEvent => ({ type: 'deadlines', pieces }))),
  );
  const commands$ = merge(plan$, input.links$.pipe(swarmEventsOfLinks(torrent.pieceCount)), input.pieces$, input.sources$ ?? EMPTY).pipe(
    schedulePieces({
      ...input.scheduling, pieceCount: torrent.pieceCount, pieceLength: torrent.pieceLength, length: torrent.length, have: input.have,
      random: input.random, scheduler, sequential: input.sequential,
    }),
    map((command): RequestFlowOutput => {
      switch (command.type) {
        case 'block': return { type: 'block', block: command };
        case 'request':
        case 'cancel': return { type: 'send', peer: command.peer, message: { type: command.type, index: command.index, begin: command.begin, length: command.length } };
        default: return { type: 'send', peer: command.peer, message: { type: command.type } };
      }
    }),
  );
  if (input.buckets.length === 0) return commands$;
  return new Observable<RequestFlowOutput>((subscriber) => {
    // Each peer's requests wait in a queue of its own, so a slow token bucket never reorders them.
    const queues = new Map<PeerKey, { readonly requests: Subject<RequestMessage>; readonly subscription: Subscription }>();
    const subscription = new Subscription(() => queues.forEach((q) => q.subscription.unsubscribe()));
    const drop = (peer: PeerKey): void => {
      queues.get(peer)?.subscription.unsubscribe();
      queues.delete(peer);
    };
    const queueOf = (peer: PeerKey): Subject<RequestMessage> => {
      let queue = queues.get(peer);
      if (queue === undefined) {
        const requests = new Subject<RequestMessage>();
        const limited = requests.pipe(limitRate(input.buckets, { cost: (m) => m.length, scheduler }));
        queue = { requests, subscription: limited.subscribe({ next: (message) => subscriber.next({ type: 'send', peer, message }), error: () => drop(peer) }) };
        queues.set(peer, queue);
      }
      return queue.requests;
    };
    // A peer that left: its waiting requests are dropped (the scheduler gives their blocks to others).
    subscription.add(input.links$.pipe(filter((e) => e.type === 'left')).subscribe(({ peer }) => drop(peer.key)));
    subscription.add(commands$.subscribe({
      next: (out) => (out.type === 'send' && out.message.type === 'request' ? queueOf(out.peer).next(out.message) : subscriber.next(out)),
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    }));
    return subscription;
  });
}
