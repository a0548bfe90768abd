import { expect } from 'chai';
import { NEVER, of, Subject, VirtualTimeScheduler } from 'rxjs';
import type { PeerAddress } from '../../../src/protocol/peerAddress.js';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import { generatePeerId } from '../../../src/protocol/wire/index.js';
import type { Ban, LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { peerFlow, type PeerFlowOutput } from '../../../src/streams/session/peerFlow.js';
import type { SwarmDht } from '../../../src/streams/session/sessionConfig.js';
import { fakePort, ScriptedPeer } from './fakes.js';
import { HandPeer } from './flowHelpers.js';

describe('peerFlow', () => {
  const infoHash = new Uint8Array(20).fill(7);
  const at = (n: number): PeerAddress => ({ host: `127.0.0.${n}`, port: 6881 });

  function setup(options: { trackers?: string[][]; maxPeers?: number; v2Swarm?: Uint8Array; dht?: SwarmDht } = {}) {
    const scheduler = new VirtualTimeScheduler();
    const peers = new Map([2, 3, 4].map((n) => [`127.0.0.${n}:6881`, () => new ScriptedPeer(at(n), new Uint8Array(20).fill(n), () => [], { infoHash, scheduler })]));
    const port = { ...fakePort(peers, generatePeerId()), dht: options.dht };
    const links$ = new Subject<LinkEvent>();
    const bans$ = new Subject<Ban>();
    const learned$ = new Subject<readonly PeerAddress[]>();
    const announces: AnnounceParams[] = [];
    const out: PeerFlowOutput[] = [];
    const announce = (_url: string, params: AnnounceParams) => {
      announces.push(params);
      return of({ interval: 60, minInterval: undefined, complete: 1, incomplete: 0, trackerId: undefined, warning: undefined, externalIp: undefined, peers: [at(4)] });
    };
    peerFlow({
      infoHash, port, options: { peerId: port.peerId, bitfield: () => { throw new Error('unused'); } }, trackers: options.trackers ?? [], given: [at(2)],
      v2Swarm: options.v2Swarm && { infoHash: options.v2Swarm, options: { peerId: port.peerId, bitfield: () => { throw new Error('unused'); }, extensions: { v2: true } } },
      maxPeers: options.maxPeers ?? 50, links$, transfer$: of({ uploaded: 0, downloaded: 0, left: 1 }), bans$, learned$, scheduler, random: () => 0.5, announce, isPrivate: () => false,
    }).subscribe((o) => out.push(o));
    return { port, links$, bans$, learned$, out, announces, scheduler };
  }
  const connected = (out: PeerFlowOutput[]): string[] => out.flatMap((o) => (o.type === 'connection' ? [o.connection.address.host] : []));

  it('dials the given peers, then those the trackers and PEX name; tracker statuses come out too', () => {
    const { out, learned$, port } = setup({ trackers: [['http://127.0.0.1:1/announce']] });
    learned$.next([at(3)]);
    expect(connected(out).sort()).to.deep.equal(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(out.some((o) => o.type === 'tracker' && o.event.type === 'status')).to.equal(true);
    expect(port.dialled).to.have.length(3);
  });

  it('a hybrid joins its v2 swarm too: both hashes announced (trackers, DHT) and routed inbound (the v2 one with the v2 bit); the views are the v1 hash\'s', () => {
    const v2 = new Uint8Array(20).fill(9);
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const searched: string[] = [];
    const dht: SwarmDht = { search: (hash) => (searched.push(hex(hash)), NEVER), addNode: () => of(true), state$: NEVER, port: () => 6881 };
    const { out, announces, port, scheduler } = setup({ trackers: [['http://127.0.0.1:1/announce']], v2Swarm: v2, dht });
    scheduler.maxFrames = 1;
    scheduler.flush();
    expect(announces.map((a) => hex(a.infoHash)).sort()).to.deep.equal([hex(infoHash), hex(v2)]);
    expect(searched, 'the DHT searches and announces both').to.deep.equal([hex(infoHash), hex(v2)]);
    expect(port.routes).to.deep.equal([{ infoHash: hex(infoHash), v2: false }, { infoHash: hex(v2), v2: true }]);
    expect(out.filter((o) => o.type === 'tracker' && o.event.type === 'status')).to.have.length(1);
    expect(port.dialled.filter((a) => a === '127.0.0.4:6881'), 'a peer both swarms name is dialled once').to.have.length(1);
  });

  it('a banned peer is never dialled again, and hung up on when it dials us', () => {
    const { out, bans$, learned$, port } = setup();
    const [first] = out;
    if (first?.type !== 'connection') throw new Error('not connected');
    const banned = new HandPeer(2, 1);
    bans$.next({ peer: { ...banned.peer, peerId: first.connection.peerId } });
    first.connection.close();
    learned$.next([at(2)]);
    expect(port.dialled.filter((a) => a === '127.0.0.2:6881')).to.have.length(1);
    const comeback = new ScriptedPeer({ host: '127.0.0.2', port: 40000 }, first.connection.peerId, () => [], { infoHash, scheduler: new VirtualTimeScheduler(), direction: 'inbound' });
    port.incoming.next(comeback);
    expect(comeback.closed).to.equal(true);
    expect(connected(out)).to.deep.equal(['127.0.0.2']);
  });

  it('a ban holds the IP address: another port or a new peer id does not get back in (on loopback, the address and port)', () => {
    const scheduler = new VirtualTimeScheduler();
    const remote = (port: number): PeerAddress => ({ host: '203.0.113.9', port });
    const peer = (address: PeerAddress, id: number, direction: 'inbound' | 'outbound' = 'outbound') =>
      new ScriptedPeer(address, new Uint8Array(20).fill(id), () => [], { infoHash, scheduler, direction });
    const port = fakePort(new Map([['203.0.113.9:6881', () => peer(remote(6881), 9)], ['203.0.113.9:6882', () => peer(remote(6882), 10)]]), generatePeerId());
    const bans$ = new Subject<Ban>();
    const learned$ = new Subject<readonly PeerAddress[]>();
    const out: PeerFlowOutput[] = [];
    peerFlow({
      infoHash, port, options: { peerId: port.peerId, bitfield: () => { throw new Error('unused'); } }, trackers: [], given: [remote(6881)],
      maxPeers: 50, links$: new Subject<LinkEvent>(), transfer$: of({ uploaded: 0, downloaded: 0, left: 1 }), bans$, learned$, scheduler, random: () => 0.5, announce: undefined, isPrivate: () => false,
    }).subscribe((o) => out.push(o));
    const [first] = out;
    if (first?.type !== 'connection') throw new Error('not connected');
    bans$.next({ peer: { key: 'k', address: remote(6881), peerId: first.connection.peerId, direction: 'outbound', connection: first.connection } });
    learned$.next([remote(6882)]);
    expect(port.dialled).to.deep.equal(['203.0.113.9:6881']);
    const fromAnotherPort = peer(remote(51000), 11, 'inbound');
    port.incoming.next(fromAnotherPort);
    expect(fromAnotherPort.closed, 'same IP, new port and peer id').to.equal(true);
    const loopback = peer({ host: '127.0.0.1', port: 51000 }, 12, 'inbound');
    port.incoming.next(loopback);
    expect(loopback.closed, 'another process of this machine').to.equal(false);
  });

  it('PEX addresses are dialled only where the torrent\'s own peers are (loopback here), never on privileged ports', () => {
    const { learned$, port } = setup();
    learned$.next([{ host: '10.0.0.5', port: 6881 }, { host: '127.0.0.3', port: 22 }, { host: '224.0.0.1', port: 6881 }, at(3)]);
    expect(port.dialled).to.deep.equal(['127.0.0.2:6881', '127.0.0.3:6881']);
  });

  it('a dial that fails comes out with its reason (the state shows it while no peer is connected)', () => {
    const { out, learned$ } = setup();
    learned$.next([{ host: '127.0.0.9', port: 7000 }]);
    expect(out.filter((o) => o.type === 'dial-failed')).to.deep.equal([{ type: 'dial-failed', address: { host: '127.0.0.9', port: 7000 }, message: 'nobody at 127.0.0.9:7000' }]);
  });

  it('asks trackers for peers only below the cap', () => {
    const { links$, announces, scheduler } = setup({ trackers: [['http://127.0.0.1:1/announce']], maxPeers: 1 });
    expect(announces[0]?.numwant).to.equal(50);
    links$.next(new HandPeer(2, 1).joined());
    scheduler.maxFrames = 120_000;
    scheduler.flush();
    expect(announces.length).to.be.at.least(2);
    expect(announces.at(-1)?.numwant).to.equal(0);
  });
});
