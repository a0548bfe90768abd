/**
 * Peers announced to us (announce_peer), by info-hash: each expires 30 minutes after its last
 * announce, and the store is capped per info-hash and in total, so a flood of announces costs a
 * bounded amount of memory. Pure: time is passed in.
 *
 * @module
 */
import { formatPeerAddress } from '../peerAddress.js';
import type { PeerAddress } from '../peerAddress.js';
import { idToHex } from './nodeId.js';
import type { NodeId } from './nodeId.js';

/** How long an announce is kept. */
export const PEER_TTL_MS = 30 * 60_000;

/** Caps of a {@link PeerStore}. */
export interface PeerStoreConfig {
  /** @default 200 */
  readonly maxPeersPerTorrent?: number;
  /** @default 2000 */
  readonly maxTorrents?: number;
  /** @default 20000 */
  readonly maxPeers?: number;
  /** @default 30 min */
  readonly ttlMs?: number;
}

/**
 * Announced peers.
 *
 * @example
 * ```ts
 * const store = new PeerStore();
 * store.add(infoHash, { host: '127.0.0.1', port: 6881 }, Date.now());
 * store.get(infoHash, 50, Date.now());
 * ```
 */
export class PeerStore {
  private readonly torrents = new Map<string, Map<string, { peer: PeerAddress; expires: number }>>();
  private total = 0;
  private readonly maxPerTorrent: number;
  private readonly maxTorrents: number;
  private readonly maxPeers: number;
  private readonly ttlMs: number;

  constructor(config: PeerStoreConfig = {}) {
    this.maxPerTorrent = config.maxPeersPerTorrent ?? 200;
    this.maxTorrents = config.maxTorrents ?? 2000;
    this.maxPeers = config.maxPeers ?? 20_000;
    this.ttlMs = config.ttlMs ?? PEER_TTL_MS;
  }

  /** Peers held, over every info-hash. */
  get size(): number {
    return this.total;
  }

  /** Info-hashes held. */
  get torrentCount(): number {
    return this.torrents.size;
  }

  /** Stores or refreshes `peer` for `infoHash`; returns false when a cap refused it. */
  add(infoHash: NodeId, peer: PeerAddress, now: number): boolean {
    const key = idToHex(infoHash);
    let peers = this.torrents.get(key);
    const address = formatPeerAddress(peer);
    const existing = peers?.get(address);
    if (existing !== undefined) {
      peers!.delete(address);
      peers!.set(address, { peer, expires: now + this.ttlMs });
      return true;
    }
    if (this.total >= this.maxPeers) this.expire(now);
    if (this.total >= this.maxPeers) return false;
    if (peers === undefined) {
      if (this.torrents.size >= this.maxTorrents) return false;
      peers = new Map();
      this.torrents.set(key, peers);
    }
    if (peers.size >= this.maxPerTorrent) {
      // The oldest announce gives way: Maps iterate in insertion order, refreshes re-insert.
      const oldest = peers.keys().next().value as string;
      peers.delete(oldest);
      this.total--;
    }
    peers.set(address, { peer, expires: now + this.ttlMs });
    this.total++;
    return true;
  }

  /** Up to `count` live peers of `infoHash`, newest first. */
  get(infoHash: NodeId, count: number, now: number): PeerAddress[] {
    const peers = this.torrents.get(idToHex(infoHash));
    if (peers === undefined) return [];
    const live = [...peers.values()].filter((p) => p.expires > now);
    return live.slice(-count).reverse().map((p) => p.peer);
  }

  /** Drops every expired announce. */
  expire(now: number): void {
    for (const [key, peers] of this.torrents) {
      for (const [address, entry] of peers) {
        if (entry.expires <= now) {
          peers.delete(address);
          this.total--;
        }
      }
      if (peers.size === 0) this.torrents.delete(key);
    }
  }
}
