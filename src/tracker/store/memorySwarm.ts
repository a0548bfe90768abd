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
}

/** The peers of one info-hash. Used by `memoryStore` only. */
export class MemorySwarm {
  readonly list: SwarmEntry[] = [];
  seeders = 0;
  downloaded = 0;

  /** @param id - the info-hash, hex. */
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
   * Up to `count` distinct peers at random, skipping those `skip` rejects. A sparse
   * Fisher–Yates over indices: O(count + skipped), never a copy of the whole swarm.
   */
  pick(count: number, skip: (entry: SwarmEntry) => boolean, random: () => number): SwarmEntry[] {
    const picked: SwarmEntry[] = [];
    const moved = new Map<number, number>();
    const n = this.list.length;
    for (let i = 0; i < n && picked.length < count; i++) {
      const r = random();
      // An injected source outside [0, 1) (or NaN) must not index outside the list.
      const j = r > 0 && r < 1 ? i + Math.floor(r * (n - i)) : i;
      const chosen = moved.get(j) ?? j;
      moved.set(j, moved.get(i) ?? i);
      const entry = this.list[chosen]!;
      if (!skip(entry)) picked.push(entry);
    }
    return picked;
  }
}
