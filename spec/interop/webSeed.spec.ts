import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startNginx, startPythonHttp } from '../helpers/httpServers.js';
import { filesIdentical, makeTree, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { fetchAll, webSeedTorrent } from './webSeedHelpers.js';

const TREE = { 'empty.txt': 0, 'tiny.bin': 100, 'a/b/big.bin': 3_000_000, 'a/mid.bin': 700_001, 'z z%.bin': 20_000 };

describe('interop: web seeds (BEP 19) on loopback, no tracker, no peer', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('a multi-file torrent from nginx (a folder holding name/path…): byte-identical, the seed listed', async function () {
    requireTool(this, 'nginx');
    const root = join(tmp.path, 'www');
    await makeTree(join(root, 'tree'), TREE, 'webseed');
    const server = await startNginx(join(tmp.path, 'nginx'), root);
    const torrent = await webSeedTorrent(join(root, 'tree'), [server.url]);
    const final = await fetchAll(torrent, join(tmp.path, 'out'));
    expect(final.status).to.equal('done');
    expect(final.peers).to.deep.equal([]);
    for (const path of Object.keys(TREE)) expect(await filesIdentical(join(root, 'tree', path), join(tmp.path, 'out', 'tree', path)), path).to.equal(true);
    expect((await readdir(join(tmp.path, 'out'), { recursive: true })).map(String).filter((n) => n.endsWith('.part'))).to.deep.equal([]);
    const [seed] = final.webSeeds ?? [];
    expect(seed?.url).to.equal(server.url);
    expect(seed?.status).to.equal('active');
    expect(seed?.downloaded).to.be.at.least(torrent.length);
    expect(seed?.ignoresRange).to.equal(false);
  });

  it('a single-file torrent whose url-list names the file', async function () {
    requireTool(this, 'nginx');
    const root = join(tmp.path, 'www');
    await writePayload(join(root, 'pub', 'one.bin'), 2_500_000, 'single');
    const server = await startNginx(join(tmp.path, 'nginx'), root);
    const torrent = await webSeedTorrent(join(root, 'pub', 'one.bin'), [`${server.url}pub/one.bin`]);
    const final = await fetchAll(torrent, join(tmp.path, 'out'));
    expect(final.status).to.equal('done');
    expect(await filesIdentical(join(root, 'pub', 'one.bin'), join(tmp.path, 'out', 'one.bin'))).to.equal(true);
  });

  it('python3 -m http.server (ignores Range): read through, byte-identical, the state says so', async function () {
    const root = join(tmp.path, 'www');
    await makeTree(join(root, 'tree'), { 'x.bin': 300_000, 'y/z.bin': 150_001 }, 'py');
    const server = await startPythonHttp(root);
    const torrent = await webSeedTorrent(join(root, 'tree'), [server.url]);
    const final = await fetchAll(torrent, join(tmp.path, 'out'));
    expect(final.status).to.equal('done');
    for (const path of ['x.bin', 'y/z.bin']) expect(await filesIdentical(join(root, 'tree', path), join(tmp.path, 'out', 'tree', path)), path).to.equal(true);
    expect(final.webSeeds?.[0]?.ignoresRange).to.equal(true);
  });
});
