/**
 * `createClient({ dht })` on loopback: a trackerless magnet link resolved through a DHT of our
 * own nodes (a router node, a seeding client, a leeching client), handshakes with the DHT bit and
 * PORT messages between the two clients, and private torrents kept out of the DHT (BEP 27).
 */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { formatPeerAddress } from '../../../src/protocol/peerAddress.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { payloadBytes } from '../../helpers/payload.js';
import { useTempDir } from '../../helpers/tmp.js';
import { until } from '../../helpers/until.js';
import { hashes } from '../../protocol/metainfo/fixtures.js';
import { startDht, type RunningDht } from '../dht/dhtHelpers.js';
import { startSeeder, type Seeder } from '../session/faultHelpers.js';
import { leechMagnet, linkOf } from '../session/magnetHelpers.js';

function trackerless(length: number, options: { private?: boolean } = {}): { torrent: Torrent; data: Uint8Array } {
  const data = payloadBytes(length, 41);
  const bytes = buildMetainfo({
    name: 'dht.bin', multiFile: false, files: [{ path: ['dht.bin'], length }], pieceLength: 32768, pieces: hashes(data, 32768), private: options.private,
  });
  return { torrent: parseMetainfo(bytes), data };
}

describe('createClient({ dht }): the DHT as a peer source (loopback)', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  const stops: (() => void)[] = [];
  let router: RunningDht;
  beforeEach(async () => {
    router = await startDht();
    stops.push(() => router.stop());
  });
  afterEach(() => stops.splice(0).reverse().forEach((stop) => stop()));
  const bootstrap = (): string[] => [formatPeerAddress(router.address)];

  async function seed(torrent: Torrent, data: Uint8Array): Promise<Seeder> {
    const seeder = await startSeeder(torrent, memoryStorage(torrent, { data }), { dht: { bootstrap: bootstrap(), port: 0 } });
    stops.push(() => seeder.stop());
    return seeder;
  }

  it('a magnet link with no tracker and no peer: the DHT finds the seeder, the download completes byte-identical', async () => {
    const { torrent, data } = trackerless(300_000);
    const seeder = await seed(torrent, data);
    // The seeder's session announced itself through the router.
    await until(() => (seeder.states.at(-1)?.dht?.lookups ?? 0) >= 1, 10_000, 'the seeder never finished a lookup');
    expect(seeder.states.at(-1)?.dht?.announcedTo).to.be.at.least(1);
    const { run } = await leechMagnet(linkOf(torrent), { dir: tmp.path }, { dht: { bootstrap: bootstrap(), port: 0 } });
    stops.push(() => run.subscription.unsubscribe());
    expect(await run.end).to.equal('complete');
    expect((await readFile(join(tmp.path, torrent.name))).equals(Buffer.from(data))).to.equal(true);
    const dht = run.states.map((s) => s.dht).filter((v) => v !== undefined).at(-1)!;
    expect(dht.peersFound, 'the seeder, found through the DHT').to.be.at.least(1);
  });

  it('the two clients set the DHT bit and exchange PORT messages: each pings the other\'s DHT node into its table', async () => {
    const { torrent, data } = trackerless(100_000);
    const seeder = await seed(torrent, data);
    const { run } = await leechMagnet(linkOf(torrent, { peers: [`127.0.0.1:${seeder.port}`] }), { dir: tmp.path, seed: true }, { dht: { port: 0 } });
    stops.push(() => run.subscription.unsubscribe());
    // The leecher has no bootstrap: the only DHT node it can know is the seeder's, from its PORT message.
    await until(() => (run.latest()?.dht?.nodes ?? 0) >= 1, 10_000, 'the leecher never added the seeder\'s DHT node');
    // The seeder knows the router; the leecher's PORT message adds the leecher's node.
    await until(() => (seeder.states.at(-1)?.dht?.nodes ?? 0) >= 2, 10_000, 'the seeder never added the leecher\'s DHT node');
  });

  it('a private torrent never touches the DHT: no lookup, no announce, no DHT row in its state', async () => {
    const { torrent, data } = trackerless(100_000, { private: true });
    const seeder = await seed(torrent, data);
    await new Promise((r) => setTimeout(r, 300));
    expect(seeder.states.some((s) => s.dht !== undefined)).to.equal(false);
    const found = await lastValueFrom(router.dht.findPeers(torrent.infoHashBytes).pipe(toArray()));
    expect(found).to.deep.equal([]);
  });
});
