/**
 * Runs one iterative lookup ({@link Lookup}) over a {@link DhtNode}: find_node to fill the
 * routing table, or get_peers to collect peers and the tokens an announce needs.
 *
 * @module
 */
import { Observable } from 'rxjs';
import { Lookup } from '../../protocol/dht/index.js';
import type { AnsweredNode, NodeId, NodeInfo } from '../../protocol/dht/index.js';
import { equalBytes } from '../../protocol/bytes.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { DhtNode } from './dhtNode.js';

/** What a lookup reports as it goes. */
export type LookupEvent =
  | { readonly type: 'peers'; readonly peers: readonly PeerAddress[] }
  | {
      readonly type: 'done';
      /** The k closest nodes that answered, with their tokens. */
      readonly closest: readonly AnsweredNode[];
      readonly rounds: number;
      readonly queries: number;
    };

/**
 * A cold lookup for `target` seeded with `seeds`; it completes after its `done` event.
 * Unsubscribing stops it (answers still in flight are ignored).
 *
 * @example
 * ```ts
 * declare const node: DhtNode;
 * runLookup(node, infoHash, 'get_peers', node.table.closest(infoHash, 8)).subscribe((e) => console.log(e.type));
 * ```
 */
export function runLookup(node: DhtNode, target: NodeId, method: 'find_node' | 'get_peers', seeds: readonly NodeInfo[]): Observable<LookupEvent> {
  return new Observable<LookupEvent>((subscriber) => {
    const lookup = new Lookup(target, seeds);
    let stopped = false;
    node.lookups++;
    const finish = (): void => {
      if (stopped) return;
      stopped = true;
      node.lookups--;
    };
    const pump = (): void => {
      if (stopped) return;
      if (lookup.done) {
        finish();
        subscriber.next({ type: 'done', closest: lookup.closestAnswered(), rounds: lookup.rounds, queries: lookup.queries });
        subscriber.complete();
        return;
      }
      for (const to of lookup.next()) {
        const query = method === 'find_node'
          ? { method, id: node.id, target } as const
          : { method, id: node.id, infoHash: target } as const;
        node.query(to, query, (outcome) => {
          if (stopped) return;
          if (outcome.type !== 'response') lookup.failed(to);
          else {
            const { response } = outcome;
            // Never ourselves: a node lists us among the closest to anything near our id.
            const others = (response.nodes ?? []).filter((n) => !equalBytes(n.id, node.id));
            lookup.answered(to, response.id, others, response.token);
            if (response.values !== undefined && response.values.length > 0) subscriber.next({ type: 'peers', peers: response.values });
          }
          pump();
        });
      }
    };
    pump();
    return finish;
  });
}
