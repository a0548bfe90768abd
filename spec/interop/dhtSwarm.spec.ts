/**
 * rxtorrent's DHT peer source with libtorrent 2.0, on loopback only (INTEROP.md):
 * (a) a libtorrent seeder of a trackerless torrent announced in a libtorrent DHT; `rxtorrent
 *     download` of the bare magnet link with `--dht-bootstrap` a libtorrent node completes;
 * (b) `rxtorrent seed` of a trackerless torrent; a libtorrent leecher whose only bootstrap is our
 *     seeder's DHT port finds us and downloads.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { LT_DHT_NODES, LT_DONE, LT_DRIVER, LT_READY, ltDhtNode, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { run, startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { PYTHON, requireTool } from '../helpers/tools.js';
import { CLI, runCli } from '../cli/run.js';

describe('interop: rxtorrent finds and is found by libtorrent through the DHT (no tracker)', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** A 2 MiB payload and its trackerless torrent (made by libtorrent); returns the info-hash. */
  async function trackerless(): Promise<{ file: string; torrent: string; infoHash: string }> {
    const file = join(tmp.path, 'seed', 'payload.bin');
    await writePayload(file, 2 * 2 ** 20, 31);
    const torrent = join(tmp.path, 'payload.torrent');
    const { lines } = await run(PYTHON, [LT_DRIVER, 'create', file, torrent, '--v1-only'], { name: 'lt-create' });
    return { file, torrent, infoHash: lines.at(-1)!.trim() };
  }

  it('(a) rxtorrent download of a bare magnet link, bootstrapped from a libtorrent node, finds a libtorrent seeder', async function () {
    requireTool(this, 'libtorrent');
    const { file, infoHash, torrent } = await trackerless();
    const routerPort = await freeUdpAndTcpPort();
    const router = ltDhtNode({ port: routerPort, name: 'lt-dht-router', timeoutSec: 60 });
    await router.waitForLine(LT_DHT_NODES, 10_000);
    const seeder = ltPeer({ mode: 'seed', torrent, savePath: join(tmp.path, 'seed'), port: await freeUdpAndTcpPort(), dhtNodes: [`127.0.0.1:${routerPort}`], timeoutSec: 60 });
    await seeder.waitForLine(LT_READY, 15_000);
    const out = join(tmp.path, 'out');
    const download = await runCli([
      'download', `magnet:?xt=urn:btih:${infoHash}`, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--no-seed',
      '--dht-bootstrap', `127.0.0.1:${routerPort}`, '--dht-state', join(tmp.path, 'dht.json'),
    ], { timeoutMs: 45_000 });
    expect(download.code, download.stderr.slice(-2000)).to.equal(0);
    expect(await filesIdentical(file, join(out, 'payload.bin'))).to.equal(true);
  });

  it('(b) a libtorrent leecher whose only bootstrap is our seeder\'s DHT port and rxtorrent seed meet through the DHT; the leecher downloads', async function () {
    requireTool(this, 'libtorrent');
    const { file, torrent } = await trackerless();
    // Our DHT's UDP port is the TCP port's number; the leecher knows nothing else.
    const seedPort = await freeUdpAndTcpPort();
    const leechPort = await freeUdpAndTcpPort();
    const leecher = ltPeer({ mode: 'leech', torrent, savePath: join(tmp.path, 'leech'), port: leechPort, dhtNodes: [`127.0.0.1:${seedPort}`], timeoutSec: 60 });
    const seeder = startProcess(process.execPath, [
      CLI, 'seed', torrent, '-d', file, '--ip', '127.0.0.1', '-p', String(seedPort),
      '--dht-bootstrap', `127.0.0.1:${leechPort}`, '--dht-state', join(tmp.path, 'seed-dht.json'),
    ], { timeoutSec: 60, name: 'rxtorrent-seed-dht' });
    await seeder.waitForLine(/ seeding /, 20_000);
    await leecher.waitForLine(LT_DONE, 40_000);
    expect(await filesIdentical(file, join(tmp.path, 'leech', 'payload.bin'))).to.equal(true);
  });
});
