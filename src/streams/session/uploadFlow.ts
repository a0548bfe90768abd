/**
 * The upload half of a session: the choker decides who may download from us, and each peer's
 * requests are served from storage (only pieces we have, only while unchoked, rate-limited).
 *
 * @module
 */
import { of, Subject, Subscription } from 'rxjs';
import { chokePeers } from '../../operators/chokePeers.js';
import { limitRate } from '../../operators/limitRate.js';
import { serveBlocks, type ServeEvent } from '../../operators/serveBlocks.js';
import { chokerEventOf, type ChokerEvent } from '../../protocol/choker/index.js';
import { pieceSize } from '../../protocol/metainfo/index.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import type { WireMessage } from '../../protocol/wire/index.js';
import { cachedReader } from '../storage/index.js';
import type { PeerLink, PeerLinks } from './peerLinks.js';
import type { SwarmContext } from './swarmContext.js';

/**
 * Runs choking and serving for one session.
 *
 * @example
 * ```ts
 * const up = new UploadFlow(ctx, links, (key) => scheduler.peerInfo(key));
 * links handlers: joined: (l) => up.joined(l), left: (l) => up.left(l), message: (l, m) => up.message(l, m)
 * ```
 */
export class UploadFlow {
  readonly subscription = new Subscription();
  private readonly choker$ = new Subject<ChokerEvent>();
  private readonly serving = new Map<PeerKey, Subject<ServeEvent>>();
  private readonly readBlock: (index: number, begin: number, length: number) => Promise<Uint8Array>;

  constructor(
    private readonly ctx: SwarmContext,
    private readonly links: PeerLinks,
  ) {
    this.readBlock = cachedReader(ctx.torrent, ctx.storage);
    this.subscription.add(() => this.choker$.complete());
    this.subscription.add(
      this.choker$
        .pipe(
          chokePeers({
            stats: (key) => {
              const link = links.get(key);
              return { downloadRate: link?.down.rate ?? 0, uploadRate: link?.up.rate ?? 0, snubbed: false };
            },
            mode: () => (ctx.book.complete ? 'seeding' : 'leeching'),
            scheduler: ctx.scheduler,
            random: ctx.random,
          }),
        )
        .subscribe((command) => {
          const link = links.get(command.peer);
          if (link === undefined) return;
          link.amChoking = command.type === 'choke';
          void link.connection.send({ type: command.type });
          this.serving.get(link.key)?.next({ type: command.type });
        }),
    );
  }

  /** A new connection: the choker hears of it and its requests get a queue. */
  joined(link: PeerLink): void {
    const { torrent, book, buckets, scheduler } = this.ctx;
    const events = new Subject<ServeEvent>();
    this.serving.set(link.key, events);
    const throttle = buckets.upload.length === 0 ? undefined : (bytes: number) => of(bytes).pipe(limitRate(buckets.upload, { cost: (b) => b, scheduler }));
    this.subscription.add(
      events
        .pipe(
          serveBlocks(
            { pieceCount: torrent.pieceCount, pieceSize: (i) => pieceSize(torrent, i), have: (i) => book.have.has(i), fast: link.connection.extensions.fast },
            { readBlock: this.readBlock, send: (m) => link.connection.send(m), throttle },
          ),
        )
        .subscribe({ error: this.ctx.fail }),
    );
    this.choker$.next({ type: 'peer-joined', peer: link.key });
  }

  /** A connection ended. */
  left(link: PeerLink): void {
    this.serving.get(link.key)?.complete();
    this.serving.delete(link.key);
    this.choker$.next({ type: 'peer-gone', peer: link.key });
  }

  /** A message from a peer: requests, cancels and interest belong here. */
  message(link: PeerLink, message: WireMessage): void {
    if (message.type === 'request' || message.type === 'cancel') {
      this.serving.get(link.key)?.next({ type: message.type, index: message.index, begin: message.begin, length: message.length });
    }
    const event = chokerEventOf(link.key, message);
    if (event !== undefined) this.choker$.next(event);
  }

  /** Tells every peer we have piece `index` now (partial seeding starts here). */
  broadcastHave(index: number): void {
    this.links.broadcastHave(index);
  }
}
