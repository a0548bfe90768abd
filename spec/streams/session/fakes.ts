/**
 * Scripted peers and a fake client port for session specs in virtual time: no sockets, every
 * message a peer sends and receives recorded, every reply decided by a small script.
 */
import { Observable, of, ReplaySubject, Subject, VirtualAction, VirtualTimeScheduler, type SchedulerLike, type Subscriber } from 'rxjs';
import { decodeMetadataMessage, encodeMetadataMessage, METADATA_PIECE_LENGTH } from '../../../src/protocol/extensions/index.js';
import type { Torrent } from '../../../src/protocol/metainfo/index.js';
import type { PeerAddress } from '../../../src/protocol/peerAddress.js';
import { formatPeerAddress } from '../../../src/protocol/peerAddress.js';
import type { ExtendedHandshake, PeerExtensions, WireLimits, WireMessage } from '../../../src/protocol/wire/index.js';
import type { PeerConnection, TorrentPeerOptions } from '../../../src/streams/peer/index.js';
import type { SwarmPort } from '../../../src/streams/session/sessionConfig.js';

/** What a scripted peer does when we send it something: the messages it answers with. */
export type PeerScript = (message: WireMessage, peer: ScriptedPeer) => readonly WireMessage[];

/** The ut_metadata id a {@link servingMetadata} peer announces (set it in its `extendedHandshake`). */
export const METADATA_ID = 5;

/**
 * `script`, answering BEP 9 metadata requests from `torrent`'s info dict first (our side's
 * ut_metadata id is 1): a seeder a magnet download can fetch the metadata from.
 */
export function servingMetadata(torrent: Torrent, script: PeerScript): PeerScript {
  return (message, peer) => {
    if (message.type !== 'extended' || message.id !== METADATA_ID) return script(message, peer);
    const request = decodeMetadataMessage(message.payload, { metadataSize: torrent.infoBytes.length });
    if (request?.type !== 'request') return [];
    const chunk = torrent.infoBytes.subarray(request.piece * METADATA_PIECE_LENGTH, (request.piece + 1) * METADATA_PIECE_LENGTH);
    return [{ type: 'extended', id: 1, payload: encodeMetadataMessage({ type: 'data', piece: request.piece, totalSize: torrent.infoBytes.length, data: chunk }) }];
  };
}

/** A {@link PeerConnection} whose other end is a script. */
export class ScriptedPeer implements PeerConnection {
  readonly infoHash: Uint8Array;
  readonly direction: 'inbound' | 'outbound';
  readonly encrypted = false;
  readonly extensions: PeerExtensions;
  readonly extendedHandshake$ = new ReplaySubject<ExtendedHandshake>(1);
  /** The peer's extension handshake, as a spec sets it. */
  extendedHandshake: ExtendedHandshake | undefined = undefined;
  /** Everything we sent it, in order. */
  readonly received: WireMessage[] = [];
  /** Emits once when the connection ends. */
  readonly ended$ = new ReplaySubject<void>(1);
  /** Limits the session set with `setLimits`. */
  limits: WireLimits | undefined;
  readonly messages$: Observable<WireMessage>;
  #sink: Subscriber<WireMessage> | undefined;
  readonly #held: WireMessage[] = [];
  #closed = false;
  #down = 0;
  #up = 0;

  constructor(
    readonly address: PeerAddress,
    readonly peerId: Uint8Array,
    private readonly script: PeerScript,
    private readonly options: { infoHash: Uint8Array; scheduler: SchedulerLike; latencyMs?: number; direction?: 'inbound' | 'outbound'; greeting?: readonly WireMessage[]; v2?: boolean },
  ) {
    this.infoHash = options.infoHash;
    this.extensions = { extended: true, fast: true, dht: false, v2: options.v2 === true };
    this.direction = options.direction ?? 'outbound';
    this.#held.push(...(options.greeting ?? []));
    this.messages$ = new Observable<WireMessage>((subscriber) => {
      for (const m of this.#held.splice(0)) subscriber.next(m);
      if (this.#closed) {
        subscriber.complete();
        return undefined;
      }
      this.#sink = subscriber;
      return () => (this.#sink = undefined);
    });
  }

  get downloadedBytes(): number {
    return this.#down;
  }

  get uploadedBytes(): number {
    return this.#up;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The peer sends us `message`. */
  deliver(message: WireMessage): void {
    if (this.#closed) return;
    if (message.type === 'piece') this.#down += message.block.length;
    if (this.#sink === undefined) this.#held.push(message);
    else this.#sink.next(message);
  }

  send(message: WireMessage): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (message.type === 'piece') this.#up += message.block.length;
    this.received.push(message);
    // Replies arrive later, as from a socket: never inside our own send.
    const replies = this.script(message, this);
    if (replies.length > 0) this.options.scheduler.schedule(() => replies.forEach((m) => this.deliver(m)), this.options.latencyMs ?? 1);
    return Promise.resolve();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.extendedHandshake$.complete();
    this.#sink?.complete();
    this.ended$.next();
  }

  setLimits(limits: WireLimits): void {
    this.limits = limits;
  }
}

/** A {@link SwarmPort} whose dials reach scripted peers by address. */
export interface FakePort extends SwarmPort {
  /** Addresses dialled, in order. */
  readonly dialled: string[];
  /** Inbound connections: push a peer that dials us. */
  readonly incoming: Subject<PeerConnection>;
  /** The info-hashes (hex) and v2 bits inbound connections are accepted for, in order. */
  readonly routes: { readonly infoHash: string; readonly v2: boolean }[];
}

/**
 * A port that dials the scripted peers of `peers` (a dial to anyone else fails) and listens on 6881.
 *
 * @param peers - by `host:port`, a function that makes a fresh connection for each dial
 */
export function fakePort(peers: ReadonlyMap<string, () => ScriptedPeer>, peerId: Uint8Array): FakePort {
  const dialled: string[] = [];
  const incoming = new Subject<PeerConnection>();
  const routes: { infoHash: string; v2: boolean }[] = [];
  return {
    routes,
    peerId,
    host: '127.0.0.1',
    listening$: of(6881),
    dialled,
    incoming,
    dial: (address: PeerAddress, _infoHash: Uint8Array, _options: TorrentPeerOptions) => {
      const key = formatPeerAddress(address);
      dialled.push(key);
      const make = peers.get(key);
      if (make === undefined) return new Observable<PeerConnection>((s) => s.error(new Error(`nobody at ${key}`)));
      return new Observable<PeerConnection>((subscriber) => {
        const connection = make();
        // Like connectPeer: the dial completes when the connection ends, which frees its room.
        const ended = connection.ended$.subscribe(() => subscriber.complete());
        subscriber.next(connection);
        return () => {
          ended.unsubscribe();
          connection.close();
        };
      });
    },
    inbound: (infoHash, options) => {
      routes.push({ infoHash: Buffer.from(infoHash).toString('hex'), v2: options.extensions?.v2 === true });
      return incoming.asObservable();
    },
  };
}

/** A virtual clock that runs actions up to a time, letting promises (storage) settle between steps. */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);

  /** Virtual now, ms. */
  get now(): number {
    return this.scheduler.now();
  }

  /** Runs every action due before `ms` from now, in steps of `stepMs`, awaiting I/O between steps. */
  async advance(ms: number, stepMs = 10): Promise<void> {
    const end = this.scheduler.now() + ms;
    for (let t = this.scheduler.now() + stepMs; t <= end; t += stepMs) {
      this.scheduler.schedule(() => undefined, t - this.scheduler.now());
      this.scheduler.maxFrames = t;
      this.scheduler.flush();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Advances until `done()` or `limitMs` of virtual time passed; true when done. */
  async until(done: () => boolean, limitMs: number, stepMs = 10): Promise<boolean> {
    const end = this.scheduler.now() + limitMs;
    while (!done() && this.scheduler.now() < end) await this.advance(stepMs * 10, stepMs);
    return done();
  }
}
