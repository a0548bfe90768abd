import { expect } from 'chai';
import { compareDistance, Lookup, randomNodeId, RoutingTable } from '../../../src/protocol/dht/index.js';
import type { NodeInfo } from '../../../src/protocol/dht/index.js';
import { formatPeerAddress } from '../../../src/protocol/peerAddress.js';
import { seededRandom } from '../../helpers/random.js';

/** A network of `n` nodes, each knowing every other through its own k-bucket table. */
function network(n: number, seed: number): { nodes: NodeInfo[]; tables: Map<string, RoutingTable> } {
  const random = seededRandom(seed);
  const nodes = Array.from({ length: n }, (_, i) => ({ id: randomNodeId(random), host: '127.0.0.1', port: 10_000 + i }));
  const tables = new Map<string, RoutingTable>();
  for (const node of nodes) {
    const table = new RoutingTable(node.id);
    for (const other of nodes) table.seen(other, 0);
    tables.set(formatPeerAddress(node), table);
  }
  return { nodes, tables };
}

/** Runs a lookup to the end, answering each query from the asked node's table (dead nodes never answer). */
function drive(lookup: Lookup, tables: Map<string, RoutingTable>, dead = new Set<string>()): void {
  for (let guard = 0; guard < 10_000 && !lookup.done; guard++) {
    const batch = lookup.next();
    if (batch.length === 0) break;
    for (const node of batch) {
      const key = formatPeerAddress(node);
      const table = tables.get(key);
      if (table === undefined || dead.has(key)) lookup.failed(node);
      else lookup.answered(node, table.ownId, table.closest(lookup.target, 8));
    }
  }
}

describe('Lookup', () => {
  it('finds the k closest nodes of a 300-node network in a few rounds, α at a time', () => {
    const { nodes, tables } = network(300, 1);
    const target = randomNodeId(seededRandom(99));
    const start = tables.get(formatPeerAddress(nodes[0]!))!;
    const lookup = new Lookup(target, start.closest(target, 8));
    let maxInFlight = 0;
    for (let guard = 0; guard < 1000 && !lookup.done; guard++) {
      const batch = lookup.next();
      maxInFlight = Math.max(maxInFlight, lookup.inFlight);
      for (const node of batch) {
        const table = tables.get(formatPeerAddress(node))!;
        lookup.answered(node, table.ownId, table.closest(target, 8));
      }
    }
    expect(maxInFlight).to.be.at.most(3);
    const truth = [...nodes].sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, 8);
    expect(lookup.closestAnswered().map((a) => a.node.port)).to.deep.equal(truth.map((n) => n.port));
    expect(lookup.rounds).to.be.within(1, 6);
    console.log(`      300 nodes, full tables: rounds ${lookup.rounds}, queries ${lookup.queries}`);
    expect(lookup.queries).to.be.below(60);
  });

  it('works around dead nodes', () => {
    const { nodes, tables } = network(200, 2);
    const target = randomNodeId(seededRandom(7));
    const sorted = [...nodes].sort((a, b) => compareDistance(target, a.id, b.id));
    const dead = new Set([formatPeerAddress(sorted[0]!), formatPeerAddress(sorted[3]!)]);
    const lookup = new Lookup(target, tables.get(formatPeerAddress(nodes[5]!))!.closest(target, 8));
    drive(lookup, tables, dead);
    // Answers hold k nodes, dead ones among them, so only the k − dead closest live nodes are sure to be named.
    const live = sorted.filter((n) => !dead.has(formatPeerAddress(n))).slice(0, 8 - dead.size);
    expect(lookup.closestAnswered().slice(0, live.length).map((a) => a.node.port)).to.deep.equal(live.map((n) => n.port));
  });

  it('takes the real id of a seed given with a made-up one (a bootstrap address) and keeps tokens', () => {
    const target = randomNodeId(seededRandom(3));
    const real = randomNodeId(seededRandom(4));
    const lookup = new Lookup(target, [{ id: target, host: '127.0.0.1', port: 1 }]);
    const [seed] = lookup.next();
    lookup.answered(seed!, real, [], Uint8Array.of(1, 2));
    expect(lookup.done).to.equal(true);
    expect(lookup.closestAnswered()).to.deep.equal([{ node: { id: real, host: '127.0.0.1', port: 1 }, token: Uint8Array.of(1, 2) }]);
    expect(lookup.rounds).to.equal(1);
  });

  it('ignores answers from nodes it did not ask, and ends with no seeds', () => {
    const target = randomNodeId(seededRandom(3));
    const lookup = new Lookup(target, []);
    expect(lookup.done).to.equal(true);
    lookup.answered({ id: target, host: '127.0.0.1', port: 5 }, target, [{ id: target, host: '127.0.0.1', port: 6 }]);
    expect(lookup.next()).to.deep.equal([]);
  });

  it('stops at its query budget however many fresh nodes a hostile network names', () => {
    const random = seededRandom(11);
    const target = randomNodeId(random);
    let port = 1;
    const fresh = (): NodeInfo[] => Array.from({ length: 16 }, () => ({ id: randomNodeId(random), host: '127.0.0.1', port: port++ }));
    const lookup = new Lookup(target, fresh(), { maxQueries: 40 });
    for (let guard = 0; guard < 1000 && !lookup.done; guard++) {
      for (const node of lookup.next()) lookup.answered(node, randomNodeId(random), fresh());
    }
    expect(lookup.done).to.equal(true);
    expect(lookup.queries).to.equal(40);
  });
});
