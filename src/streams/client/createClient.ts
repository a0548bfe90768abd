/**
 * `createClient(config)`: one listening port, one peer id and one connection cap (the seed's
 * `Manager` with `MAX_PEER_CONNECTIONS`) shared by any number of torrent sessions. Inbound
 * handshakes are routed to the session of their info-hash.
 *
 * @module
 */
import { asyncScheduler, concat, defer, EMPTY, filter, finalize, map, Observable, of, share, startWith, Subject, takeUntil, tap, throttleTime, type SchedulerLike } from 'rxjs';
import { ClientError, type PeerError } from '../../errors.js';
import { toHex } from '../../protocol/bytes.js';
import type { MagnetLink, Torrent } from '../../protocol/metainfo/index.js';
import { magnetSession, type MagnetSessionConfig } from '../session/magnetSession.js';
import { TokenBucket } from '../../protocol/rate/index.js';
import { generatePeerId } from '../../protocol/wire/index.js';
import { req2Hash } from '../../protocol/mse/index.js';
import {
  connectPeer, createConnectionLimiter, listenForPeers, type EncryptionPolicy, type PeerConnection, type PeerTimeouts, type TorrentPeerOptions,
} from '../peer/index.js';
import type { SessionComponents, SessionConfig, SwarmPort } from '../session/sessionConfig.js';
import type { SessionState } from '../session/sessionState.js';
import { summarizeSessions, type ClientState } from './clientState.js';
import { torrentSession } from '../session/torrentSession.js';
import { startHandle, type TorrentHandle } from './torrentHandle.js';
import { createDht, type DhtConfig } from '../dht/index.js';
import type { SwarmDht } from '../session/sessionConfig.js';

/** Where a client listens unless told: the first free of BitTorrent's 6881–6889, else any free port. */
export const DEFAULT_PORTS: readonly number[] = [6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889, 0];

/** Options of {@link createClient}. */
export interface ClientConfig {
  /** Address to listen on, dial from and announce. @default '0.0.0.0' */
  readonly host?: string;
  /** Port to listen on (0 picks one). @default the first free of 6881–6889, else any free port */
  readonly port?: number;
  /** Connections in and out together, over all torrents. @default 50 */
  readonly maxPeers?: number;
  /** Connections with one IP address (loopback not counted), in and out together. @default 3 */
  readonly maxPeersPerAddress?: number;
  /**
   * At a cap, a newcomer takes the place of the connection useless longest (neither side
   * interested, no payload) once it has been so this long; `Infinity`: never. @default 120000
   */
  readonly evictIdleMs?: number;
  /** Our peer id. @default a fresh `-RX0100-…` id */
  readonly peerId?: Uint8Array;
  /** Peer connection timeouts. */
  readonly timeouts?: PeerTimeouts;
  /** Upload limit over all torrents, bytes/s. @default unlimited */
  readonly uploadRate?: number;
  /** Download limit over all torrents, bytes/s. @default unlimited */
  readonly downloadRate?: number;
  /**
   * Message stream encryption (MSE/PE). `'prefer'`: accept plaintext and encrypted peers; dial
   * encrypted first (we pick RC4 when a peer offers it) and once more in plaintext if the peer
   * hangs up. `'require'`: RC4 only, both ways. `'off'`: plaintext only; MSE inbound is refused.
   * @default 'prefer'
   */
  readonly encryption?: EncryptionPolicy;
  /**
   * Runs a DHT node (BEP 5) on the client's host: a peer source of every torrent that is not
   * private, and the way to resolve magnet links with no tracker. Its UDP port defaults to the
   * client's TCP port number (`port: 0` there: a free UDP port). Off unless given; no node is
   * contacted but `bootstrap`'s and those they lead to.
   * @default off
   */
  readonly dht?: Omit<DhtConfig, 'host' | 'scheduler'>;
}

/** Injected collaborators shared by the client's sessions. */
export interface ClientComponents extends Omit<SessionComponents, 'storage'> {
  readonly scheduler?: SchedulerLike;
}

/** A running client. */
export interface Client {
  readonly peerId: Uint8Array;
  /** The port we listen on, once listening (subscribing starts the listener). */
  readonly listening$: Observable<number>;
  /**
   * Every running session's latest state plus totals, at most four times a second (a session
   * leaves it when it stops). Subscribing does not start anything.
   */
  readonly state$: Observable<ClientState>;
  /**
   * Starts a torrent on this client at once and returns its handle: watch it (`state$`, `done()`),
   * steer it (file priorities), read it while it downloads (`read$`, `createReadStream`), `stop()` it.
   *
   * @returns the running torrent
   */
  add(torrent: Torrent, config: SessionConfig, components?: Pick<SessionComponents, 'storage'>): TorrentHandle;
  /** Starts a download from a magnet link (BEP 9 metadata from peers first) and returns its handle. */
  addMagnet(link: MagnetLink, config: MagnetSessionConfig): TorrentHandle;
  /**
   * A torrent on this client as a cold observable: subscribing starts it, unsubscribing stops it
   * (for pipelines that own the torrent's life; `add` for a handle).
   *
   * @returns cold session states
   */
  run(torrent: Torrent, config: SessionConfig, components?: Pick<SessionComponents, 'storage' | 'control'>): Observable<SessionState>;
  /** A magnet download as a cold observable (`metadata` states while the info dict is fetched). */
  runMagnet(link: MagnetLink, config: MagnetSessionConfig, components?: Pick<SessionComponents, 'control'>): Observable<SessionState>;
  /**
   * Stops the running torrent of `infoHash` (hex), as `stop()` or unsubscribing would: its state
   * stream completes. True when one was running.
   */
  remove(infoHash: string): boolean;
}

/**
 * Creates a client. Nothing runs until a torrent is added (or `listening$` subscribed); the
 * listener closes when the last torrent stops.
 *
 * @throws {@link ClientError} `ERR_CLIENT_INVALID_ARGUMENT` for a port outside 0–65535;
 *   {@link PeerError} `ERR_PEER_INVALID_ARGUMENT` for a bad connection cap
 *
 * @example
 * ```ts
 * const client = createClient({ host: '0.0.0.0', port: 6881, maxPeers: 50 });
 * const handle = client.add(torrent, { path: 'downloads/' + torrent.name });   // started
 * handle.state$.subscribe((s) => console.log(`${(s.progress * 100).toFixed(1)} %`));
 * await handle.done();
 * ```
 */
export function createClient(config: ClientConfig = {}, components: ClientComponents = {}): Client {
  const host = config.host ?? '0.0.0.0';
  if (config.port !== undefined && !(Number.isInteger(config.port) && config.port >= 0 && config.port <= 65535)) {
    throw new ClientError('ERR_CLIENT_INVALID_ARGUMENT', `port must be an integer from 0 to 65535, not ${config.port}`);
  }
  const peerId = config.peerId ?? generatePeerId();
  const clock = components.scheduler ?? asyncScheduler;
  const limiter = createConnectionLimiter({
    maxPeers: config.maxPeers ?? 50, maxPerAddress: config.maxPeersPerAddress, evictIdleMs: config.evictIdleMs, now: () => clock.now(),
  });
  const encryption = config.encryption ?? 'prefer';
  if (!['prefer', 'require', 'off'].includes(encryption)) {
    throw new ClientError('ERR_CLIENT_INVALID_ARGUMENT', `encryption must be 'prefer', 'require' or 'off', not ${String(encryption)}`);
  }
  const routes = new Map<string, { options: TorrentPeerOptions; deliver: (c: PeerConnection) => void }>();
  /** Info-hashes by the hex of `HASH('req2', info-hash)`: how an MSE handshake names its torrent. */
  const skeys = new Map<string, Uint8Array>();
  let boundPort: number | undefined;
  const listener$ = listenForPeers({
    host, port: config.port ?? DEFAULT_PORTS, limiter, timeouts: config.timeouts, scheduler: components.scheduler,
    lookup: (infoHash) => routes.get(toHex(infoHash))?.options,
    encryption, findSkey: (req2) => skeys.get(toHex(req2)),
  }).pipe(
    tap({
      next: (event) => {
        if (event.type === 'listening') boundPort = event.address.port;
        if (event.type === 'connection') {
          const route = routes.get(toHex(event.connection.infoHash));
          if (route === undefined) event.connection.close();
          else route.deliver(event.connection);
        }
      },
      finalize: () => (boundPort = undefined),
    }),
    share(),
  );
  const listening$ = defer(() =>
    concat(boundPort === undefined ? EMPTY : of(boundPort), listener$.pipe(filter((e) => e.type === 'listening'), map(() => boundPort as number))),
  );
  const dht = config.dht === undefined ? undefined : clientDht(config.dht, host, config.port ?? 6881, components.scheduler);
  const port: SwarmPort = {
    dht,
    peerId,
    buckets: {
      upload: new TokenBucket({ rate: config.uploadRate ?? Infinity }),
      download: new TokenBucket({ rate: config.downloadRate ?? Infinity }),
    },
    host: host === '0.0.0.0' || host === '::' ? undefined : host,
    listening$,
    dial: (address, infoHash, options) =>
      connectPeer(address, {
        ...options, infoHash, limiter, timeouts: config.timeouts, scheduler: components.scheduler, encryption,
        localAddress: host === '0.0.0.0' || host === '::' ? undefined : host,
      }),
    inbound: (infoHash, options) =>
      new Observable<PeerConnection>((subscriber) => {
        const key = toHex(infoHash);
        if (routes.has(key)) {
          subscriber.error(new ClientError('ERR_CLIENT_DUPLICATE_TORRENT', `torrent ${key} is already running on this client`));
          return undefined;
        }
        routes.set(key, { options, deliver: (c) => subscriber.next(c) });
        const req2 = toHex(req2Hash(infoHash));
        skeys.set(req2, infoHash.slice());
        const listening = listener$.subscribe({ error: (err: unknown) => subscriber.error(err) });
        return () => {
          routes.delete(key);
          skeys.delete(req2);
          listening.unsubscribe();
        };
      }),
  };
  const sessions = new Map<string, SessionState>();
  const changed$ = new Subject<void>();
  const state$ = changed$.pipe(
    startWith(undefined),
    throttleTime(250, components.scheduler ?? asyncScheduler, { leading: true, trailing: true }),
    map(() => summarizeSessions([...sessions.values()])),
  );
  const removed$ = new Subject<string>();
  /** Keeps a session's latest state in the client-wide state while it runs; `remove` ends it. */
  const tracked = (infoHash: string, states$: Observable<SessionState>): Observable<SessionState> =>
    states$.pipe(
      takeUntil(removed$.pipe(filter((hash) => hash === infoHash))),
      tap((s) => {
        sessions.set(infoHash, s);
        changed$.next();
      }),
      finalize(() => {
        sessions.delete(infoHash);
        changed$.next();
      }),
    );
  return {
    peerId,
    listening$,
    state$,
    add: (torrent, sessionConfig, sessionComponents = {}) =>
      startHandle(torrent.infoHash, (control) => tracked(torrent.infoHash, torrentSession(torrent, sessionConfig, port, { ...components, ...sessionComponents, control })), sessionConfig.files),
    addMagnet: (link, magnetConfig) =>
      startHandle(link.infoHash, (control) => tracked(link.infoHash, magnetSession(link, magnetConfig, port, { ...components, control })), magnetConfig.files),
    run: (torrent, sessionConfig, sessionComponents = {}) =>
      tracked(torrent.infoHash, torrentSession(torrent, sessionConfig, port, { ...components, ...sessionComponents })),
    runMagnet: (link, magnetConfig, sessionComponents = {}) => tracked(link.infoHash, magnetSession(link, magnetConfig, port, { ...components, ...sessionComponents })),
    remove: (infoHash) => {
      const running = sessions.has(infoHash.toLowerCase());
      removed$.next(infoHash.toLowerCase());
      return running;
    },
  };
}

/** The client's DHT node, remembering its bound UDP port for PORT messages. */
function clientDht(config: Omit<DhtConfig, 'host' | 'scheduler'>, host: string, tcpPort: number, scheduler: SchedulerLike | undefined): SwarmDht {
  const dht = createDht({ ...config, host, port: config.port ?? tcpPort, scheduler });
  let bound: number | undefined;
  return {
    search: (infoHash, port) => dht.search(infoHash, port),
    addNode: (address) => dht.addNode(address),
    state$: dht.state$.pipe(tap((s) => (bound = s.address.port))),
    port: () => bound,
  };
}
