/**
 * The DHT (BEP 5) against libtorrent 2.0's, on loopback only (INTEROP.md: restrict flags off, no
 * public routers, `add_dht_node` bootstrap):
 * (a) a libtorrent seeder of a trackerless torrent announces into a DHT of libtorrent nodes;
 *     createDht bootstrapped from one of them finds the seeder's address with findPeers;
 * (b) a libtorrent node whose only bootstrap is our node looks up a peer we announced.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { fromHex } from '../../src/protocol/bytes.js';
import type { PeerAddress } from '../../src/protocol/peerAddress.js';
import { LT_DHT_NODES, LT_DHT_PEERS, LT_DRIVER, LT_READY, ltDhtNode, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { writePayload } from '../helpers/payload.js';
import { run, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { PYTHON, requireTool } from '../helpers/tools.js';
import { startDht, type RunningDht } from '../streams/dht/dhtHelpers.js';

const DEADLINE_MS = 25_000;

describe('interop: DHT with libtorrent', function () {
  this.timeout(40_000);
  stopAllAfterEach();
  const tmp = useTempDir();
  let ours: RunningDht | undefined;
  afterEach(() => ours?.stop());

  it('(a) findPeers finds a libtorrent seeder announced in a libtorrent DHT', async function () {
    requireTool(this, 'libtorrent');
    const file = join(tmp.path, 'payload.bin');
    await writePayload(file, 256 * 1024, 19);
    const torrent = join(tmp.path, 'payload.torrent');
    const { lines } = await run(PYTHON, [LT_DRIVER, 'create', file, torrent, '--v1-only'], { name: 'lt-create' });
    const infoHash = fromHex(lines.at(-1)!.trim())!;
    const routerPort = await freeUdpAndTcpPort();
    const router = ltDhtNode({ port: routerPort, name: 'lt-dht-router', timeoutSec: 60 });
    await router.waitForLine(LT_DHT_NODES, 10_000);
    const seedPort = await freeUdpAndTcpPort();
    const seeder = ltPeer({ mode: 'seed', torrent, savePath: tmp.path, port: seedPort, dhtNodes: [`127.0.0.1:${routerPort}`], timeoutSec: 60 });
    await seeder.waitForLine(LT_READY, 15_000);
    ours = await startDht({ bootstrap: [`127.0.0.1:${routerPort}`] });
    const end = Date.now() + DEADLINE_MS;
    let found: PeerAddress[] = [];
    while (Date.now() < end && !found.some((p) => p.port === seedPort)) {
      found = await lastValueFrom(ours.dht.findPeers(infoHash).pipe(toArray()));
      if (!found.some((p) => p.port === seedPort)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(found).to.deep.include({ host: '127.0.0.1', port: seedPort });
  });

  it('(b) a libtorrent node bootstrapped only from our node finds a peer we announced', async function () {
    requireTool(this, 'libtorrent');
    ours = await startDht({ port: await freeUdpAndTcpPort() });
    const infoHash = Uint8Array.from({ length: 20 }, (_, i) => 0xa0 ^ i);
    const hex = Buffer.from(infoHash).toString('hex');
    const ltPort = await freeUdpAndTcpPort();
    const lt = ltDhtNode({ port: ltPort, dhtNodes: [`127.0.0.1:${ours.address.port}`], getPeers: hex, timeoutSec: 60 });
    await lt.waitForLine(/^DHT_NODES [1-9]/, 15_000);
    // The libtorrent node is the closest node we know: it takes our announce, and we hold it too.
    const announced = await lastValueFrom(ours.dht.announce(infoHash, 40_404));
    expect(announced.announced).to.equal(1);
    const peers = await lt.waitForLine(LT_DHT_PEERS, DEADLINE_MS);
    expect(peers[1]!.split(' ')).to.include('127.0.0.1:40404');
  });
});
