/**
 * Holding peers to account for pieces that fail SHA-1: each failed piece gives each peer that
 * sent some of its blocks an equal share of one strike; at the threshold the peer is banned.
 *
 * @module
 */
import type { PeerKey } from '../../protocol/scheduler/index.js';

/**
 * Strike counting.
 *
 * @example
 * ```ts
 * const bad = new BadPeers(2);
 * const banned = bad.failed(['a', 'b']); // [] until someone reaches 2 strikes
 * ```
 */
export class BadPeers {
  private readonly strikes = new Map<PeerKey, number>();

  constructor(private readonly threshold: number) {}

  /**
   * Records a failed piece sent by `peers`.
   *
   * @returns the peers that just reached the threshold
   */
  failed(peers: readonly PeerKey[]): PeerKey[] {
    const share = 1 / Math.max(1, peers.length);
    const banned: PeerKey[] = [];
    for (const peer of peers) {
      const before = this.strikes.get(peer) ?? 0;
      const after = before + share;
      this.strikes.set(peer, after);
      if (before < this.threshold && after >= this.threshold - 1e-9) banned.push(peer);
    }
    return banned;
  }

  /** Strikes of `peer` so far. */
  of(peer: PeerKey): number {
    return this.strikes.get(peer) ?? 0;
  }
}
