/**
 * The BEP 12 tracker list as a policy: tiers tried in order, trackers shuffled once inside each
 * tier, and the tracker that answered moved to the front of its tier.
 *
 * @see https://www.bittorrent.org/beps/bep_0012.html
 * @module
 */

/**
 * An ordered, mutable tracker list. Create one per announce loop (per subscription): its order
 * is that loop's state.
 *
 * @example
 * ```ts
 * declare function ask(url: string): boolean;
 * const tiers = new TrackerTiers([['http://a/announce', 'http://b/announce'], ['http://c/announce']], Math.random);
 * for (const url of tiers.order()) { if (ask(url)) { tiers.promote(url); break; } }
 * ```
 */
export class TrackerTiers {
  private readonly tiers: string[][];

  /**
   * @param tiers - `announce-list` tiers (BEP 12); empty tiers are dropped, and a URL listed
   *   again (in any tier) is kept only where it first appears.
   * @param random - uniform in [0, 1); shuffles each tier (Fisher–Yates), as BEP 12 asks.
   */
  constructor(tiers: readonly (readonly string[])[], random: () => number) {
    const seen = new Set<string>();
    this.tiers = [];
    for (const tier of tiers) {
      const fresh = tier.filter((url) => !seen.has(url) && (seen.add(url), true));
      if (fresh.length === 0) continue;
      for (let i = fresh.length - 1; i > 0; i--) {
        const j = Math.min(i, Math.floor(random() * (i + 1)));
        [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
      }
      this.tiers.push(fresh);
    }
  }

  /** Number of distinct trackers. */
  get size(): number {
    return this.tiers.reduce((n, tier) => n + tier.length, 0);
  }

  /** The order to try them in now: the first tier's trackers first, each tier in its current order. */
  order(): string[] {
    return this.tiers.flat();
  }

  /** The current tiers (a copy). */
  snapshot(): string[][] {
    return this.tiers.map((tier) => [...tier]);
  }

  /**
   * Moves `url` to the front of its tier (BEP 12: "if a tracker answers, move it to the front
   * of its tier"). Unknown URLs are ignored.
   */
  promote(url: string): void {
    for (const tier of this.tiers) {
      const at = tier.indexOf(url);
      if (at > 0) tier.unshift(...tier.splice(at, 1));
      if (at >= 0) return;
    }
  }
}
