/**
 * BEP 15 connection ids a client may reuse: one a tracker (and our source address), for a
 * minute after it was obtained.
 *
 * @module
 */

/** How long a client reuses a connection id (BEP 15: one minute; the tracker accepts it for two). */
export const UDP_CONNECTION_ID_REUSE_MS = 60_000;

/**
 * Connection ids by tracker, each good for {@link UDP_CONNECTION_ID_REUSE_MS}. Time is passed in
 * (the transport's scheduler), so reuse is testable in virtual time. Expired entries are pruned
 * on every write, so the map holds only trackers announced to within the last minute.
 *
 * @example
 * ```ts
 * declare const id: Uint8Array;
 * const cache = new UdpConnectionCache();
 * cache.set('127.0.0.1:6969', id, now);
 * cache.get('127.0.0.1:6969', now + 59_999); // id
 * cache.get('127.0.0.1:6969', now + 60_000); // undefined
 * ```
 */
export class UdpConnectionCache {
  private readonly entries = new Map<string, { readonly id: Uint8Array; readonly atMs: number }>();

  /** @param reuseMs - how long an id is reused. */
  constructor(private readonly reuseMs = UDP_CONNECTION_ID_REUSE_MS) {}

  /** The id for `key` when obtained less than `reuseMs` before `nowMs`. */
  get(key: string, nowMs: number): Uint8Array | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (nowMs - entry.atMs < this.reuseMs && nowMs >= entry.atMs) return entry.id;
    this.entries.delete(key);
    return undefined;
  }

  /** Records an id obtained at `nowMs`. */
  set(key: string, id: Uint8Array, nowMs: number): void {
    for (const [k, entry] of this.entries) if (nowMs - entry.atMs >= this.reuseMs) this.entries.delete(k);
    this.entries.set(key, { id, atMs: nowMs });
  }

  /** Drops `id` for `key` (a timeout may mean the tracker no longer takes it); a newer id stays. */
  forget(key: string, id: Uint8Array): void {
    if (this.entries.get(key)?.id === id) this.entries.delete(key);
  }

  /** Number of ids held. */
  get size(): number {
    return this.entries.size;
  }
}
