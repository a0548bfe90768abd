/**
 * The tracker's swarm state behind one Promise interface, so the server runs the same over the
 * embedded {@link memoryStore} or a shared store (Redis) that lets many tracker processes serve
 * one swarm. Both pass the contract suite in `spec/tracker/store/swarmStoreContract.ts`.
 *
 * Time is always passed in (`now`, ms since the epoch) so expiry is testable without sleeping and
 * a shared store uses its callers' clock rather than its own.
 *
 * @module
 */
import { TrackerError } from '../../errors.js';
import type { AnnounceEvent } from '../../protocol/tracker/announceRequest.js';
import type { ReplyPeer, ScrapeFile } from '../../protocol/tracker/reply.js';

/** One announce as the store sees it: who, where, seeding or not, and what they want back. */
export interface PeerAnnounce {
  /** 20 raw bytes. */
  readonly infoHash: Uint8Array;
  /** 20 raw bytes; the peer's identity within the swarm. */
  readonly peerId: Uint8Array;
  /** Canonical IP text. */
  readonly host: string;
  readonly port: number;
  /** True when the peer has everything (`left=0`). */
  readonly seeder: boolean;
  readonly event: AnnounceEvent;
  /** Most peers to return. */
  readonly numwant: number;
  /**
   * The client's `key`. Once a peer id announced with one, a move of that peer id to another
   * address must present the same key (that is what `key` is for), so nobody else can hijack it.
   * A peer id that announced without one stays with its host until it stops or expires: another
   * host's announce of it (any port, any key, `stopped` too) is refused.
   */
  readonly key?: Uint8Array | undefined;
  /**
   * False when the announcer may not create a swarm now (its source spent its budget): an
   * announce to an unknown info-hash is then refused with `ERR_TRACKER_SWARM_RATE_LIMITED`.
   * @default true
   */
  readonly mayCreateSwarm?: boolean;
}

/** Failure reason when a source may not create another swarm yet. */
export const SWARM_RATE_LIMITED = 'too many new torrents from your address; try again later';
/** Failure reason when a keyed peer id is moved or stopped without its key. */
export const KEY_MISMATCH = 'key does not match the one this peer_id announced with';
/** Failure reason when a keyless peer id is announced from another host than its own. */
export const PEER_ID_TAKEN = 'peer_id is in use from another address; announce with a key to move it';

/** A swarm's counts. */
export interface SwarmCounts {
  /** Seeders. */
  readonly complete: number;
  /** Leechers. */
  readonly incomplete: number;
  /** Completed downloads while the swarm has existed. */
  readonly downloaded: number;
}

/** The result of an announce: the swarm's counts after it, and peers for the announcer. */
export interface AnnounceOutcome extends SwarmCounts {
  /** Up to `numwant` other peers, chosen at random; never the announcer itself. */
  readonly peers: readonly ReplyPeer[];
  /** True when this announce created the swarm (what a per-source creation budget is charged for). */
  readonly created?: boolean;
}

/** Totals over the whole store. */
export interface StoreStats {
  readonly swarms: number;
  readonly seeders: number;
  readonly leechers: number;
}

/**
 * Where swarms live. Every method is atomic with respect to the others: one announce is one
 * operation (a shared store runs it as one script), so concurrent announces never lose counts.
 *
 * A swarm exists while it has live peers: once its last peer stops or expires it no longer
 * counts towards `maxSwarms` (its download count may be forgotten with it).
 *
 * Limit violations reject with a `TrackerError` (`ERR_TRACKER_TOO_MANY_SWARMS`,
 * `ERR_TRACKER_SWARM_FULL`, `ERR_TRACKER_TOO_MANY_PEERS`, `ERR_TRACKER_SWARM_RATE_LIMITED`); a peer already in the swarm is always
 * let back in, and `stopped` never fails.
 */
export interface SwarmStore {
  /**
   * Records an announce: adds or refreshes the peer (`stopped` removes it at once), counts a
   * download on `completed` from a peer not already seeding, drops peers not seen for the TTL,
   * and picks up to `numwant` other peers (none for `stopped`).
   */
  announce(peer: PeerAnnounce, now: number): Promise<AnnounceOutcome>;
  /** Counts for each info-hash, in the order given; zeros for an unknown swarm. */
  scrape(infoHashes: readonly Uint8Array[], now: number): Promise<ScrapeFile[]>;
  /** Totals over live peers. */
  stats(now: number): Promise<StoreStats>;
  /** Drops expired peers and empty swarms now (every other method does it first as well). */
  sweep(now: number): Promise<void>;
  /** Releases what the store holds (connections, memory). */
  close(): Promise<void>;
}

/** Limits and expiry shared by every store. */
export interface SwarmStoreConfig {
  /**
   * A peer not heard from for longer than this is dropped. Use {@link peerTtlMsFor} with the
   * tracker's interval.
   * @default 1_260_000 (2 × 600 s + 60 s)
   */
  readonly peerTtlMs?: number;
  /** Most swarms (info-hashes) tracked at once. @default 100_000 */
  readonly maxSwarms?: number;
  /** Most peers in one swarm. @default 10_000 */
  readonly maxPeersPerSwarm?: number;
  /** Most peers over all swarms, the bound on memory. @default 500_000 */
  readonly maxPeers?: number;
}

/** Slack added to two announce intervals before a silent peer is dropped. */
export const PEER_TTL_SLACK_MS = 60_000;

/**
 * How long to keep a silent peer for a given announce interval: two missed announces plus slack.
 *
 * @param intervalSeconds - the `interval` the tracker hands out.
 * @example
 * ```ts
 * memoryStore({ peerTtlMs: peerTtlMsFor(1800) }); // 3_660_000
 * ```
 */
export function peerTtlMsFor(intervalSeconds: number): number {
  return 2 * intervalSeconds * 1000 + PEER_TTL_SLACK_MS;
}

/** Default announce interval of the tracker server, in seconds (10 minutes). */
export const DEFAULT_INTERVAL_SECONDS = 600;
/** Default of {@link SwarmStoreConfig.peerTtlMs}. */
export const DEFAULT_PEER_TTL_MS = peerTtlMsFor(DEFAULT_INTERVAL_SECONDS);
/** Default of {@link SwarmStoreConfig.maxSwarms}. */
export const DEFAULT_MAX_SWARMS = 100_000;
/** Default of {@link SwarmStoreConfig.maxPeersPerSwarm}. */
export const DEFAULT_MAX_PEERS_PER_SWARM = 10_000;
/** Default of {@link SwarmStoreConfig.maxPeers}. */
export const DEFAULT_MAX_PEERS = 500_000;

/** {@link SwarmStoreConfig} with every default filled in. */
export type StoreLimits = Required<SwarmStoreConfig>;

/**
 * Fills in the defaults of a store's limits and checks them (a store's factory calls it).
 *
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for a limit or TTL that is not a positive integer.
 * @example
 * ```ts
 * declare const config: SwarmStoreConfig;
 * const { peerTtlMs, maxSwarms } = resolveStoreLimits(config);
 * ```
 */
export function resolveStoreLimits(config: SwarmStoreConfig): StoreLimits {
  const positive = (name: keyof SwarmStoreConfig, value: number): number => {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new TrackerError('ERR_TRACKER_BAD_CONFIG', `${name} must be a positive integer, got ${value}`);
    }
    return value;
  };
  return {
    peerTtlMs: positive('peerTtlMs', config.peerTtlMs ?? DEFAULT_PEER_TTL_MS),
    maxSwarms: positive('maxSwarms', config.maxSwarms ?? DEFAULT_MAX_SWARMS),
    maxPeersPerSwarm: positive('maxPeersPerSwarm', config.maxPeersPerSwarm ?? DEFAULT_MAX_PEERS_PER_SWARM),
    maxPeers: positive('maxPeers', config.maxPeers ?? DEFAULT_MAX_PEERS),
  };
}
