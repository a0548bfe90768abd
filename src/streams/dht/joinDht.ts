/**
 * Joining the DHT, as Kademlia does: a find_node lookup for our own id (it fills the buckets
 * near us and tells our neighbours about us), then one lookup in each bucket's range (it fills
 * the far buckets, so later lookups start close to any target).
 *
 * @module
 */
import { concat, defer, from, ignoreElements, mergeMap, type Observable } from 'rxjs';
import type { NodeId, NodeInfo } from '../../protocol/dht/index.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { DhtNode } from './dhtNode.js';
import { runLookup } from './runLookup.js';

/** Bucket-filling lookups run at once while joining. */
const JOIN_CONCURRENCY = 2;

/**
 * Seeds of a lookup: the closest nodes we know, plus the bootstrap nodes while the table is small.
 *
 * @example
 * ```ts
 * declare const node: DhtNode;
 * runLookup(node, infoHash, 'get_peers', lookupSeeds(node, infoHash, [{ host: '127.0.0.1', port: 6881 }]));
 * ```
 */
export function lookupSeeds(node: DhtNode, target: NodeId, bootstrap: readonly PeerAddress[]): NodeInfo[] {
  const known = node.table.closest(target, node.table.k);
  if (known.length >= node.table.k) return known;
  // A bootstrap address has no id yet: it gets the target's, so it is asked first; its answer gives the real one.
  return [...known, ...bootstrap.map((b) => ({ ...b, id: target }))];
}

/**
 * Joins through the table's nodes and `bootstrap`; completes when the lookups end.
 *
 * @example
 * ```ts
 * declare const node: DhtNode;
 * joinDht(node, [{ host: '127.0.0.1', port: 6881 }], Math.random).subscribe({ complete: () => console.log(node.table.size) });
 * ```
 */
export function joinDht(node: DhtNode, bootstrap: readonly PeerAddress[], random: () => number): Observable<never> {
  return concat(
    defer(() => runLookup(node, node.id, 'find_node', lookupSeeds(node, node.id, bootstrap))),
    defer(() => from(node.table.refreshTargets(node.options.scheduler.now(), random, 0))).pipe(
      mergeMap((target) => runLookup(node, target, 'find_node', lookupSeeds(node, target, bootstrap)), JOIN_CONCURRENCY),
    ),
  ).pipe(ignoreElements());
}
