/**
 * DhtNode in virtual time over an in-memory network: query timeouts without waiting, answers
 * from the wrong address ignored, and a 64-node network that joins, announces and looks up.
 */
import { expect } from 'chai';
import { lastValueFrom, toArray, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { decodeKrpc, encodeKrpc, randomNodeId } from '../../../src/protocol/dht/index.js';
import { formatPeerAddress } from '../../../src/protocol/peerAddress.js';
import type { PeerAddress } from '../../../src/protocol/peerAddress.js';
import { DhtNode } from '../../../src/streams/dht/dhtNode.js';
import { joinDht, lookupSeeds } from '../../../src/streams/dht/joinDht.js';
import { runLookup } from '../../../src/streams/dht/runLookup.js';
import { seededRandom } from '../../helpers/random.js';

const LATENCY_MS = 5;

class Network {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, 0);
  readonly nodes = new Map<string, DhtNode>();
  /** Every packet sent, for specs that spy. */
  readonly sent: { from: PeerAddress; to: PeerAddress; packet: Uint8Array }[] = [];
  private readonly random = seededRandom(42);

  add(address: PeerAddress, rateLimit?: { perSecond: number; burst: number }): DhtNode {
    const node = new DhtNode({ ownId: randomNodeId(this.random), address, scheduler: this.scheduler, random: this.random, rateLimit }, {
      send: (packet, to) => {
        this.sent.push({ from: address, to, packet });
        this.scheduler.schedule(() => this.nodes.get(formatPeerAddress(to))?.receive(packet, address), LATENCY_MS);
      },
    });
    this.nodes.set(formatPeerAddress(address), node);
    return node;
  }

  /** Runs virtual time forward by `ms`. */
  advance(ms: number): void {
    this.scheduler.maxFrames = this.scheduler.frame + ms;
    this.scheduler.flush();
  }

  close(): void {
    for (const node of this.nodes.values()) node.close();
  }
}

const addr = (i: number): PeerAddress => ({ host: `127.0.${i >> 8}.${i & 255}`, port: 6881 });

describe('DhtNode (virtual time)', () => {
  let net: Network;
  beforeEach(() => (net = new Network()));
  afterEach(() => net.close());

  it('times a query out after 2 s of virtual time and marks the node failed', () => {
    const a = net.add(addr(1));
    const ghost = { id: randomNodeId(seededRandom(1)), ...addr(2) };
    a.table.seen(ghost, 0);
    const outcomes: string[] = [];
    a.query(ghost, { method: 'ping', id: a.id }, (o) => outcomes.push(o.type));
    net.advance(1900);
    expect(outcomes).to.deep.equal([]);
    net.advance(500);
    expect(outcomes).to.deep.equal(['timeout']);
    expect(a.table.entriesByBucket()[0]![0]!.failures).to.equal(1);
    expect(a.snapshot().pendingQueries).to.equal(0);
  });

  it('ignores an answer carrying the right transaction id from another address', () => {
    const a = net.add(addr(1));
    const b = net.add(addr(2));
    net.nodes.delete(formatPeerAddress(addr(2))); // b hears nothing: only the spoofer answers
    const outcomes: string[] = [];
    a.query(addr(2), { method: 'ping', id: a.id }, (o) => outcomes.push(o.type));
    const query = decodeKrpc(net.sent[0]!.packet);
    const spoof = encodeKrpc({ type: 'response', transactionId: query.transactionId, response: { id: b.id } });
    a.receive(spoof, addr(3));
    net.advance(100);
    expect(outcomes).to.deep.equal([]);
    expect(a.snapshot().ignoredResponses).to.equal(1);
    expect(a.table.size).to.equal(0);
    a.receive(spoof, addr(2));
    expect(outcomes).to.deep.equal(['response']);
    b.close();
  });

  it('drops queries over the per-IP limit without answering', () => {
    const a = net.add(addr(1), { perSecond: 5, burst: 10 });
    for (let i = 0; i < 100; i++) a.receive(encodeKrpc({ type: 'query', transactionId: Uint8Array.of(i), query: { method: 'ping', id: randomNodeId(seededRandom(i)) } }), addr(9));
    expect(net.sent.length).to.equal(10);
    expect(a.snapshot().droppedQueries).to.equal(90);
    net.advance(1000);
    a.receive(encodeKrpc({ type: 'query', transactionId: Uint8Array.of(1), query: { method: 'ping', id: a.id.map((x) => x ^ 1) } }), addr(9));
    expect(net.sent.length).to.equal(11);
  });

  it('a 64-node network joins through one node, and a lookup finds an announced peer in few rounds', async () => {
    const nodes = Array.from({ length: 64 }, (_, i) => net.add(addr(i + 1)));
    const bootstrap = [addr(1)];
    for (const node of nodes.slice(1)) {
      joinDht(node, bootstrap, seededRandom(node.options.address.host.length)).subscribe();
      net.advance(50);
    }
    net.advance(5000);
    expect(Math.min(...nodes.map((n) => n.table.size))).to.be.at.least(8);
    const infoHash = randomNodeId(seededRandom(77));
    const seeder = nodes[10]!;
    const announce = lastValueFrom(runLookup(seeder, infoHash, 'get_peers', lookupSeeds(seeder, infoHash, bootstrap)).pipe(toArray()));
    net.advance(5000);
    const done = (await announce).at(-1)!;
    if (done.type !== 'done') throw new Error('lookup did not end');
    for (const c of done.closest) {
      seeder.query(c.node, { method: 'announce_peer', id: seeder.id, infoHash, port: 51413, token: c.token!, impliedPort: false }, () => undefined);
    }
    net.advance(1000);
    const leecher = nodes[50]!;
    const found = lastValueFrom(runLookup(leecher, infoHash, 'get_peers', lookupSeeds(leecher, infoHash, bootstrap)).pipe(toArray()));
    net.advance(5000);
    const events = await found;
    const peers = events.flatMap((e) => (e.type === 'peers' ? e.peers : []));
    expect(peers).to.deep.include({ host: seeder.options.address.host, port: 51413 });
    const end = events.at(-1)!;
    expect(end.type === 'done' && end.rounds).to.be.within(1, 4);
    console.log(`      64 nodes (virtual): rounds ${end.type === 'done' ? end.rounds : 0}, queries ${end.type === 'done' ? end.queries : 0}`);
  });
});
