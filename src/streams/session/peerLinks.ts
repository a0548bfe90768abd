/**
 * The session's connections: each one's messages become scheduler events, the scheduler's
 * commands become messages, and per-peer counters feed the state snapshots.
 *
 * @module
 */
import { Subscription } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { formatPeerAddress } from '../../protocol/peerAddress.js';
import { swarmEventOf, type PeerKey, type SchedulerCommand, type SwarmEvent } from '../../protocol/scheduler/index.js';
import { describePeerId, type RequestMessage, type WireMessage } from '../../protocol/wire/index.js';
import type { PeerConnection } from '../peer/index.js';
import { RateMeter } from './rateMeter.js';
import type { PeerView } from './sessionState.js';

/** One connection as the session tracks it. */
export interface PeerLink {
  readonly key: PeerKey;
  readonly connection: PeerConnection;
  peerChoking: boolean;
  amInterested: boolean;
  amChoking: boolean;
  peerInterested: boolean;
  /** Pieces the peer has (from bitfield / have / have-all). */
  pieces: number;
  readonly down: RateMeter;
  readonly up: RateMeter;
}

/** What the links report upward. */
export interface PeerLinksHandlers {
  /** A scheduler event derived from a peer's message or its arrival and departure. */
  readonly event: (event: SwarmEvent) => void;
  /** Any message from a peer, after the scheduler's view of it (upload and extension paths). */
  readonly message?: (link: PeerLink, message: WireMessage) => void;
  /** Sends one of our requests (e.g. through a download rate limit). @default send at once */
  readonly request?: (link: PeerLink, message: RequestMessage) => void;
  /** A connection was adopted (after the scheduler heard of it). */
  readonly joined?: (link: PeerLink) => void;
  /** A connection ended (after the scheduler heard of it). */
  readonly left?: (link: PeerLink) => void;
}

/**
 * The registry of a session's peer connections.
 *
 * @example
 * ```ts
 * const links = new PeerLinks(torrent, { event: (e) => events$.next(e) });
 * links.add(connection);
 * commands$.subscribe((c) => links.dispatch(c));
 * ```
 */
export class PeerLinks {
  private readonly links = new Map<PeerKey, PeerLink>();
  private nextId = 0;
  private closedDown = 0;
  private closedUp = 0;

  constructor(
    private readonly torrent: Pick<Torrent, 'pieceCount'>,
    private readonly handlers: PeerLinksHandlers,
  ) {}

  /** Open connections. */
  get size(): number {
    return this.links.size;
  }

  /** Payload bytes received, over all connections past and present. */
  get downloaded(): number {
    let n = this.closedDown;
    for (const link of this.links.values()) n += link.connection.downloadedBytes;
    return n;
  }

  /** Payload bytes sent, over all connections past and present. */
  get uploaded(): number {
    let n = this.closedUp;
    for (const link of this.links.values()) n += link.connection.uploadedBytes;
    return n;
  }

  /** The link of `key`, if still open. */
  get(key: PeerKey): PeerLink | undefined {
    return this.links.get(key);
  }

  /** Every open link. */
  all(): IterableIterator<PeerLink> {
    return this.links.values();
  }

  /**
   * Adopts a connection: announces it to the scheduler and follows its messages until it ends.
   *
   * @returns a subscription whose unsubscription closes the connection
   */
  add(connection: PeerConnection): Subscription {
    const key: PeerKey = `${formatPeerAddress(connection.address)}#${this.nextId++}`;
    const link: PeerLink = {
      key, connection, peerChoking: true, amInterested: false, amChoking: true, peerInterested: false, pieces: 0,
      down: new RateMeter(), up: new RateMeter(),
    };
    this.links.set(key, link);
    this.handlers.event({ type: 'peer-joined', peer: key, maxRequests: connection.extendedHandshake?.requestQueueSize });
    this.handlers.joined?.(link);
    const subscription = new Subscription(() => connection.close());
    subscription.add(
      connection.extendedHandshake$.subscribe((handshake) => {
        if (handshake.requestQueueSize !== undefined) {
          this.handlers.event({ type: 'request-limit', peer: key, maxRequests: handshake.requestQueueSize });
        }
      }),
    );
    const gone = (): void => {
      if (!this.links.delete(key)) return;
      this.closedDown += connection.downloadedBytes;
      this.closedUp += connection.uploadedBytes;
      this.handlers.event({ type: 'peer-gone', peer: key });
      this.handlers.left?.(link);
      subscription.unsubscribe();
    };
    subscription.add(
      connection.messages$.subscribe({
        next: (message) => {
          try {
            this.onMessage(link, message);
          } catch {
            // A message that breaks our model of the peer (a malformed bitfield) ends it.
            connection.close();
            gone();
          }
        },
        error: gone,
        complete: gone,
      }),
    );
    return subscription;
  }

  /** Carries out a scheduler command on the connection it names. */
  dispatch(command: SchedulerCommand): void {
    if (command.type === 'block') return;
    const link = this.links.get(command.peer);
    if (link === undefined) return;
    switch (command.type) {
      case 'interested':
      case 'not-interested':
        link.amInterested = command.type === 'interested';
        void link.connection.send({ type: command.type });
        break;
      case 'request':
        (this.handlers.request ?? ((l, m) => void l.connection.send(m)))(link, { type: 'request', index: command.index, begin: command.begin, length: command.length });
        break;
      case 'cancel':
        void link.connection.send({ type: 'cancel', index: command.index, begin: command.begin, length: command.length });
        break;
    }
  }

  /** Tells every peer we now have piece `index` (BEP 3 `have`). */
  broadcastHave(index: number): void {
    for (const link of this.links.values()) void link.connection.send({ type: 'have', index });
  }

  /** Samples rates and describes every open link. */
  views(now: number): PeerView[] {
    return [...this.links.values()].map((link) => {
      link.down.sample(now, link.connection.downloadedBytes);
      link.up.sample(now, link.connection.uploadedBytes);
      const client = describePeerId(link.connection.peerId);
      return {
        address: formatPeerAddress(link.connection.address),
        client: client === undefined ? undefined : `${client.client} ${client.version}`.trim(),
        direction: link.connection.direction,
        downloadRate: link.down.rate,
        uploadRate: link.up.rate,
        downloaded: link.connection.downloadedBytes,
        uploaded: link.connection.uploadedBytes,
        peerChoking: link.peerChoking,
        amInterested: link.amInterested,
        amChoking: link.amChoking,
        peerInterested: link.peerInterested,
        progress: this.torrent.pieceCount === 0 ? 0 : link.pieces / this.torrent.pieceCount,
      };
    });
  }

  private onMessage(link: PeerLink, message: WireMessage): void {
    const event = swarmEventOf(link.key, message, this.torrent.pieceCount);
    switch (message.type) {
      case 'choke':
      case 'unchoke':
        link.peerChoking = message.type === 'choke';
        break;
      case 'interested':
      case 'not-interested':
        link.peerInterested = message.type === 'interested';
        break;
      case 'have':
        link.pieces = Math.min(this.torrent.pieceCount, link.pieces + 1);
        break;
      case 'have-all':
        link.pieces = this.torrent.pieceCount;
        break;
      case 'have-none':
        link.pieces = 0;
        break;
      case 'bitfield':
        if (event?.type === 'bitfield') link.pieces = event.bitfield.count;
        break;
    }
    if (event !== undefined) this.handlers.event(event);
    this.handlers.message?.(link, message);
  }
}
