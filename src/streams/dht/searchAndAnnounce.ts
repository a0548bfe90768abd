/**
 * One get_peers lookup that yields the peers it meets and then announces our port to the closest
 * nodes that gave a token (BEP 5), as libtorrent's announce does: one walk of the DHT, not two.
 *
 * @module
 */
import { defer, merge, Observable, of, type SchedulerLike } from 'rxjs';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { DhtNode } from './dhtNode.js';
import { lookupSeeds } from './joinDht.js';
import { runLookup, type LookupEvent } from './runLookup.js';

/** What {@link Dht.announce} did. */
export interface DhtAnnounceResult {
  /** Nodes that accepted our announce_peer. */
  readonly announced: number;
  /** The closest nodes we asked. */
  readonly asked: number;
  /** Rounds of the get_peers lookup before it. */
  readonly rounds: number;
}

/** What a search-and-announce emits: peers as the lookup meets them, then the announce's outcome. */
export type DhtSearchEvent =
  | { readonly type: 'peers'; readonly peers: readonly PeerAddress[] }
  | { readonly type: 'announced'; readonly result: DhtAnnounceResult };

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The peers of `infoHash` we hold ourselves (others announced them to us), then a get_peers
 * lookup over the DHT: what `findPeers`, `getPeers` and a search walk. Cold.
 *
 * @example
 * ```ts
 * declare const node: DhtNode, bootstrap: readonly PeerAddress[];
 * peerLookup(node, bootstrap, infoHash, asyncScheduler).subscribe((e) => e.type === 'peers' && console.log(e.peers));
 * ```
 */
export function peerLookup(node: DhtNode, bootstrap: readonly PeerAddress[], infoHash: Uint8Array, scheduler: SchedulerLike): Observable<LookupEvent> {
  return defer(() => {
    const local = node.store.get(infoHash, 50, scheduler.now());
    const lookup$ = runLookup(node, infoHash, 'get_peers', lookupSeeds(node, infoHash, bootstrap));
    return local.length > 0 ? merge(of<LookupEvent>({ type: 'peers', peers: local }), lookup$) : lookup$;
  });
}

/**
 * Looks `infoHash` up on `node`, then announces `tcpPort` to the closest nodes; completes after
 * the `announced` event. Unsubscribing stops the lookup (answers in flight are ignored).
 *
 * @example
 * ```ts
 * declare const node: DhtNode, bootstrap: readonly PeerAddress[];
 * searchAndAnnounce(node, bootstrap, infoHash, 6881, asyncScheduler).subscribe((e) => console.log(e.type));
 * ```
 */
export function searchAndAnnounce(
  node: DhtNode, bootstrap: readonly PeerAddress[], infoHash: Uint8Array, tcpPort: number, scheduler: SchedulerLike,
): Observable<DhtSearchEvent> {
  return new Observable<DhtSearchEvent>((subscriber) => {
    const host = node.options.address.host;
    let stopped = false;
    // Subscribed first: the peers we hold are read before our own announce joins them.
    const lookup = peerLookup(node, bootstrap, infoHash, scheduler).subscribe((event) => {
      if (event.type === 'peers') return subscriber.next(event);
      const targets = event.closest.filter((c) => c.token !== undefined);
      let answered = 0;
      let accepted = 0;
      const finish = (): void => {
        if (stopped || answered < targets.length) return;
        subscriber.next({ type: 'announced', result: { announced: accepted, asked: targets.length, rounds: event.rounds } });
        subscriber.complete();
      };
      for (const target of targets) {
        const query = { method: 'announce_peer', id: node.id, infoHash, port: tcpPort, token: target.token!, impliedPort: false } as const;
        node.query(target.node, query, (outcome) => {
          answered++;
          if (outcome.type === 'response') accepted++;
          finish();
        });
      }
      finish();
    });
    // We are a node of the DHT too: a searcher that reaches us finds the announce here.
    if (!WILDCARDS.has(host)) node.store.add(infoHash, { host, port: tcpPort }, scheduler.now());
    return () => {
      stopped = true;
      lookup.unsubscribe();
    };
  });
}
