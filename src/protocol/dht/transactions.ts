/**
 * Queries we sent and await answers to, by transaction id. An answer counts only when it comes
 * from the address the query went to, with a transaction id we gave out and have not settled;
 * anything else is ignored. The table is capped, so pending state stays bounded. Pure.
 *
 * @module
 */
import { formatPeerAddress } from '../peerAddress.js';
import type { PeerAddress } from '../peerAddress.js';

/** Most queries awaiting an answer at once. */
export const MAX_PENDING_QUERIES = 1024;

interface Pending<T> {
  readonly address: string;
  readonly expires: number;
  readonly value: T;
}

/**
 * Pending transactions carrying a value of type `T` (what to do with the answer).
 *
 * @example
 * ```ts
 * const pending = new TransactionTable<string>();
 * const t = pending.open({ host: '127.0.0.1', port: 6881 }, 'ping', Date.now() + 2000);
 * pending.settle(t!, { host: '127.0.0.1', port: 6881 }); // 'ping'
 * ```
 */
export class TransactionTable<T> {
  private readonly pending = new Map<number, Pending<T>>();
  private nextId: number;

  constructor(private readonly max = MAX_PENDING_QUERIES, random: () => number = Math.random) {
    this.nextId = Math.floor(random() * 0x10000);
  }

  /** Queries awaiting an answer. */
  get size(): number {
    return this.pending.size;
  }

  /** A fresh 2-byte transaction id for a query to `address`, or `undefined` when the table is full. */
  open(address: PeerAddress, value: T, expires: number): Uint8Array | undefined {
    if (this.pending.size >= Math.min(this.max, 0x10000)) return undefined;
    while (this.pending.has(this.nextId)) this.nextId = (this.nextId + 1) & 0xffff;
    const id = this.nextId;
    this.nextId = (this.nextId + 1) & 0xffff;
    this.pending.set(id, { address: formatPeerAddress(address), expires, value });
    return Uint8Array.of(id >> 8, id & 0xff);
  }

  /** The value of the query `transactionId` answers, if it went to `from`; it is settled then. */
  settle(transactionId: Uint8Array, from: PeerAddress): T | undefined {
    if (transactionId.length !== 2) return undefined;
    const id = (transactionId[0]! << 8) | transactionId[1]!;
    const entry = this.pending.get(id);
    if (entry === undefined || entry.address !== formatPeerAddress(from)) return undefined;
    this.pending.delete(id);
    return entry.value;
  }

  /** Removes and returns the values of queries whose time ran out by `now`. */
  expire(now: number): T[] {
    const gone: T[] = [];
    for (const [id, entry] of this.pending) {
      if (entry.expires > now) continue;
      this.pending.delete(id);
      gone.push(entry.value);
    }
    return gone;
  }

  /** Removes and returns every pending value (the node is closing). */
  clear(): T[] {
    const all = [...this.pending.values()].map((e) => e.value);
    this.pending.clear();
    return all;
  }
}
