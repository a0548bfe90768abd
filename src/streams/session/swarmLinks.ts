/**
 * `SwarmLinks`: a session's open connections. It adopts each connection, keeps one wire state per
 * peer (the pure {@link nextPeerWireState}) and tells the session about it as one stream of
 * {@link LinkEvent}s. Commands to peers go through {@link SwarmLinks.send}, so the wire state
 * records what we said too.
 *
 * @module
 */
import { concat, defer, from, Subject, Subscription, type Observable } from 'rxjs';
import { formatPeerAddress } from '../../protocol/peerAddress.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import { initialPeerWireState, nextPeerWireState, sizePeerWireState, type PeerWireState, type WireLimits, type WireMessage } from '../../protocol/wire/index.js';
import type { PeerConnection } from '../peer/index.js';
import type { LinkEvent, SessionPeer } from './linkEvents.js';

/** One open link. */
export interface Link {
  readonly peer: SessionPeer;
  /** Its wire state now. */
  readonly state: PeerWireState;
}

interface Entry {
  readonly peer: SessionPeer;
  state: PeerWireState;
  readonly subscription: Subscription;
}

/**
 * The registry of a session's connections.
 *
 * @example
 * ```ts
 * declare const connection: PeerConnection, key: PeerKey;
 * const links = new SwarmLinks(torrent.pieceCount);
 * links.events$.subscribe((e) => console.log(e.type, e.peer.address));
 * links.adopt(connection);
 * links.send(key, { type: 'interested' });
 * ```
 */
export class SwarmLinks {
  /**
   * Every link event from now on, after a `joined` event (with its current wire state) for each
   * link already open: a flow that starts late still hears of every peer.
   */
  readonly events$: Observable<LinkEvent>;
  private readonly entries = new Map<PeerKey, Entry>();
  private readonly events = new Subject<LinkEvent>();
  private nextId = 0;
  private closedDown = 0;
  private closedUp = 0;

  /** @param pieceCount - pieces in the torrent; undefined while a magnet link's metadata is fetched */
  constructor(private pieceCount: number | undefined) {
    this.events$ = defer(() => concat(from([...this.entries.values()].map((e): LinkEvent => ({ type: 'joined', peer: e.peer, state: e.state }))), this.events));
  }

  /** Open links. */
  get size(): number {
    return this.entries.size;
  }

  /** Payload bytes received, over all links past and present. */
  get downloaded(): number {
    let n = this.closedDown;
    for (const { peer } of this.entries.values()) n += peer.connection.downloadedBytes;
    return n;
  }

  /** Payload bytes sent, over all links past and present. */
  get uploaded(): number {
    let n = this.closedUp;
    for (const { peer } of this.entries.values()) n += peer.connection.uploadedBytes;
    return n;
  }

  /** Every open link with its wire state. */
  *all(): IterableIterator<Link> {
    for (const entry of this.entries.values()) yield entry;
  }

  /** Adopts a connection: `joined`, then its messages, then `left` when it ends. */
  adopt(connection: PeerConnection): void {
    const key: PeerKey = `${formatPeerAddress(connection.address)}#${this.nextId++}`;
    const peer: SessionPeer = { key, address: connection.address, peerId: connection.peerId, direction: connection.direction, connection };
    const entry: Entry = { peer, state: initialPeerWireState(this.pieceCount), subscription: new Subscription(() => connection.close()) };
    this.entries.set(key, entry);
    this.events.next({ type: 'joined', peer, state: entry.state });
    const gone = (): void => {
      if (this.entries.get(key) !== entry) return;
      this.entries.delete(key);
      this.closedDown += connection.downloadedBytes;
      this.closedUp += connection.uploadedBytes;
      entry.subscription.unsubscribe();
      this.events.next({ type: 'left', peer, state: entry.state });
    };
    if (this.entries.get(key) !== entry) return;
    entry.subscription.add(
      connection.messages$.subscribe({
        next: (message) => {
          const before = entry.state;
          try {
            entry.state = nextPeerWireState(before, { direction: 'in', message });
          } catch {
            // A message that breaks our model of the peer (a second bitfield, a have out of range) ends it.
            connection.close();
            gone();
            return;
          }
          this.events.next({ type: 'message', peer, message, before, state: entry.state });
        },
        error: gone,
        complete: gone,
      }),
    );
  }

  /** Sends `message` to the peer of `key` (if still open), recording it in its wire state. */
  send(key: PeerKey, message: WireMessage): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    entry.state = nextPeerWireState(entry.state, { direction: 'out', message });
    void entry.peer.connection.send(message);
  }

  /** Closes the link of `key`, if open. */
  close(key: PeerKey): void {
    this.entries.get(key)?.peer.connection.close();
  }

  /**
   * The torrent is known now (a magnet's metadata arrived): what each peer announced is sized
   * to its piece count, and its connection checks later messages against the torrent's geometry.
   * A peer whose announcement does not fit is closed.
   */
  learnTorrent(pieceCount: number, limits: WireLimits): void {
    this.pieceCount = pieceCount;
    for (const entry of [...this.entries.values()]) {
      try {
        entry.state = sizePeerWireState(entry.state, pieceCount);
        entry.peer.connection.setLimits(limits);
      } catch {
        entry.peer.connection.close();
      }
    }
  }

  /** Closes every link and ends {@link SwarmLinks.events$}. */
  closeAll(): void {
    for (const entry of [...this.entries.values()]) entry.subscription.unsubscribe();
    this.events.complete();
  }
}
