import { expect } from 'chai';
import {
  BAD_AFTER_FAILURES, commonPrefixBits, compareDistance, NODE_GOOD_FOR_MS, randomIdWithPrefix, randomNodeId, RoutingTable,
} from '../../../src/protocol/dht/index.js';
import type { NodeInfo } from '../../../src/protocol/dht/index.js';
import { seededRandom } from '../../helpers/random.js';

const own = new Uint8Array(20);
let port = 1000;
/** A node whose id shares exactly `bits` leading bits with ours. */
const at = (bits: number, random = seededRandom(port)): NodeInfo => ({ id: randomIdWithPrefix(own, bits, random), host: '127.0.0.1', port: port++ });

describe('node ids', () => {
  it('measures common prefixes and XOR distance', () => {
    const random = seededRandom(5);
    for (let bits = 0; bits < 160; bits++) expect(commonPrefixBits(own, randomIdWithPrefix(own, bits, random))).to.equal(bits);
    const a = Uint8Array.of(...new Array(19).fill(0), 1);
    const b = Uint8Array.of(...new Array(19).fill(0), 2);
    expect(compareDistance(own, a, b)).to.be.lessThan(0);
    expect(compareDistance(b, a, b)).to.be.greaterThan(0);
    expect(commonPrefixBits(own, own)).to.equal(160);
    expect(randomNodeId(seededRandom(1))).to.have.length(20);
  });
});

describe('RoutingTable', () => {
  it('splits only the bucket holding our id, up to k nodes per bucket', () => {
    const table = new RoutingTable(own);
    for (let i = 0; i < 8; i++) expect(table.seen(at(0), 0).type).to.equal('added');
    expect(table.bucketCount).to.equal(1);
    // A ninth far node splits bucket 0 (it holds our id too) but still finds it full.
    expect(table.seen(at(0), 0).type).to.equal('cached');
    expect(table.bucketCount).to.equal(2);
    for (let i = 0; i < 8; i++) table.seen(at(1), 0);
    for (let i = 0; i < 8; i++) table.seen(at(5), 0);
    expect(table.size).to.equal(24);
    expect(table.entriesByBucket().every((b) => b.length <= 8)).to.equal(true);
  });

  it('refreshes a known node, ignores our own id and an address claimed by another id', () => {
    const table = new RoutingTable(own);
    const n = at(3);
    table.seen(n, 0);
    expect(table.seen(n, 10).type).to.equal('updated');
    expect(table.seen({ ...n, id: randomIdWithPrefix(own, 9, seededRandom(1)) }, 10).type).to.equal('ignored');
    expect(table.seen({ id: own, host: '127.0.0.1', port: 9 }, 10).type).to.equal('ignored');
    expect(table.nodeAt(n)).to.deep.equal(n);
  });

  it('grades nodes good, questionable and bad', () => {
    const table = new RoutingTable(own);
    table.seen(at(2), 0);
    const [entry] = table.entriesByBucket()[0]!;
    expect(table.status(entry!, 1)).to.equal('good');
    expect(table.status(entry!, NODE_GOOD_FOR_MS)).to.equal('questionable');
    table.failed(entry!.node, 1);
    expect(table.status(entry!, 1)).to.equal('questionable');
    for (let i = 1; i < BAD_AFTER_FAILURES; i++) table.failed(entry!.node, 1);
    expect(table.status(entry!, 1)).to.equal('bad');
    expect(table.closest(own, 8)).to.deep.equal([]);
  });

  it('asks to ping questionable nodes of a full bucket and swaps in the replacement when one goes bad', () => {
    const table = new RoutingTable(own);
    table.seen(at(0), 0); // one node near us so bucket 0 stops splitting
    for (let i = 0; i < 7; i++) table.seen(at(0), 0);
    table.seen(at(3), 0);
    const far = table.entriesByBucket()[0]!.map((e) => e.node);
    const newcomer = at(0);
    const result = table.seen(newcomer, NODE_GOOD_FOR_MS + 1);
    expect(result.type).to.equal('cached');
    expect(result.type === 'cached' && result.questionable.length).to.equal(far.length);
    for (let i = 0; i < BAD_AFTER_FAILURES; i++) table.failed(far[0]!, NODE_GOOD_FOR_MS + 2);
    expect(table.nodes()).to.deep.include(newcomer);
    expect(table.nodes()).to.not.deep.include(far[0]);
  });

  it('replaces a bad node at once when a new one comes', () => {
    const table = new RoutingTable(own);
    table.seen(at(7), 0);
    for (let i = 0; i < 8; i++) table.seen(at(0), 0);
    const victim = table.entriesByBucket()[0]![0]!.node;
    for (let i = 0; i < BAD_AFTER_FAILURES; i++) table.failed(victim, 1);
    const fresh = at(0);
    expect(table.seen(fresh, 2).type).to.equal('added');
    expect(table.nodeAt(victim)).to.equal(undefined);
  });

  it('returns the closest nodes in XOR order', () => {
    const table = new RoutingTable(own);
    const random = seededRandom(9);
    const all = Array.from({ length: 200 }, (_, i) => ({ id: randomNodeId(random), host: '127.0.0.2', port: 2000 + i }));
    for (const n of all) table.seen(n, 0);
    const target = randomNodeId(random);
    const got = table.closest(target, 8);
    const held = table.nodes().sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, 8);
    expect(got).to.deep.equal(held);
    expect(table.size).to.be.at.most(160 * 8);
  });

  it('gives refresh targets for buckets unchanged for 15 minutes, once per interval', () => {
    const table = new RoutingTable(own);
    for (let i = 0; i < 9; i++) table.seen(at(0), 0);
    const random = seededRandom(4);
    expect(table.refreshTargets(NODE_GOOD_FOR_MS - 1, random)).to.deep.equal([]);
    const targets = table.refreshTargets(NODE_GOOD_FOR_MS, random);
    expect(targets).to.have.length(table.bucketCount);
    targets.forEach((t, i) => expect(commonPrefixBits(t, own)).to.equal(i));
    expect(table.refreshTargets(NODE_GOOD_FOR_MS + 1, random)).to.deep.equal([]);
  });
});
