/**
 * One swarm held in memory: its peers in a dense array (O(1) add and remove, uniform random
 * picks by index) with its seeder and download counts. The store indexes the peers by id.
 *
 * @module
 */

/** A peer as the memory store keeps it. */
export interface SwarmEntry {
  /** Store-wide key: swarm id and peer id. */
  readonly id: string;
  readonly swarm: MemorySwarm;
  readonly peerId: Uint8Array;
  host: string;
  port: number;
  seeder: boolean;
  key: string | undefined;
  lastSeenMs: number;
  /** Position in {@link MemorySwarm.list}; -1 when not in it. */
  index: number;
  /** Neighbours in the store's last-seen list (`memoryStore` links them). */
  older?: SwarmEntry | undefined;
  newer?: SwarmEntry | undefined;
}

/** The peers of one info-hash. Used by `memoryStore` only. */
export class MemorySwarm {
  readonly list: SwarmEntry[] = [];
  seeders = 0;
  downloaded = 0;
  /** Scratch for {@link MemorySwarm.pick}: the call that last drew each index. */
  private marks = new Uint32Array(0);
  private stamp = 0;

  /** @param id - the info-hash as a map key (one Latin-1 character a byte). */
  constructor(readonly id: string) {}

  /** Number of peers. */
  get size(): number {
    return this.list.length;
  }

  /** Adds a peer that is not in the swarm yet. */
  add(entry: SwarmEntry): void {
    entry.index = this.list.length;
    this.list.push(entry);
    if (entry.seeder) this.seeders++;
  }

  /** Removes a peer; swap-remove keeps `list` dense. */
  remove(entry: SwarmEntry): void {
    const last = this.list.pop()!;
    if (last !== entry) {
      last.index = entry.index;
      this.list[entry.index] = last;
    }
    entry.index = -1;
    if (entry.seeder) this.seeders--;
  }

  /** Changes a member's seeder flag, keeping the count right. */
  setSeeder(entry: SwarmEntry, seeder: boolean): void {
    this.seeders += Number(seeder) - Number(entry.seeder);
    entry.seeder = seeder;
  }

  /**
   * Up to `count` distinct peers at random, skipping those `skip` rejects; never a copy of the
   * whole swarm. When `count` is small against the swarm (the usual 50 of thousands), indices are
   * drawn at random and repeats redrawn; otherwise a partial Fisher–Yates runs over an index
   * array of at most 2 × (count + 1) entries. An injected `random` outside [0, 1) (or one that
   * repeats itself) still yields `count` peers when the swarm has them: a linear scan tops up.
   */
  pick(count: number, skip: (entry: SwarmEntry) => boolean, random: () => number): SwarmEntry[] {
    const n = this.list.length;
    const picked: SwarmEntry[] = [];
    const draw = (below: number): number => {
      const r = random();
      return r > 0 && r < 1 ? Math.floor(r * below) : 0;
    };
    if (2 * (count + 1) >= n) {
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = 0; i < n && picked.length < count; i++) {
        const j = i + draw(n - i);
        const chosen = order[j]!;
        order[j] = order[i]!;
        const entry = this.list[chosen]!;
        if (!skip(entry)) picked.push(entry);
      }
      return picked;
    }
    // Indices drawn in this call carry this call's stamp: no set to allocate or clear.
    if (this.marks.length < n) this.marks = new Uint32Array(Math.max(n, 2 * this.marks.length));
    const marks = this.marks;
    const stamp = (this.stamp = (this.stamp % 0xfffffffe) + 1);
    for (let attempts = 4 * count + 8; attempts > 0 && picked.length < count; attempts--) {
      const j = draw(n);
      if (marks[j] === stamp) continue;
      marks[j] = stamp;
      const entry = this.list[j]!;
      if (!skip(entry)) picked.push(entry);
    }
    for (let i = 0, start = draw(n); i < n && picked.length < count; i++) {
      const j = (start + i) % n;
      if (marks[j] === stamp) continue;
      const entry = this.list[j]!;
      if (!skip(entry)) picked.push(entry);
    }
    return picked;
  }
}
