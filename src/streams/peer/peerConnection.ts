/**
 * `PeerConnection`: one handshaken connection to a peer, as `connectPeer` and `listenForPeers`
 * hand it out: typed messages in, `send` out.
 *
 * @module
 */
import { Observable, ReplaySubject, type Subscriber } from 'rxjs';
import { PeerError } from '../../errors.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import { encodeMessage, encodePieceHeader } from '../../protocol/wire/index.js';
import type { ExtendedHandshake, PeerExtensions, WireLimits, WireMessage } from '../../protocol/wire/index.js';
import type { SocketStream } from './fromSocket.js';

/** An open, handshaken peer connection. */
export interface PeerConnection {
  /** The peer's address (for inbound connections, where it connected from). */
  readonly address: PeerAddress;
  /** The peer's 20-byte id, from its handshake. */
  readonly peerId: Uint8Array;
  /** The torrent this connection is for. */
  readonly infoHash: Uint8Array;
  /** The extensions the peer announced (BEP 10 extended, BEP 6 fast, BEP 5 dht). */
  readonly extensions: PeerExtensions;
  /** Who dialled: we (`'outbound'`) or the peer (`'inbound'`). */
  readonly direction: 'inbound' | 'outbound';
  /** True when the connection is RC4-encrypted (MSE/PE); false for plaintext, obfuscated handshake or not. */
  readonly encrypted: boolean;
  /**
   * Every message the peer sends after its handshake, in order. Unicast: messages that arrive
   * before anyone subscribes (the peer's bitfield often shares a TCP chunk with its handshake)
   * are held, and the socket is not read meanwhile, so the buffer stays bounded by one chunk.
   * One subscriber at a time (`ERR_PEER_ALREADY_SUBSCRIBED` for a second); a later subscriber
   * continues where the previous one stopped. Errors with a `WireError` or `PeerError` on a
   * protocol violation, reset or timeout (the socket is then destroyed); completes when the peer
   * closes or we do. Byte fields are views into the socket chunk: copy what you keep.
   */
  readonly messages$: Observable<WireMessage>;
  /**
   * The peer's BEP 10 extension handshake, when it arrives (again on each update), the latest
   * replayed to late subscribers; completes when the connection ends. Its raw message is also on
   * {@link PeerConnection.messages$}.
   */
  readonly extendedHandshake$: Observable<ExtendedHandshake>;
  /** The latest extension handshake of the peer, or undefined before one arrived. */
  readonly extendedHandshake: ExtendedHandshake | undefined;
  /** Block bytes received in `piece` messages. */
  readonly downloadedBytes: number;
  /** Block bytes sent in `piece` messages. */
  readonly uploadedBytes: number;
  /** True once the connection has ended. */
  readonly closed: boolean;
  /**
   * Sends a message; a `piece` goes out as header + block without copying the block.
   * @param release - for a `piece` whose block is lent (a view of reused memory): called once the
   *   connection no longer holds the block (written, copied, or dropped); the block must not
   *   change until then. Other messages call it at once.
   * @returns resolves once the socket took it (after `drain` under backpressure), or at once when
   *   the connection is closed. Never rejects: failures end the connection and show on `messages$`.
   */
  send(msg: WireMessage, release?: () => void): Promise<void>;
  /** Closes the socket at once (unsent data is dropped); `messages$` completes. Idempotent. */
  close(): void;
  /**
   * Checks the peer's later messages against `limits` too (a magnet download learns the piece
   * count and sizes from the metadata, after its connections are open). Caps only tighten:
   * geometry given here is added to the limits the connection was opened with.
   */
  setLimits(limits: WireLimits): void;
}

/** What a {@link Connection} is built from, after both handshakes. */
export interface ConnectionInit {
  readonly address: PeerAddress;
  readonly peerId: Uint8Array;
  readonly infoHash: Uint8Array;
  readonly extensions: PeerExtensions;
  readonly direction: 'inbound' | 'outbound';
  readonly io: SocketStream;
  /** RC4 under the frames. */
  readonly encrypted: boolean;
  /** Called for every message sent (keep-alive bookkeeping). */
  readonly onSend: () => void;
  /** Ends the connection (and its socket), with an error or cleanly. */
  readonly shutdown: (error?: unknown) => void;
  /** Adds torrent geometry to the limits later messages are checked against. */
  readonly setLimits: (limits: WireLimits) => void;
}

const RESOLVED = Promise.resolve();

/** The {@link PeerConnection} that `establishPeer` drives: it feeds messages in and ends it. */
export class Connection implements PeerConnection {
  readonly address: PeerAddress;
  readonly peerId: Uint8Array;
  readonly infoHash: Uint8Array;
  readonly extensions: PeerExtensions;
  readonly direction: 'inbound' | 'outbound';
  readonly encrypted: boolean;
  readonly messages$: Observable<WireMessage>;
  readonly extendedHandshake$: Observable<ExtendedHandshake>;
  readonly #init: ConnectionInit;
  readonly #held: WireMessage[] = [];
  readonly #extended = new ReplaySubject<ExtendedHandshake>(1);
  #latestExtended: ExtendedHandshake | undefined;
  #sink: Subscriber<WireMessage> | undefined;
  #ended: { readonly error: unknown } | undefined;
  #downloaded = 0;
  #uploaded = 0;
  #amInterested = false;
  #peerInterested = false;

  constructor(init: ConnectionInit) {
    this.#init = init;
    ({ address: this.address, peerId: this.peerId, infoHash: this.infoHash } = init);
    ({ extensions: this.extensions, direction: this.direction, encrypted: this.encrypted } = init);
    this.extendedHandshake$ = this.#extended.asObservable();
    this.messages$ = new Observable<WireMessage>((subscriber) => this.#subscribe(subscriber));
  }

  get extendedHandshake(): ExtendedHandshake | undefined {
    return this.#latestExtended;
  }

  get downloadedBytes(): number {
    return this.#downloaded;
  }

  get uploadedBytes(): number {
    return this.#uploaded;
  }

  /** Whether either side said it is interested (and has not taken it back): the limiter's idea of a useful peer. */
  get interested(): boolean {
    return this.#amInterested || this.#peerInterested;
  }

  get closed(): boolean {
    return this.#ended !== undefined;
  }

  send(msg: WireMessage, release?: () => void): Promise<void> {
    if (this.#ended !== undefined || msg.type !== 'piece') release?.();
    if (this.#ended !== undefined) return RESOLVED;
    let chunks: Uint8Array[];
    try {
      chunks = msg.type === 'piece'
        ? [encodePieceHeader(msg.index, msg.begin, msg.block.length), msg.block]
        : [encodeMessage(msg)];
    } catch (err) {
      if (msg.type === 'piece') release?.();
      this.#init.shutdown(err);
      return RESOLVED;
    }
    if (msg.type === 'piece') this.#uploaded += msg.block.length;
    else if (msg.type === 'interested' || msg.type === 'not-interested') this.#amInterested = msg.type === 'interested';
    this.#init.onSend();
    return msg.type === 'piece' && release !== undefined ? this.#init.io.lend(release, ...chunks) : this.#init.io.write(...chunks);
  }

  close(): void {
    this.#init.shutdown();
  }

  setLimits(limits: WireLimits): void {
    this.#init.setLimits(limits);
  }

  /** Delivers one received message, or holds it (and stops reading) while nobody listens. */
  receive(msg: WireMessage): void {
    if (msg.type === 'piece') this.#downloaded += msg.block.length;
    else if (msg.type === 'interested' || msg.type === 'not-interested') this.#peerInterested = msg.type === 'interested';
    if (this.#sink !== undefined) {
      this.#sink.next(msg);
    } else {
      this.#held.push(msg);
      this.#init.io.pause();
    }
  }

  /** Records the peer's (new) extension handshake. */
  receiveExtendedHandshake(handshake: ExtendedHandshake): void {
    this.#latestExtended = handshake;
    this.#extended.next(handshake);
  }

  /** Ends the connection's streams: `messages$` errors with `error`, or completes. Idempotent. */
  end(error?: unknown): void {
    if (this.#ended !== undefined) return;
    this.#ended = { error };
    this.#extended.complete();
    const sink = this.#sink;
    this.#sink = undefined;
    if (sink !== undefined) this.#notifyEnd(sink);
  }

  #subscribe(subscriber: Subscriber<WireMessage>): (() => void) | undefined {
    if (this.#sink !== undefined) {
      subscriber.error(new PeerError('ERR_PEER_ALREADY_SUBSCRIBED', 'messages$ is unicast: one subscriber at a time'));
      return undefined;
    }
    const held = this.#held;
    let delivered = 0;
    while (delivered < held.length && !subscriber.closed) subscriber.next(held[delivered++]!);
    held.splice(0, delivered);
    if (subscriber.closed) return undefined;
    if (this.#ended !== undefined) {
      this.#notifyEnd(subscriber);
      return undefined;
    }
    this.#sink = subscriber;
    this.#init.io.resume();
    return () => {
      if (this.#sink !== subscriber) return;
      this.#sink = undefined;
      this.#init.io.pause();
    };
  }

  #notifyEnd(subscriber: Subscriber<WireMessage>): void {
    const { error } = this.#ended!;
    if (error === undefined) subscriber.complete();
    else subscriber.error(error);
  }
}
