/**
 * `createDht`: a BitTorrent DHT node (BEP 5) as observables. One UDP socket, opened when the
 * first subscriber comes (`state$`, `findPeers`, `announce`) and closed, with the routing table
 * saved, when the last one leaves. While open it answers others' queries as a full node.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html
 * @module
 */
import { asyncScheduler, defer, mergeMap, Observable, shareReplay, Subscription, takeWhile, type SchedulerLike } from 'rxjs';
import { DhtError } from '../../errors.js';
import { assertNodeId } from '../../protocol/dht/index.js';
import type { NodeId, PeerStoreConfig, QueryLimiterConfig } from '../../protocol/dht/index.js';
import { formatPeerAddress } from '../../protocol/peerAddress.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { DhtNode, DhtState } from './dhtNode.js';
import { openDhtNode } from './openDhtNode.js';
import { peerLookup, searchAndAnnounce, type DhtAnnounceResult, type DhtSearchEvent } from './searchAndAnnounce.js';
import type { LookupEvent } from './runLookup.js';

/** Options of {@link createDht}. */
export interface DhtConfig {
  /** Address the UDP socket binds. @default '0.0.0.0' */
  readonly host?: string;
  /** UDP port; 0 picks a free one. @default 6881 */
  readonly port?: number;
  /** `host:port` strings or addresses to join through (names are resolved, IPv4 only). @default [] */
  readonly bootstrap?: readonly (string | PeerAddress)[];
  /** Where the routing table is saved and loaded from; a restart then needs no bootstrap. */
  readonly stateFile?: string;
  /** Timers (query timeouts, refresh). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Randomness (node id, tokens' secrets, transaction ids). @default Math.random */
  readonly random?: () => number;
  /** Our node id. @default the saved one, else random */
  readonly nodeId?: NodeId;
  /** @default 2000 */
  readonly queryTimeoutMs?: number;
  /** Per-IP limit on the queries we answer. @default 20/s, burst 50, 4,096 IPs tracked */
  readonly rateLimit?: QueryLimiterConfig;
  /** Caps on announced peers we store. @default 200 per info-hash, 2,000 info-hashes, 20,000 peers */
  readonly peerStore?: PeerStoreConfig;
}

/** A DHT node; see {@link createDht}. */
export interface Dht {
  /** Peers of `infoHash`, each once: one get_peers lookup per subscription; completes when it ends. */
  findPeers(infoHash: Uint8Array): Observable<PeerAddress>;
  /** The lookup behind {@link Dht.findPeers}, with its rounds and closest nodes. */
  getPeers(infoHash: Uint8Array): Observable<LookupEvent>;
  /** Looks `infoHash` up, then announces `port` (TCP) to the closest nodes; emits once, completes. */
  announce(infoHash: Uint8Array, port: number): Observable<DhtAnnounceResult>;
  /**
   * Both at once, in one lookup (what a torrent session runs every 15 minutes): the peers as the
   * lookup meets them (not deduplicated), then the announce's outcome; completes after it.
   */
  search(infoHash: Uint8Array, port: number): Observable<DhtSearchEvent>;
  /**
   * Pings `address` (a peer's BEP 5 PORT message names one); emits whether it answered, then
   * completes. A node that answers enters the routing table.
   */
  addNode(address: PeerAddress): Observable<boolean>;
  /** Snapshots about once a second while subscribed (and the node runs while anyone subscribes). */
  readonly state$: Observable<DhtState>;
}

/**
 * Creates a DHT node. Nothing happens until something subscribes.
 *
 * @example
 * ```ts
 * const dht = createDht({ host: '127.0.0.1', port: 6881, bootstrap: ['127.0.0.1:6882'], stateFile: 'dht.json' });
 * dht.findPeers(infoHash).subscribe((peer) => console.log(peer.host, peer.port));
 * dht.announce(infoHash, 6881).subscribe((r) => console.log(`announced to ${r.announced} nodes`));
 * ```
 */
export function createDht(config: DhtConfig = {}): Dht {
  const port = config.port ?? 6881;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DhtError('ERR_DHT_INVALID_ARGUMENT', `bad DHT port ${port}`);
  if (config.nodeId !== undefined) assertNodeId(config.nodeId, 'nodeId');
  const scheduler = config.scheduler ?? asyncScheduler;
  const node$ = openDhtNode({
    host: config.host ?? '0.0.0.0', port, bootstrap: config.bootstrap ?? [], stateFile: config.stateFile,
    nodeId: config.nodeId, scheduler, random: config.random ?? Math.random, queryTimeoutMs: config.queryTimeoutMs,
    rateLimit: config.rateLimit, peerStore: config.peerStore,
  }).pipe(shareReplay({ bufferSize: 1, refCount: true }));

  /** Runs `f` on the node, holding the node open until `f`'s observable ends (or is unsubscribed). */
  const withNode = <T>(f: (node: DhtNode, bootstrap: readonly PeerAddress[]) => Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      const inner = new Subscription();
      const hold = node$.subscribe({
        next: ({ node, bootstrap }) => {
          if (inner.closed) return;
          inner.add(f(node, bootstrap).subscribe(subscriber));
        },
        error: (err) => subscriber.error(err),
      });
      subscriber.add(inner);
      subscriber.add(hold);
    });

  const getPeers = (infoHash: Uint8Array): Observable<LookupEvent> => {
    assertNodeId(infoHash, 'infoHash');
    return withNode((node, bootstrap) => peerLookup(node, bootstrap, infoHash, scheduler)).pipe(takeWhile((event) => event.type !== 'done', true));
  };

  const search = (infoHash: Uint8Array, tcpPort: number): Observable<DhtSearchEvent> => {
    assertNodeId(infoHash, 'infoHash');
    if (!Number.isInteger(tcpPort) || tcpPort < 1 || tcpPort > 65535) throw new DhtError('ERR_DHT_INVALID_ARGUMENT', `bad port ${tcpPort}`);
    return withNode((node, bootstrap) => searchAndAnnounce(node, bootstrap, infoHash, tcpPort, scheduler));
  };

  return {
    getPeers,
    findPeers: (infoHash) => defer(() => {
      const seen = new Set<string>();
      return getPeers(infoHash).pipe(
        mergeMap((event) => {
          if (event.type !== 'peers') return [];
          return event.peers.filter((p) => !seen.has(formatPeerAddress(p)) && seen.add(formatPeerAddress(p)));
        }),
      );
    }),
    search,
    announce: (infoHash, tcpPort) =>
      search(infoHash, tcpPort).pipe(mergeMap((event) => (event.type === 'announced' ? [event.result] : []))),
    addNode: (address) => withNode((node) => new Observable<boolean>((subscriber) => {
      node.query(address, { method: 'ping', id: node.id }, (outcome) => {
        subscriber.next(outcome.type === 'response');
        subscriber.complete();
      });
    })),
    state$: withNode((node) => node.state$),
  };
}
