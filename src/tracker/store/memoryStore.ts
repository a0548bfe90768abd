/**
 * The embedded swarm store: everything in one process's memory, bounded by the store limits.
 *
 * @module
 */
import { TrackerError } from '../../errors.js';
import type { ScrapeFile } from '../../protocol/tracker/reply.js';
import { MemorySwarm } from './memorySwarm.js';
import type { SwarmEntry } from './memorySwarm.js';
import { KEY_MISMATCH, PEER_ID_TAKEN, resolveStoreLimits, SWARM_RATE_LIMITED } from './swarmStore.js';
import type { AnnounceOutcome, PeerAnnounce, StoreStats, SwarmCounts, SwarmStore, SwarmStoreConfig } from './swarmStore.js';

/**
 * A map key for raw bytes: one Latin-1 character a byte. Half the length of hex and built by one
 * native call, which matters at every announce.
 */
const keyOf = (bytes: Uint8Array): string => String.fromCharCode.apply(null, bytes as unknown as number[]);

/**
 * Who may move a known peer id (to another address, or stop it): with a key, only the holder of
 * that key; without one, only its own host (another port there is a restarted client). Anyone
 * can read a peer id from a `compact=0` reply, so a keyless one must not follow a stranger.
 */
function checkMove(entry: SwarmEntry, host: string, port: number, key: string | undefined): void {
  if (entry.key !== undefined ? (entry.host !== host || entry.port !== port) && entry.key !== key : entry.host !== host) {
    throw new TrackerError('ERR_TRACKER_BAD_PARAMETER', entry.key === undefined ? PEER_ID_TAKEN : KEY_MISMATCH);
  }
}

/** Options of {@link memoryStore}: the shared limits plus an injectable random source. */
export interface MemoryStoreConfig extends SwarmStoreConfig {
  /** Uniform in [0, 1); picks which peers an announce gets. @default Math.random */
  readonly random?: () => number;
}


/**
 * Creates an in-memory {@link SwarmStore}, the tracker's default.
 *
 * All peers sit in one list in last-seen order, so every operation first drops the expired ones
 * from its front: amortised O(1) a peer, exact counts and limits, and no timer to stop. A swarm
 * lives while it has peers; when its last one stops or expires it is forgotten, download count
 * and all, so swarms nobody uses never fill `maxSwarms`. Expiry assumes `now` does not run
 * backwards; if it does, a peer merely expires late.
 *
 * @param config - TTL, limits and `random`.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for a non-positive limit or TTL.
 * @example
 * ```ts
 * const store = memoryStore({ peerTtlMs: peerTtlMsFor(300) });
 * const app = createTrackerApp({ interval: 300 }, { store });
 * ```
 */
export function memoryStore(config: MemoryStoreConfig = {}): SwarmStore {
  const { peerTtlMs: ttlMs, maxSwarms, maxPeersPerSwarm, maxPeers } = resolveStoreLimits(config);
  const random = config.random ?? Math.random;
  const swarms = new Map<string, MemorySwarm>();
  /** Every peer of every swarm by `swarm id + peer id`. */
  const peers = new Map<string, SwarmEntry>();
  /**
   * The same peers in last-seen order, a doubly-linked list through the entries: O(1) to refresh
   * one and to find the oldest. (Iterating the Map in insertion order instead cost more than the
   * rest of an announce on a large store.)
   */
  let oldest: SwarmEntry | undefined;
  let newest: SwarmEntry | undefined;
  const unlink = (entry: SwarmEntry): void => {
    if (entry.older === undefined) oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === undefined) newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = entry.newer = undefined;
  };
  const append = (entry: SwarmEntry): void => {
    entry.older = newest;
    entry.newer = undefined;
    if (newest === undefined) oldest = entry;
    else newest.newer = entry;
    newest = entry;
  };

  const counts = (swarm: MemorySwarm | undefined): SwarmCounts => ({
    complete: swarm?.seeders ?? 0,
    incomplete: swarm === undefined ? 0 : swarm.size - swarm.seeders,
    downloaded: swarm?.downloaded ?? 0,
  });

  const drop = (entry: SwarmEntry): void => {
    peers.delete(entry.id);
    unlink(entry);
    entry.swarm.remove(entry);
    if (entry.swarm.size === 0) swarms.delete(entry.swarm.id);
  };

  const expire = (now: number): void => {
    while (oldest !== undefined && oldest.lastSeenMs < now - ttlMs) drop(oldest);
  };

  const admit = (swarmId: string, mayCreate: boolean): MemorySwarm => {
    let swarm = swarms.get(swarmId);
    if (swarm === undefined && !mayCreate) throw new TrackerError('ERR_TRACKER_SWARM_RATE_LIMITED', SWARM_RATE_LIMITED);
    if (swarm === undefined && swarms.size >= maxSwarms) {
      throw new TrackerError('ERR_TRACKER_TOO_MANY_SWARMS', 'tracker is full: too many torrents');
    }
    if (swarm !== undefined && swarm.size >= maxPeersPerSwarm) {
      throw new TrackerError('ERR_TRACKER_SWARM_FULL', 'swarm is full: too many peers for this torrent');
    }
    if (peers.size >= maxPeers) throw new TrackerError('ERR_TRACKER_TOO_MANY_PEERS', 'tracker is full: too many peers');
    if (swarm === undefined) swarms.set(swarmId, (swarm = new MemorySwarm(swarmId)));
    return swarm;
  };

  const announce = (peer: PeerAnnounce, now: number): AnnounceOutcome => {
    expire(now);
    const swarmId = keyOf(peer.infoHash);
    const id = swarmId + keyOf(peer.peerId);
    const key = peer.key === undefined ? undefined : keyOf(peer.key);
    let entry = peers.get(id);
    if (entry !== undefined) checkMove(entry, peer.host, peer.port, key);
    if (peer.event === 'stopped') {
      if (entry !== undefined) drop(entry);
      return { ...counts(swarms.get(swarmId)), peers: [] };
    }
    const created = entry === undefined && !swarms.has(swarmId);
    if (entry === undefined) {
      const swarm = admit(swarmId, peer.mayCreateSwarm ?? true);
      entry = { id, swarm, peerId: peer.peerId.slice(), host: peer.host, port: peer.port, seeder: false, key, lastSeenMs: now, index: -1 };
      swarm.add(entry);
      peers.set(id, entry);
    } else {
      unlink(entry);
      Object.assign(entry, { host: peer.host, port: peer.port, key: key ?? entry.key, lastSeenMs: now });
    }
    append(entry);
    const { swarm } = entry;
    if (peer.event === 'completed' && !entry.seeder) swarm.downloaded++;
    swarm.setSeeder(entry, peer.seeder);
    // Never hand a peer itself: not by peer id, nor by address (a restarted client's old entry).
    const self = entry;
    const skip = (e: SwarmEntry): boolean => e === self || (e.port === self.port && e.host === self.host);
    const picked = swarm.pick(peer.numwant, skip, random).map((e) => ({ peerId: e.peerId, host: e.host, port: e.port }));
    return { ...counts(swarm), peers: picked, ...(created ? { created } : {}) };
  };

  return {
    announce: async (peer, now) => announce(peer, now),
    scrape: async (infoHashes, now): Promise<ScrapeFile[]> => {
      expire(now);
      return infoHashes.map((infoHash) => ({ infoHash, ...counts(swarms.get(keyOf(infoHash))) }));
    },
    stats: async (now): Promise<StoreStats> => {
      expire(now);
      let seeders = 0;
      for (const swarm of swarms.values()) seeders += swarm.seeders;
      return { swarms: swarms.size, seeders, leechers: peers.size - seeders };
    },
    sweep: async (now) => expire(now),
    close: async () => {
      peers.clear();
      swarms.clear();
      oldest = newest = undefined;
    },
  };
}
