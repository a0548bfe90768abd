/**
 * Rarest-first bookkeeping: how many peers have each piece, and the pieces we still need that
 * nobody has started, bucketed by that count so the rarest one a peer has is found quickly.
 *
 * @module
 */

/**
 * Availability counts plus buckets of unstarted needed pieces.
 *
 * Ties are broken randomly: pieces enter their first bucket in a shuffled order, and a piece
 * whose count changes moves to the back of its new bucket.
 *
 * @example
 * ```ts
 * const avail = new Availability(100, Math.random);
 * avail.adjust(5, +1);
 * avail.pickRarest((i) => peerHas(i)); // rarest unstarted piece the peer has
 * ```
 */
export class Availability {
  private readonly counts: Uint32Array;
  private readonly buckets: Set<number>[] = [new Set()];
  private readonly unstarted: Uint8Array;
  /** A random permutation of the pieces: bulk updates walk it so bucket order stays random. */
  private readonly order: Uint32Array;

  /**
   * @param pieceCount - number of pieces
   * @param random - RNG in [0, 1) for the shuffled tie-break
   * @param needed - pieces to schedule (default: all)
   */
  constructor(pieceCount: number, random: () => number, needed: (index: number) => boolean = () => true) {
    this.counts = new Uint32Array(pieceCount);
    this.unstarted = new Uint8Array(pieceCount);
    const order = new Uint32Array(pieceCount);
    for (let i = 0; i < pieceCount; i++) order[i] = i;
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = order[i] as number;
      order[i] = order[j] as number;
      order[j] = swap;
    }
    this.order = order;
    for (const index of order) if (needed(index)) this.markUnstarted(index);
  }

  /**
   * Calls `fn` for every piece in the shuffled order. Apply a whole bitfield through this: pieces
   * then enter their new bucket in random order, which is the random tie-break.
   */
  forEachShuffled(fn: (index: number) => void): void {
    for (const index of this.order) fn(index);
  }

  /** Peers known to have piece `index`. */
  count(index: number): number {
    return this.counts[index] ?? 0;
  }

  /** Needed pieces nobody has started. */
  get unstartedCount(): number {
    let n = 0;
    for (const bucket of this.buckets) n += bucket.size;
    return n;
  }

  /** True when `index` is needed and not started. */
  isUnstarted(index: number): boolean {
    return this.unstarted[index] === 1;
  }

  /** A peer gained (`+1`) or lost (`-1`) piece `index` (for many pieces, see {@link forEachShuffled}). */
  adjust(index: number, delta: 1 | -1): void {
    const before = this.counts[index] as number;
    const after = Math.max(0, before + delta);
    this.counts[index] = after;
    if (this.unstarted[index] === 1) {
      this.buckets[before]?.delete(index);
      this.bucket(after).add(index);
    }
  }

  /** Piece `index` was started (or completed): it leaves the buckets. */
  markStarted(index: number): void {
    if (this.unstarted[index] !== 1) return;
    this.unstarted[index] = 0;
    this.buckets[this.counts[index] as number]?.delete(index);
  }

  /** Piece `index` must be fetched from scratch again (e.g. it failed its hash check). */
  markUnstarted(index: number): void {
    if (this.unstarted[index] === 1) return;
    this.unstarted[index] = 1;
    this.bucket(this.counts[index] as number).add(index);
  }

  /**
   * The rarest unstarted piece accepted by `filter` (usually "the peer has it"), or undefined.
   * Pieces nobody has (count 0) are never picked.
   */
  pickRarest(filter: (index: number) => boolean): number | undefined {
    for (let c = 1; c < this.buckets.length; c++) {
      const bucket = this.buckets[c] as Set<number>;
      for (const index of bucket) if (filter(index)) return index;
    }
    return undefined;
  }

  private bucket(count: number): Set<number> {
    while (this.buckets.length <= count) this.buckets.push(new Set());
    return this.buckets[count] as Set<number>;
  }
}
