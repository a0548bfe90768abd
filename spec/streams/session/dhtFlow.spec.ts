import { expect } from 'chai';
import { Observable, of, Subject, throwError, VirtualTimeScheduler } from 'rxjs';
import type { PeerAddress } from '../../../src/protocol/peerAddress.js';
import type { DhtSearchEvent, DhtState } from '../../../src/streams/dht/index.js';
import { DHT_LOOKUP_INTERVAL_MS, DHT_LOW_PEERS_GAP_MS, dhtFlow, type DhtFlowOutput } from '../../../src/streams/session/dhtFlow.js';
import type { LinkEvent } from '../../../src/streams/session/linkEvents.js';
import type { SwarmDht } from '../../../src/streams/session/sessionConfig.js';
import { HandPeer } from './flowHelpers.js';

/** A DHT whose lookups the spec answers by hand. */
function fakeDht() {
  const searches: { port: number; events: Subject<DhtSearchEvent> }[] = [];
  const pinged: string[] = [];
  const state$ = new Subject<DhtState>();
  const dht: SwarmDht = {
    search: (_infoHash, port) => new Observable<DhtSearchEvent>((s) => {
      const events = new Subject<DhtSearchEvent>();
      searches.push({ port, events });
      return events.subscribe(s);
    }),
    addNode: (address) => {
      pinged.push(`${address.host}:${address.port}`);
      return of(true);
    },
    state$,
    port: () => 6881,
  };
  return { dht, searches, pinged, state$ };
}

describe('dhtFlow (the DHT as a session\'s peer source)', () => {
  const infoHash = new Uint8Array(20).fill(3);
  const peer = (n: number): PeerAddress => ({ host: `127.0.0.${n}`, port: 7000 + n });

  function setup(options: { few?: boolean; private?: () => boolean } = {}) {
    const scheduler = new VirtualTimeScheduler();
    const fake = fakeDht();
    const links$ = new Subject<LinkEvent>();
    const out: DhtFlowOutput[] = [];
    const subscription = dhtFlow({
      infoHash, dht: fake.dht, listenPort: 51413, links$, fewPeers: () => options.few ?? false, isPrivate: options.private ?? (() => false), scheduler,
    }).subscribe((o) => out.push(o));
    const views = () => out.flatMap((o) => (o.type === 'view' ? [o.view] : []));
    const peers = () => out.flatMap((o) => (o.type === 'peers' ? o.peers : []));
    /** Moves the clock `ms` on (a no-op action marks the time: flush stops at the last action). */
    const advance = (ms: number): void => {
      scheduler.schedule(() => undefined, ms);
      scheduler.maxFrames = scheduler.now() + ms;
      scheduler.flush();
    };
    return { ...fake, scheduler, links$, out, views, peers, advance, subscription };
  }

  it('looks up at once with our TCP port; peers come out as met; the announce ends the lookup', () => {
    const { searches, peers, views, advance } = setup();
    advance(0);
    expect(searches.map((s) => s.port)).to.deep.equal([51413]);
    expect(views().at(-1)?.searching).to.equal(true);
    searches[0]!.events.next({ type: 'peers', peers: [peer(2), peer(3)] });
    searches[0]!.events.next({ type: 'peers', peers: [peer(3)] });
    expect(peers()).to.deep.equal([peer(2), peer(3), peer(3)]);
    searches[0]!.events.next({ type: 'announced', result: { announced: 6, asked: 8, rounds: 3 } });
    searches[0]!.events.complete();
    expect(views().at(-1)).to.deep.include({ searching: false, lookups: 1, peersFound: 2, announcedTo: 6, lastLookupAt: 0 });
  });

  it('looks up again every 15 minutes, never two at once', () => {
    const { searches, advance } = setup();
    advance(DHT_LOOKUP_INTERVAL_MS);
    expect(searches, 'the first lookup still runs').to.have.length(1);
    searches[0]!.events.complete();
    advance(DHT_LOOKUP_INTERVAL_MS);
    expect(searches).to.have.length(2);
  });

  it('a peer leaving while peers are few starts a lookup, at most one a minute', () => {
    const { searches, links$, advance } = setup({ few: true });
    advance(0);
    searches[0]!.events.complete();
    const a = new HandPeer(2, 4);
    links$.next(a.left());
    expect(searches, 'a minute has not passed').to.have.length(1);
    advance(DHT_LOW_PEERS_GAP_MS);
    links$.next(a.left());
    expect(searches).to.have.length(2);
  });

  it('pings the DHT port of each peer\'s PORT message, once per connection; port 0 ignored', () => {
    const { pinged, links$ } = setup();
    const a = new HandPeer(2, 4);
    links$.next(a.joined());
    links$.next(a.says({ type: 'port', port: 6999 }));
    links$.next(a.says({ type: 'port', port: 6998 }));
    links$.next(new HandPeer(3, 4).says({ type: 'port', port: 0 }));
    links$.next(a.left());
    links$.next(a.says({ type: 'port', port: 6997 }));
    expect(pinged).to.deep.equal(['127.0.0.2:6999', '127.0.0.2:6997']);
  });

  it('a torrent that turns out private (a magnet\'s metadata) stops looking up and pinging', () => {
    let secret = false;
    const { searches, pinged, links$, advance } = setup({ private: () => secret });
    advance(0);
    searches[0]!.events.complete();
    secret = true;
    advance(DHT_LOOKUP_INTERVAL_MS);
    links$.next(new HandPeer(2, 4).says({ type: 'port', port: 6999 }));
    expect([searches.length, pinged.length]).to.deep.equal([1, 0]);
  });

  it('shows the routing table\'s size from the DHT\'s state', () => {
    const { state$, views } = setup();
    state$.next({ nodes: 17 } as DhtState);
    expect(views().at(-1)?.nodes).to.equal(17);
  });

  it('a DHT that fails (its port taken) ends the flow with the reason in the view, not the session', () => {
    const scheduler = new VirtualTimeScheduler();
    const out: DhtFlowOutput[] = [];
    const dht: SwarmDht = { search: () => throwError(() => new Error('bind EADDRINUSE')), addNode: () => of(false), state$: new Subject<DhtState>(), port: () => undefined };
    let failed = false;
    dhtFlow({ infoHash, dht, listenPort: 1, links$: new Subject(), fewPeers: () => true, isPrivate: () => false, scheduler })
      .subscribe({ next: (o) => out.push(o), error: () => (failed = true) });
    scheduler.flush();
    expect(failed).to.equal(false);
    expect(out.at(-1)).to.deep.equal({ type: 'view', view: { nodes: 0, lookups: 0, searching: false, lastLookupAt: undefined, peersFound: 0, announcedTo: 0, error: 'bind EADDRINUSE' } });
  });
});
