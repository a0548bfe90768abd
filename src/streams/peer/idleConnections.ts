/**
 * The useless connections a full limiter may drop for a newcomer: those where neither side is
 * interested and no payload moved for a while (libtorrent does the same when its connection
 * list is full). Activity is sampled when room is needed, not on a timer: a connection counts
 * as idle from the first check that saw no change since the check before.
 *
 * @module
 */

/** What the limiter can see of an established connection. */
export interface ConnectionProbe {
  /** Payload bytes moved so far, both ways (grows while the connection is useful). */
  activity(): number;
  /** Whether either side is interested now. */
  interested(): boolean;
  /** Closes the connection (its slot is released with it). */
  close(): void;
}

interface Watched {
  readonly probe: ConnectionProbe;
  /** The address's key in the per-address count; undefined when not counted. */
  readonly hostKey: string | undefined;
  lastActivity: number;
  lastUseful: number;
}

/** The established connections of a limiter, as candidates for eviction. */
export class IdleConnections {
  readonly #watched = new Map<object, Watched>();

  /**
   * @param idleMs - how long a connection must have been useless to be dropped
   * @param now - the clock (the client's scheduler)
   */
  constructor(readonly idleMs: number, private readonly now: () => number) {}

  /** Starts watching a connection (after its handshake); `stop` when it closes. */
  watch(key: object, probe: ConnectionProbe, hostKey: string | undefined): void {
    this.#watched.set(key, { probe, hostKey, lastActivity: probe.activity(), lastUseful: this.now() });
  }

  stop(key: object): void {
    this.#watched.delete(key);
  }

  /**
   * Closes the connection that has been useless longest (of `hostKey` only, when given), if one
   * has been for `idleMs`.
   *
   * @returns whether one was closed
   */
  evictOne(hostKey?: string): boolean {
    const now = this.now();
    let victim: Watched | undefined;
    for (const w of this.#watched.values()) {
      if (hostKey !== undefined && w.hostKey !== hostKey) continue;
      const activity = w.probe.activity();
      if (activity !== w.lastActivity || w.probe.interested()) {
        w.lastActivity = activity;
        w.lastUseful = now;
      }
      if (now - w.lastUseful >= this.idleMs && (victim === undefined || w.lastUseful < victim.lastUseful)) victim = w;
    }
    victim?.probe.close();
    return victim !== undefined;
  }
}
