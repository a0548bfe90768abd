/**
 * The Kademlia routing table: k-buckets over the 160-bit id space, the bucket holding our own id
 * split when it fills (so we know our neighbourhood best), node health (good / questionable /
 * bad), a replacement cache per bucket and stale-bucket refresh targets. Pure: time is passed in.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html#routing-table
 * @module
 */
import { formatPeerAddress } from '../peerAddress.js';
import type { NodeInfo } from './compact.js';
import { commonPrefixBits, compareDistance, idToHex, NODE_ID_BITS, randomIdWithPrefix } from './nodeId.js';
import type { NodeId } from './nodeId.js';

/** Nodes per bucket (BEP 5's K). */
export const BUCKET_SIZE = 8;
/** A node not heard from for this long is questionable; a bucket unchanged this long is refreshed. */
export const NODE_GOOD_FOR_MS = 15 * 60_000;
/** Failed queries in a row that make a node bad. */
export const BAD_AFTER_FAILURES = 2;

/** Health of a node, as BEP 5 defines it. */
export type NodeStatus = 'good' | 'questionable' | 'bad';

/** A node in the table with what we know of its health. */
export interface TableEntry {
  readonly node: NodeInfo;
  /** Last time it answered us or queried us (ms). */
  lastSeen: number;
  /** Queries in a row it did not answer. */
  failures: number;
}

/** What {@link RoutingTable.seen} did with a node. */
export type SeenResult =
  | { readonly type: 'added' | 'updated' | 'ignored' }
  /** The bucket is full of live nodes: the node waits in the replacement cache; ping these to find out whether one died. */
  | { readonly type: 'cached'; readonly questionable: readonly NodeInfo[] };

interface Bucket {
  entries: TableEntry[];
  replacements: NodeInfo[];
  lastChanged: number;
}

/** Options of a {@link RoutingTable}. */
export interface RoutingTableConfig {
  /** @default 8 */
  readonly k?: number;
}

/**
 * k-buckets around `ownId`.
 *
 * @example
 * ```ts
 * declare const ownId: Uint8Array, id: Uint8Array, target: Uint8Array;
 * const table = new RoutingTable(ownId);
 * table.seen({ id, host: '127.0.0.1', port: 6881 }, Date.now());
 * table.closest(target, 8);
 * ```
 */
export class RoutingTable {
  readonly k: number;
  private readonly buckets: Bucket[] = [{ entries: [], replacements: [], lastChanged: 0 }];
  private readonly byAddress = new Map<string, string>();

  constructor(readonly ownId: NodeId, config: RoutingTableConfig = {}) {
    this.k = config.k ?? BUCKET_SIZE;
  }

  /** Nodes in the table (not counting replacement caches). */
  get size(): number {
    return this.byAddress.size;
  }

  /** Buckets so far (1 … 160). */
  get bucketCount(): number {
    return this.buckets.length;
  }

  /** Health of an entry at `now`. */
  status(entry: TableEntry, now: number): NodeStatus {
    if (entry.failures >= BAD_AFTER_FAILURES) return 'bad';
    return now - entry.lastSeen < NODE_GOOD_FOR_MS && entry.failures === 0 ? 'good' : 'questionable';
  }

  /**
   * Records that `node` answered us or queried us at `now`: refreshes it, adds it, or caches it.
   * A node claiming an address another id holds, or our own id, is ignored.
   */
  seen(node: NodeInfo, now: number): SeenResult {
    if (commonPrefixBits(node.id, this.ownId) === NODE_ID_BITS) return { type: 'ignored' };
    const address = formatPeerAddress(node);
    const holder = this.byAddress.get(address);
    const hex = idToHex(node.id);
    if (holder !== undefined && holder !== hex) return { type: 'ignored' };
    const bucket = this.bucketOf(node.id);
    const existing = bucket.entries.find((e) => idToHex(e.node.id) === hex);
    if (existing !== undefined) {
      if (formatPeerAddress(existing.node) !== address) return { type: 'ignored' };
      existing.lastSeen = now;
      existing.failures = 0;
      bucket.lastChanged = now;
      return { type: 'updated' };
    }
    if (bucket.entries.length < this.k) return this.add(bucket, node, now);
    if (bucket === this.buckets[this.buckets.length - 1] && this.buckets.length < NODE_ID_BITS) {
      this.split();
      return this.seen(node, now);
    }
    const badIndex = bucket.entries.findIndex((e) => this.status(e, now) === 'bad');
    if (badIndex >= 0) {
      this.drop(bucket, badIndex);
      return this.add(bucket, node, now);
    }
    this.cache(bucket, node);
    return { type: 'cached', questionable: bucket.entries.filter((e) => this.status(e, now) !== 'good').map((e) => e.node) };
  }

  /** Records a query `node` did not answer; a node gone bad gives way to the newest replacement. */
  failed(node: NodeInfo, now: number): void {
    const bucket = this.bucketOf(node.id);
    const hex = idToHex(node.id);
    const index = bucket.entries.findIndex((e) => idToHex(e.node.id) === hex);
    if (index < 0) return;
    const entry = bucket.entries[index]!;
    entry.failures++;
    if (this.status(entry, now) !== 'bad') return;
    const replacement = bucket.replacements.pop();
    if (replacement === undefined) return;
    this.drop(bucket, index);
    this.add(bucket, replacement, now);
  }

  /** The `count` non-bad nodes closest to `target`, closest first. */
  closest(target: NodeId, count: number): NodeInfo[] {
    const all = this.buckets.flatMap((b) => b.entries.filter((e) => e.failures < BAD_AFTER_FAILURES));
    return all.map((e) => e.node).sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, count);
  }

  /** The node at `address`, if the table holds one. */
  nodeAt(address: { readonly host: string; readonly port: number }): NodeInfo | undefined {
    const hex = this.byAddress.get(formatPeerAddress(address));
    if (hex === undefined) return undefined;
    return this.buckets.flatMap((b) => b.entries).find((e) => idToHex(e.node.id) === hex)?.node;
  }

  /** Every node in the table, for saving. */
  nodes(): NodeInfo[] {
    return this.buckets.flatMap((b) => b.entries.map((e) => e.node));
  }

  /** Entries of each bucket, for UIs and specs. */
  entriesByBucket(): readonly (readonly TableEntry[])[] {
    return this.buckets.map((b) => b.entries);
  }

  /**
   * Targets for refreshing buckets unchanged for `intervalMs` (a random id in each one's range);
   * each returned bucket counts as changed at `now`, so it is not returned again at once.
   */
  refreshTargets(now: number, random: () => number, intervalMs = NODE_GOOD_FOR_MS): NodeId[] {
    const targets: NodeId[] = [];
    this.buckets.forEach((bucket, i) => {
      if (now - bucket.lastChanged < intervalMs) return;
      bucket.lastChanged = now;
      targets.push(randomIdWithPrefix(this.ownId, Math.min(i, NODE_ID_BITS - 1), random));
    });
    return targets;
  }

  private bucketOf(id: NodeId): Bucket {
    return this.buckets[Math.min(commonPrefixBits(id, this.ownId), this.buckets.length - 1)]!;
  }

  private add(bucket: Bucket, node: NodeInfo, now: number): SeenResult {
    bucket.entries.push({ node, lastSeen: now, failures: 0 });
    bucket.lastChanged = now;
    this.byAddress.set(formatPeerAddress(node), idToHex(node.id));
    const hex = idToHex(node.id);
    bucket.replacements = bucket.replacements.filter((r) => idToHex(r.id) !== hex);
    return { type: 'added' };
  }

  private drop(bucket: Bucket, index: number): void {
    const [gone] = bucket.entries.splice(index, 1);
    if (gone !== undefined) this.byAddress.delete(formatPeerAddress(gone.node));
  }

  private cache(bucket: Bucket, node: NodeInfo): void {
    const hex = idToHex(node.id);
    bucket.replacements = bucket.replacements.filter((r) => idToHex(r.id) !== hex);
    bucket.replacements.push(node);
    if (bucket.replacements.length > this.k) bucket.replacements.shift();
  }

  private split(): void {
    const last = this.buckets[this.buckets.length - 1]!;
    const depth = this.buckets.length;
    const near: Bucket = { entries: [], replacements: [], lastChanged: last.lastChanged };
    const far = (n: NodeInfo): boolean => commonPrefixBits(n.id, this.ownId) < depth;
    near.entries = last.entries.filter((e) => !far(e.node));
    near.replacements = last.replacements.filter((n) => !far(n));
    last.entries = last.entries.filter((e) => far(e.node));
    last.replacements = last.replacements.filter(far);
    this.buckets.push(near);
  }
}
