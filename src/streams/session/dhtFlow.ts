/**
 * The DHT as one of a session's peer sources (BEP 5): a lookup when the session listens, again
 * every 15 minutes and when its peers run low (at most one a minute), each ending with an
 * announce of our port; and the DHT ports that peers send in PORT messages, pinged into the
 * routing table. Private torrents never use it (BEP 27). A DHT that fails (its UDP port taken)
 * ends the flow with the reason in the view; the torrent goes on with its other sources.
 *
 * @module
 */
import { EMPTY, exhaustMap, filter, merge, mergeMap, Observable, Subject, timer, type SchedulerLike } from 'rxjs';
import { formatPeerAddress, type PeerAddress } from '../../protocol/peerAddress.js';
import type { Dht } from '../dht/index.js';
import type { LinkEvent } from './linkEvents.js';
import type { DhtView } from './sessionState.js';

/** Time between a torrent's lookups while its peers are plenty. */
export const DHT_LOOKUP_INTERVAL_MS = 15 * 60_000;
/** Least time between two lookups started because peers ran low. */
export const DHT_LOW_PEERS_GAP_MS = 60_000;
/** PORT messages pinged at once; more wait. */
const PINGS_IN_FLIGHT = 4;
/** Distinct peers counted in {@link DhtView.peersFound}. */
const MAX_COUNTED_PEERS = 10_000;

/** What {@link dhtFlow} reads. */
export interface DhtFlowInput {
  readonly infoHash: Uint8Array;
  readonly dht: Pick<Dht, 'search' | 'addNode' | 'state$'>;
  /** Our TCP port, announced. */
  readonly listenPort: number;
  readonly links$: Observable<LinkEvent>;
  /** Whether the session wants more peers now (checked when one leaves). */
  readonly fewPeers: () => boolean;
  /** True once the torrent is known to be private (a magnet's metadata can say so): no more lookups or pings. */
  readonly isPrivate: () => boolean;
  readonly scheduler: SchedulerLike;
  /** @default {@link DHT_LOOKUP_INTERVAL_MS} */
  readonly intervalMs?: number;
}

/** What {@link dhtFlow} emits: peers to dial, and the DHT's row in the state. */
export type DhtFlowOutput =
  | { readonly type: 'peers'; readonly peers: readonly PeerAddress[] }
  | { readonly type: 'view'; readonly view: DhtView };

/**
 * Runs the DHT for one torrent while subscribed (holding the client's DHT node open).
 *
 * ```
 * timer/low peers: x--------------x--     lookups: -p-p-a  (p peers, a announced)
 * output:          -v-P-P-v----v-P-v-     (P peers to dial, v view)
 * ```
 *
 * @param input - the torrent, the client's DHT, the session's links
 * @returns peers to dial and views; never errors
 * @example
 * ```ts
 * declare const dht: DhtFlowInput['dht'], links$: DhtFlowInput['links$'], scheduler: DhtFlowInput['scheduler'];
 * declare const open: number, dials$: import('rxjs').Subject<DialCommand>;
 * dhtFlow({ infoHash, dht, listenPort: 6881, links$, fewPeers: () => open < 5, isPrivate: () => false, scheduler })
 *   .subscribe((out) => out.type === 'peers' && dials$.next({ type: 'add', addresses: out.peers }));
 * ```
 */
export function dhtFlow(input: DhtFlowInput): Observable<DhtFlowOutput> {
  return new Observable<DhtFlowOutput>((subscriber) => {
    const { dht, scheduler } = input;
    const found = new Set<string>();
    let view: DhtView = { nodes: 0, lookups: 0, searching: false, lastLookupAt: undefined, peersFound: 0, announcedTo: 0 };
    const update = (change: Partial<DhtView>): void => {
      view = { ...view, ...change };
      subscriber.next({ type: 'view', view });
    };
    let lastStart = -Infinity;
    const low$ = input.links$.pipe(filter((e) => e.type === 'left' && input.fewPeers() && scheduler.now() - lastStart >= DHT_LOW_PEERS_GAP_MS));
    const lookups$ = merge(timer(0, input.intervalMs ?? DHT_LOOKUP_INTERVAL_MS, scheduler), low$).pipe(
      filter(() => !input.isPrivate()),
      exhaustMap(() => {
        lastStart = scheduler.now();
        update({ searching: true });
        return dht.search(input.infoHash, input.listenPort);
      }),
    );
    const pinged = new Set<string>();
    const ports$ = new Subject<PeerAddress>();
    const subscription = merge(
      dht.state$.pipe(mergeMap((state) => (update({ nodes: state.nodes }), EMPTY))),
      lookups$.pipe(mergeMap((event) => {
        if (event.type === 'announced') {
          update({ searching: false, lookups: view.lookups + 1, lastLookupAt: scheduler.now(), announcedTo: event.result.announced });
          return EMPTY;
        }
        for (const peer of event.peers) if (found.size < MAX_COUNTED_PEERS) found.add(formatPeerAddress(peer));
        if (found.size !== view.peersFound) update({ peersFound: found.size });
        subscriber.next({ type: 'peers', peers: event.peers });
        return EMPTY;
      })),
      // A peer's PORT message names its DHT node: ping it once per connection; answering, it joins our table.
      ports$.pipe(mergeMap((address) => dht.addNode(address), PINGS_IN_FLIGHT), mergeMap(() => EMPTY)),
    ).subscribe({ error: (err: unknown) => update({ searching: false, error: err instanceof Error ? err.message : String(err) }) });
    subscription.add(input.links$.subscribe((e) => {
      if (e.type === 'left') pinged.delete(e.peer.key);
      if (e.type !== 'message' || e.message.type !== 'port' || e.message.port === 0 || pinged.has(e.peer.key) || input.isPrivate()) return;
      pinged.add(e.peer.key);
      ports$.next({ host: e.peer.address.host, port: e.message.port });
    }));
    subscription.add(() => ports$.complete());
    return subscription;
  });
}
