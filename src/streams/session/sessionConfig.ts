/**
 * Options of a torrent session, and the port a client gives it to reach the network.
 *
 * @module
 */
import type { Observable, SchedulerLike } from 'rxjs';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { MetadataFetcherConfig } from '../../protocol/extensions/index.js';
import type { TokenBucket } from '../../protocol/rate/index.js';
import type { PieceSchedulerConfig } from '../../protocol/scheduler/index.js';
import type { AnnounceFunction } from '../../tracker/client/announce.js';
import type { Dht } from '../dht/index.js';
import type { PeerConnection, TorrentPeerOptions } from '../peer/index.js';
import type { PieceStorage } from '../storage/index.js';
import type { Priority } from '../../protocol/scheduler/pieceLevels.js';
import type { SessionControl } from './sessionControl.js';
import type { WebSeedsConfig } from './webSeeds.js';

/** User options of one torrent's session. */
export interface SessionConfig {
  /** The content: the file of a single-file torrent, the top folder of a multi-file one. */
  readonly path: string;
  /**
   * `'download'`: fetch what is missing (existing data is rechecked first); `'seed'`: the content
   * must all exist, it is rechecked and served. @default 'download'
   */
  readonly mode?: 'download' | 'seed';
  /** Keep seeding once the download completes (otherwise the session completes). @default true */
  readonly seed?: boolean;
  /** Peer addresses to dial directly, besides the trackers'. @default [] */
  readonly peers?: readonly PeerAddress[];
  /** Connections this torrent dials at most (the client's cap still applies). @default 50 */
  readonly maxPeers?: number;
  /** Tracker tiers to announce to instead of the torrent's own. */
  readonly trackers?: readonly (readonly string[])[];
  /** Least time between state snapshots. @default 250 */
  readonly stateIntervalMs?: number;
  /** Least time between two PEX messages to one peer (BEP 11 says a minute). @default 60000 */
  readonly pexIntervalMs?: number;
  /**
   * For a magnet link: how the metadata is fetched (request timeout, retry delay, when to give up,
   * largest metadata accepted). @default the fetcher's defaults (15 s, 5 s, 60 s, 16 MiB)
   */
  readonly metadata?: Omit<MetadataFetcherConfig, 'infoHash'>;
  /**
   * For a magnet link: fail with `ERR_EXT_METADATA_TIMEOUT` when the metadata has not arrived
   * this long after the start (no peers, or none that has it). @default no limit
   */
  readonly metadataTimeoutMs?: number;
  /** How often the resume record is saved while pieces arrive. @default 10000 */
  readonly resumeIntervalMs?: number;
  /** Bad pieces a peer may send (each shared failure counts in part) before it is banned. @default 2 */
  readonly banThreshold?: number;
  /** Upload limit of this torrent, bytes/s. @default unlimited */
  readonly uploadRate?: number;
  /** Download limit of this torrent, bytes/s. @default unlimited */
  readonly downloadRate?: number;
  /**
   * Worker threads that check piece hashes while the main thread goes on with the network (0: hash
   * on the main thread). Worth it with cores to spare: measured on two cores shared with a local
   * seeder, one thread made a download into a discarding storage ~12 % faster, while to disk the
   * runs were mixed, for 11–13 MiB more memory (see the README's performance section). @default 0
   */
  readonly hashThreads?: number;
  /** BEP 19 web seeds to use instead of the torrent's `url-list` (`[]`: none). @default torrent.urlList */
  readonly webSeeds?: readonly string[];
  /** Web seed tuning (run size, requests in flight, timeouts, redirects). */
  readonly webSeed?: WebSeedsConfig;
  /** Request-strategy tuning (pipeline depths, timeouts, endgame). */
  readonly scheduling?: Omit<PieceSchedulerConfig, 'pieceCount' | 'pieceLength' | 'length' | 'have' | 'random' | 'sequential' | 'levels'>;
  /**
   * Priority of each file (as `rxtorrent info` numbers them: pad files left out): `'skip'` files
   * are not fetched and never created, `'high'` ones go first. A handle (`client.add`) changes
   * them while the session runs. @default every file 'normal'
   */
  readonly files?: readonly Priority[];
  /** Fetch pieces in order (within a priority) instead of rarest first. @default false */
  readonly sequential?: boolean;
}

/** Storage that may say whether it found data on disk. */
export type SessionStorage = PieceStorage & { readonly hasExistingData?: boolean };

/** Injected collaborators of a session. */
export interface SessionComponents {
  /** Where pieces go. @default files at `config.path` */
  readonly storage?: PieceStorage & { readonly hasExistingData?: boolean };
  /** Clock and timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** RNG in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Sends one tracker announce. @default HTTP announce */
  readonly announce?: AnnounceFunction;
  /** Priorities and readers from outside, and access to the pieces (a torrent handle). @default `config.files`, no readers */
  readonly control?: SessionControl;
}

/** The client's DHT node, as its sessions use it (see {@link Dht}). */
export interface SwarmDht extends Pick<Dht, 'search' | 'addNode' | 'state$'> {
  /** Our DHT's UDP port once its socket is bound (sent to peers in PORT messages). */
  port(): number | undefined;
}

/** What a client provides to its sessions: identity, address, dialling and inbound routing. */
export interface SwarmPort {
  /** Our peer id. */
  readonly peerId: Uint8Array;
  /** The address we listen on and announce from (undefined: any). */
  readonly host: string | undefined;
  /** Emits the port we listen on once listening (then stays open). */
  readonly listening$: Observable<number>;
  /** Opens an outbound connection for a torrent. */
  dial(address: PeerAddress, infoHash: Uint8Array, options: TorrentPeerOptions): Observable<PeerConnection>;
  /** Client-wide rate limits shared by every torrent. */
  readonly buckets?: { readonly upload: TokenBucket; readonly download: TokenBucket };
  /** Inbound connections for `infoHash`, answered with `options` while subscribed. */
  inbound(infoHash: Uint8Array, options: TorrentPeerOptions): Observable<PeerConnection>;
  /** The client's DHT, when it runs one: a peer source of every non-private torrent. */
  readonly dht?: SwarmDht;
}
