import { expect } from 'chai';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, takeWhile, tap, timeout } from 'rxjs';
import { download } from '../../src/streams/download.js';
import { LT_READY, ltPeer } from '../helpers/clients.js';
import { startNginx, startPythonHttp } from '../helpers/httpServers.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { corruptBytes, filesIdentical, makeTree } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { fetchAll, webSeedTorrent } from './webSeedHelpers.js';

const TREE = { 'a.bin': 2_000_000, 'b/c.bin': 1_000_003 };

describe('interop: web seeds that fail, beside an honest libtorrent seeder', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** The content in `seed/tree`, a libtorrent seeder of it, and a torrent naming the server (nginx by default) of `webRoot`. */
  async function setUp(ctx: Mocha.Context, webRoot: (seed: string) => Promise<string>, serve = (root: string) => startNginx(join(tmp.path, 'nginx'), root)) {
    requireTool(ctx, 'nginx');
    requireTool(ctx, 'libtorrent');
    const seed = join(tmp.path, 'seed', 'tree');
    await makeTree(seed, TREE, 'faults');
    const server = await serve(await webRoot(seed));
    const file = join(tmp.path, 'tree.torrent');
    const torrent = await webSeedTorrent(seed, [server.url], file);
    const port = await freeUdpAndTcpPort();
    const lt = ltPeer({ mode: 'seed', torrent: file, savePath: join(tmp.path, 'seed'), port, uploadLimit: 2_000_000 });
    await lt.waitForLine(LT_READY, 30_000);
    return { seed, server, torrent, peers: [{ host: '127.0.0.1', port }] };
  }

  async function expectSame(seed: string): Promise<void> {
    for (const path of Object.keys(TREE)) expect(await filesIdentical(join(seed, path), join(tmp.path, 'out', 'tree', path)), path).to.equal(true);
  }

  it('a corrupt web seed: the download completes identical, the server dropped with the failed piece named', async function () {
    const { seed, torrent, peers } = await setUp(this, async (content) => {
      const root = join(tmp.path, 'www');
      await cp(content, join(root, 'tree'), { recursive: true });
      await corruptBytes(join(root, 'tree', 'a.bin'), Array.from({ length: 60 }, (_, i) => i * 32768 + 7));
      return root;
    });
    const final = await fetchAll(torrent, join(tmp.path, 'out'), { peers });
    expect(final.status).to.equal('done');
    await expectSame(seed);
    expect(final.webSeeds?.[0]?.status).to.equal('dropped');
    expect(final.webSeeds?.[0]?.reason).to.match(/^piece \d+ failed its hash$/);
  });

  it('a web seed answering 404: dropped (HTTP 404), the peer finishes', async function () {
    const { seed, torrent, peers } = await setUp(this, async () => join(tmp.path, 'empty'));
    const final = await fetchAll(torrent, join(tmp.path, 'out'), { peers });
    expect(final.status).to.equal('done');
    await expectSame(seed);
    expect(final.webSeeds?.[0]).to.include({ status: 'dropped', reason: 'HTTP 404', downloaded: 0 });
  });

  it('a web seed that dies mid-download: the peer finishes it', async function () {
    const { seed, server, torrent, peers } = await setUp(this, async (content) => join(content, '..'), (root) => startNginx(join(tmp.path, 'nginx'), root, 'limit_rate 300k;'));
    let killed = false;
    const final = await lastValueFrom(download(torrent, { dir: join(tmp.path, 'out'), host: '127.0.0.1', port: 0, seed: false, peers }).pipe(
      tap((s) => {
        if (!killed && (s.webSeeds?.[0]?.downloaded ?? 0) > 100_000) {
          killed = true;
          void server.process.stop();
        }
      }),
      takeWhile((s) => s.status !== 'done', true),
      timeout(60_000),
    ));
    expect(killed).to.equal(true);
    expect(final.status).to.equal('done');
    await expectSame(seed);
    expect(final.webSeeds?.[0]?.status).to.not.equal('active');
  });

  it('a server that ignores Range, asked for bytes past maxSkipBytes into a file: dropped, saying so; the peer finishes', async function () {
    const { seed, torrent, peers } = await setUp(this, async (content) => join(content, '..'), startPythonHttp);
    const final = await fetchAll(torrent, join(tmp.path, 'out'), { peers, webSeed: { maxSkipBytes: 500_000 } });
    expect(final.status).to.equal('done');
    await expectSame(seed);
    expect(final.webSeeds?.[0]).to.include({ status: 'dropped', ignoresRange: true });
    expect(final.webSeeds?.[0]?.reason).to.match(/ignores Range: byte \d+ is past the 500000 bytes we read through to reach a range$/);
  });
});
