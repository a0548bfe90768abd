/**
 * Rarest-first bookkeeping: how many peers have each piece, and the pieces we still need that
 * nobody has started, bucketed by priority level and then by that count, so the rarest piece of
 * the highest level a peer has is found quickly.
 *
 * @module
 */

/** A piece's priority: 0 skip (never fetched), 1 normal, 2 high. */
export type PieceLevel = 0 | 1 | 2;

/** The highest {@link PieceLevel}. */
export const MAX_PIECE_LEVEL = 2;

/**
 * Availability counts plus buckets of unstarted needed pieces.
 *
 * Ties are broken randomly: pieces enter their first bucket in a shuffled order, and a piece
 * whose count changes moves to the back of its new bucket.
 *
 * @example
 * ```ts
 * declare function peerHas(index: number): boolean;
 * const avail = new Availability(100, Math.random);
 * avail.adjust(5, +1);
 * avail.pickRarest((i) => peerHas(i)); // rarest unstarted piece the peer has, high level first
 * ```
 */
export class Availability {
  private readonly counts: Uint32Array;
  /** buckets[level][count]: unstarted pieces of that level that `count` peers have. */
  private readonly buckets: Set<number>[][] = [[], [new Set()], [new Set()]];
  /** 1 while a piece is neither started nor had (whatever its level). */
  private readonly unstarted: Uint8Array;
  private readonly levels: Uint8Array;
  /** A random permutation of the pieces: bulk updates walk it so bucket order stays random. */
  private readonly order: Uint32Array;
  /** No piece below this index is unstarted and needed (for in-order picking). */
  private cursor = 0;

  /**
   * @param pieceCount - number of pieces
   * @param random - RNG in [0, 1) for the shuffled tie-break
   * @param needed - pieces to schedule (default: all); the others count as started
   */
  constructor(pieceCount: number, random: () => number, needed: (index: number) => boolean = () => true) {
    this.counts = new Uint32Array(pieceCount);
    this.unstarted = new Uint8Array(pieceCount);
    this.levels = new Uint8Array(pieceCount).fill(1);
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

  /** How many pieces the torrent has. */
  get pieceCount(): number {
    return this.counts.length;
  }

  /** Peers known to have piece `index`. */
  count(index: number): number {
    return this.counts[index] ?? 0;
  }

  /** The level of piece `index`. */
  level(index: number): PieceLevel {
    return (this.levels[index] ?? 0) as PieceLevel;
  }

  /** Needed (level above 0) pieces nobody has started. */
  get unstartedCount(): number {
    let n = 0;
    for (const level of this.buckets) for (const bucket of level) n += bucket.size;
    return n;
  }

  /** Unstarted pieces of `level`; with `count`, only those exactly `count` peers have. */
  unstartedAt(level: PieceLevel, count?: number): number {
    const buckets = this.buckets[level] ?? [];
    if (count !== undefined) return buckets[count]?.size ?? 0;
    let n = 0;
    for (const bucket of buckets) n += bucket.size;
    return n;
  }

  /** True when `index` is neither started nor had (whatever its level). */
  isUnstarted(index: number): boolean {
    return this.unstarted[index] === 1;
  }

  /** A peer gained (`+1`) or lost (`-1`) piece `index` (for many pieces, see {@link forEachShuffled}). */
  adjust(index: number, delta: 1 | -1): void {
    const before = this.counts[index] as number;
    const after = Math.max(0, before + delta);
    this.counts[index] = after;
    if (this.inBuckets(index)) {
      const level = this.levels[index] as number;
      this.buckets[level]?.[before]?.delete(index);
      this.bucket(level, after).add(index);
    }
  }

  /** Sets piece `index`'s level (0 takes it out of picking; started pieces just remember it). */
  setLevel(index: number, level: PieceLevel): void {
    const old = this.levels[index] as number;
    if (old === level) return;
    if (this.inBuckets(index)) this.buckets[old]?.[this.counts[index] as number]?.delete(index);
    this.levels[index] = level;
    if (this.inBuckets(index)) {
      this.bucket(level, this.counts[index] as number).add(index);
      this.cursor = Math.min(this.cursor, index);
    }
  }

  /** Piece `index` was started (or completed): it leaves the buckets. */
  markStarted(index: number): void {
    if (this.unstarted[index] !== 1) return;
    if (this.inBuckets(index)) this.buckets[this.levels[index] as number]?.[this.counts[index] as number]?.delete(index);
    this.unstarted[index] = 0;
  }

  /** Piece `index` must be fetched from scratch again (e.g. it failed its hash check). */
  markUnstarted(index: number): void {
    if (this.unstarted[index] === 1) return;
    this.unstarted[index] = 1;
    if (this.inBuckets(index)) {
      this.bucket(this.levels[index] as number, this.counts[index] as number).add(index);
      this.cursor = Math.min(this.cursor, index);
    }
  }

  /**
   * The rarest unstarted piece of the highest level accepted by `filter` (usually "the peer has
   * it"), or undefined. Pieces nobody has (count 0) are never picked.
   */
  pickRarest(filter: (index: number) => boolean): number | undefined {
    for (let level = MAX_PIECE_LEVEL; level >= 1; level--) {
      const buckets = this.buckets[level] as Set<number>[];
      for (let c = 1; c < buckets.length; c++) {
        for (const index of buckets[c] as Set<number>) if (filter(index)) return index;
      }
    }
    return undefined;
  }

  /** The lowest-indexed unstarted needed piece of the highest level accepted by `filter` (in-order downloads). */
  pickFirst(filter: (index: number) => boolean): number | undefined {
    while (this.cursor < this.unstarted.length && !this.inBuckets(this.cursor)) this.cursor++;
    let high = 0;
    for (const bucket of this.buckets[MAX_PIECE_LEVEL] as Set<number>[]) high += bucket.size;
    for (const wanted of high > 0 ? [MAX_PIECE_LEVEL, 1] : [1]) {
      for (let i = this.cursor; i < this.unstarted.length; i++) {
        if (this.levels[i] === wanted && this.inBuckets(i) && (this.counts[i] as number) > 0 && filter(i)) return i;
      }
    }
    return undefined;
  }

  private inBuckets(index: number): boolean {
    return this.unstarted[index] === 1 && this.levels[index] !== 0;
  }

  private bucket(level: number, count: number): Set<number> {
    const buckets = this.buckets[level] as Set<number>[];
    while (buckets.length <= count) buckets.push(new Set());
    return buckets[count] as Set<number>;
  }
}
