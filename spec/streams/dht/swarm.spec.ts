/**
 * Issue 19 (5c): a 32-node DHT of our own createDht nodes in one process, each on its own
 * loopback IP (127.0.1.1 … 127.0.1.32, so the per-IP limit sees 32 askers, as on a real
 * network): they join through one node, one announces, another's lookup finds the peer; the
 * rounds and queries are printed.
 */
import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { seededRandom } from '../../helpers/random.js';
import { startDht, type RunningDht } from './dhtHelpers.js';

const NODES = 32;

describe('a 32-node DHT of our own nodes on loopback', function () {
  this.timeout(30_000);
  const nodes: RunningDht[] = [];
  after(() => nodes.splice(0).forEach((n) => n.stop()));

  it('joins, and a lookup finds an announced peer in few rounds', async () => {
    nodes.push(await startDht({ host: '127.0.1.1', random: seededRandom(1) }));
    const bootstrap = [nodes[0]!.address];
    for (let i = 2; i <= NODES; i++) nodes.push(await startDht({ host: `127.0.1.${i}`, bootstrap, random: seededRandom(i) }));
    const end = Date.now() + 10_000;
    while (Date.now() < end && nodes.some((n) => n.state().nodes < 8 || n.state().lookups > 0)) await new Promise((r) => setTimeout(r, 100));
    expect(Math.min(...nodes.map((n) => n.state().nodes))).to.be.at.least(8);
    const infoHash = Uint8Array.from({ length: 20 }, (_, i) => (i * 37 + 11) & 0xff);
    const announced = await lastValueFrom(nodes[7]!.dht.announce(infoHash, 51413));
    expect(announced.announced).to.be.at.least(1);
    const events = await lastValueFrom(nodes[23]!.dht.getPeers(infoHash).pipe(toArray()));
    const peers = events.flatMap((e) => (e.type === 'peers' ? e.peers : []));
    expect(peers).to.deep.include({ host: '127.0.1.8', port: 51413 });
    const done = events.at(-1)!;
    if (done.type !== 'done') throw new Error('the lookup did not end');
    console.log(`      32 nodes (UDP): announce reached ${announced.announced}/${announced.asked} nodes after ${announced.rounds} rounds; lookup: ${done.rounds} rounds, ${done.queries} queries`);
    expect(done.rounds).to.be.within(1, 4);
  });
});
