/**
 * The requests in flight to one peer: block id → time sent, in the order they were sent.
 *
 * A `Map` did this job and cost memory in proportion to the download: with a block arriving and a
 * request leaving every few microseconds, its hash table filled with deleted entries and was
 * rebuilt every few hundred requests, and each rebuilt table lived long enough to be promoted to
 * V8's old generation — the largest share of the garbage there (measured with a heap sampling
 * profile of promoted allocations: ~3 of 5 MiB over 1 GiB came from `Map#set`/`Map#delete` here).
 * Peers answer requests in order, so a queue finds almost every answered id at its head, and its
 * two arrays are reused rather than reallocated.
 *
 * @module
 */

/** Initial capacity, grown by doubling when live requests fill it. */
const INITIAL_CAPACITY = 64;

/** A vacated slot. Block ids are never negative. */
const EMPTY = -1;

/**
 * Block ids with their send times, oldest first; deletion by id, cheapest for the oldest.
 *
 * @example
 * ```ts
 * const q = new RequestQueue();
 * q.add(7, now); q.add(8, now);
 * q.delete(7); // true: found at the head
 * q.forEach((id, sentAt) => console.log(id, sentAt)); // 8
 * ```
 */
export class RequestQueue {
  #ids = new Float64Array(INITIAL_CAPACITY).fill(EMPTY);
  #times = new Float64Array(INITIAL_CAPACITY);
  /** Slots [head, tail) hold the queue; vacated slots inside are EMPTY. */
  #head = 0;
  #tail = 0;
  #size = 0;

  /** Requests in flight. */
  get size(): number {
    return this.#size;
  }

  /** Records a request for block `id` sent at `sentAt`. The caller never adds an id already in flight. */
  add(id: number, sentAt: number): void {
    if (this.#tail === this.#ids.length) this.#makeRoom();
    this.#ids[this.#tail] = id;
    this.#times[this.#tail] = sentAt;
    this.#tail++;
    this.#size++;
  }

  /** @returns whether block `id` was in flight (it no longer is) */
  delete(id: number): boolean {
    for (let slot = this.#head; slot < this.#tail; slot++) {
      if (this.#ids[slot] !== id) continue;
      this.#ids[slot] = EMPTY;
      this.#size--;
      while (this.#head < this.#tail && this.#ids[this.#head] === EMPTY) this.#head++;
      if (this.#head === this.#tail) this.#head = this.#tail = 0;
      return true;
    }
    return false;
  }

  /** @returns whether block `id` is in flight */
  has(id: number): boolean {
    for (let slot = this.#head; slot < this.#tail; slot++) if (this.#ids[slot] === id) return true;
    return false;
  }

  /** Forgets every request. */
  clear(): void {
    this.#ids.fill(EMPTY, this.#head, this.#tail);
    this.#head = this.#tail = this.#size = 0;
  }

  /**
   * Calls `fn` for each request, oldest first. `fn` may delete the request it is given (and
   * others); requests added meanwhile are not visited.
   */
  forEach(fn: (id: number, sentAt: number) => void): void {
    const tail = this.#tail;
    for (let slot = this.#head; slot < tail && slot < this.#tail; slot++) {
      const id = this.#ids[slot] as number;
      if (id !== EMPTY) fn(id, this.#times[slot] as number);
    }
  }

  /** @returns the ids in flight, oldest first */
  ids(): number[] {
    const out: number[] = [];
    this.forEach((id) => out.push(id));
    return out;
  }

  /** The tail reached the end: slide live requests to the front, and double the arrays if that frees too little. */
  #makeRoom(): void {
    const capacity = this.#ids.length;
    let to = 0;
    for (let from = this.#head; from < this.#tail; from++) {
      const id = this.#ids[from] as number;
      if (id === EMPTY) continue;
      this.#ids[to] = id;
      this.#times[to] = this.#times[from] as number;
      to++;
    }
    this.#ids.fill(EMPTY, to, this.#tail);
    this.#head = 0;
    this.#tail = to;
    if (to > capacity / 2) {
      const ids = new Float64Array(2 * capacity).fill(EMPTY);
      ids.set(this.#ids.subarray(0, to));
      const times = new Float64Array(2 * capacity);
      times.set(this.#times.subarray(0, to));
      this.#ids = ids;
      this.#times = times;
    }
  }
}
