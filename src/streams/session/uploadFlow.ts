/**
 * The upload half of a session: the choker (`chokePeers`, on rates sampled by the session clock)
 * decides who may download from us, each peer's requests are served from storage (`serveBlocks`:
 * only pieces we have, only while unchoked, rate-limited), and every peer hears of each piece we
 * write (`have`).
 *
 * @module
 */
import { Observable, of, Subject, Subscription, type SchedulerLike } from 'rxjs';
import { chokePeers } from '../../operators/chokePeers.js';
import { limitRate } from '../../operators/limitRate.js';
import { serveBlocks, type ServeEvent } from '../../operators/serveBlocks.js';
import { chokerEventOf, type ChokerEvent } from '../../protocol/choker/index.js';
import { pieceSize, type Torrent } from '../../protocol/metainfo/index.js';
import type { TokenBucket } from '../../protocol/rate/index.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import { cachedReader } from '../storage/index.js';
import type { LinkEvent, SendCommand, SessionPeer } from './linkEvents.js';
import type { ProgressBook } from './progressBook.js';
import { NO_RATES, type RateSample } from './rateBook.js';
import type { SessionStorage } from './sessionConfig.js';

/** What {@link uploadFlow} reads. */
export interface UploadFlowInput {
  readonly torrent: Torrent;
  readonly storage: Pick<SessionStorage, 'readBlock' | 'readInto'>;
  /** What we have (read at each request and rechoke). */
  readonly book: ProgressBook;
  readonly links$: Observable<LinkEvent>;
  /** Rates sampled on the session clock: the choker's inputs. */
  readonly rates$: Observable<RateSample>;
  /** Pieces just written: every peer is told. */
  readonly written$: Observable<number>;
  /** Upload limits (client-wide and per torrent). */
  readonly buckets: readonly TokenBucket[];
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
}

/**
 * Chokes, unchokes and serves.
 *
 * ```
 * links$:   -j--i(interested)--r(request)---|
 * output:   -----u(unchoke)-----------------|    (the block itself goes out through the connection)
 * ```
 *
 * @param input - torrent, storage, book, links, sampled rates, written pieces, limits
 * @returns choke, unchoke and have messages for peers; errors when a storage read fails
 * @example
 * ```ts
 * declare const storage: PieceStorage, book: ProgressBook, links: SwarmLinks;
 * declare const links$: UploadFlowInput['links$'], rates$: UploadFlowInput['rates$'], written$: UploadFlowInput['written$'], scheduler: UploadFlowInput['scheduler'];
 * uploadFlow({ torrent, storage, book, links$, rates$, written$, buckets: [], scheduler, random: Math.random })
 *   .subscribe((out) => links.send(out.peer, out.message));
 * ```
 */
export function uploadFlow(input: UploadFlowInput): Observable<SendCommand> {
  return new Observable<SendCommand>((subscriber) => {
    const { torrent, book, buckets, scheduler } = input;
    const reader = cachedReader(torrent, input.storage);
    const readBlock = (index: number, begin: number, length: number): Promise<Uint8Array> => reader.read(index, begin, length);
    const release = (block: Uint8Array): void => reader.release(block);
    const serving = new Map<PeerKey, Subject<ServeEvent>>();
    const peers = new Map<PeerKey, SessionPeer>();
    const choker$ = new Subject<ChokerEvent>();
    let rates = NO_RATES;
    const subscription = new Subscription(() => {
      choker$.complete();
      serving.forEach((s) => s.complete());
    });
    const throttle = buckets.length === 0 ? undefined : (bytes: number) => of(bytes).pipe(limitRate(buckets, { cost: (b) => b, scheduler }));
    subscription.add(input.rates$.subscribe((sample) => (rates = sample)));
    subscription.add(
      choker$.pipe(chokePeers({
        stats: (key) => ({ ...(rates.peers.get(key) ?? { downloadRate: 0, uploadRate: 0 }), snubbed: false }),
        mode: () => (book.complete ? 'seeding' : 'leeching'),
        scheduler,
        random: input.random,
      })).subscribe((command) => {
        if (!peers.has(command.peer)) return;
        subscriber.next({ type: 'send', peer: command.peer, message: { type: command.type } });
        serving.get(command.peer)?.next({ type: command.type });
      }),
    );
    const joined = (peer: SessionPeer, interested: boolean): void => {
      const events = new Subject<ServeEvent>();
      serving.set(peer.key, events);
      peers.set(peer.key, peer);
      const config = { pieceCount: torrent.pieceCount, pieceSize: (i: number) => pieceSize(torrent, i), have: (i: number) => book.have.has(i), fast: peer.connection.extensions.fast };
      subscription.add(events.pipe(serveBlocks(config, { readBlock, release, send: (m, done) => peer.connection.send(m, done), throttle })).subscribe({ error: (err: unknown) => subscriber.error(err) }));
      choker$.next({ type: 'peer-joined', peer: peer.key });
      if (interested) choker$.next({ type: 'interested', peer: peer.key });
    };
    subscription.add(input.links$.subscribe((event) => {
      const key = event.peer.key;
      if (event.type === 'joined') return joined(event.peer, event.state.peerInterested);
      if (event.type === 'left') {
        serving.get(key)?.complete();
        serving.delete(key);
        peers.delete(key);
        return choker$.next({ type: 'peer-gone', peer: key });
      }
      const { message } = event;
      if (message.type === 'request' || message.type === 'cancel') {
        serving.get(key)?.next({ type: message.type, index: message.index, begin: message.begin, length: message.length });
      }
      const choking = chokerEventOf(key, message);
      if (choking !== undefined) choker$.next(choking);
    }));
    // Partial seeding starts here: a peer may ask for a piece as soon as it hears we have it.
    subscription.add(input.written$.subscribe((index) => {
      for (const key of peers.keys()) subscriber.next({ type: 'send', peer: key, message: { type: 'have', index } });
    }));
    return subscription;
  });
}
