import { expect } from 'chai';
import { join } from 'node:path';
import { lastValueFrom, takeUntil, timer, timeout } from 'rxjs';
import { download } from '../../src/streams/download.js';
import { LT_READY, ltPeer } from '../helpers/clients.js';
import { startNginx } from '../helpers/httpServers.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { webSeedTorrent } from './webSeedHelpers.js';

const SIZE = 4 * 1024 * 1024;

describe('interop: a magnet link\'s ws= web seeds', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('a bare magnet (xt, x.pe, ws): the metadata from a slow libtorrent peer, then most bytes from nginx', async function () {
    requireTool(this, 'nginx');
    requireTool(this, 'libtorrent');
    const content = join(tmp.path, 'seed', 'm.bin');
    await writePayload(content, SIZE, 'magnet-ws');
    const server = await startNginx(join(tmp.path, 'nginx'), join(tmp.path, 'seed'));
    const file = join(tmp.path, 'm.torrent');
    // The .torrent names no web seed: only the magnet does.
    const torrent = await webSeedTorrent(content, [], file);
    const port = await freeUdpAndTcpPort();
    const lt = ltPeer({ mode: 'seed', torrent: file, savePath: join(tmp.path, 'seed'), port, uploadLimit: 128 * 1024 });
    await lt.waitForLine(LT_READY, 30_000);
    const uri = `magnet:?xt=urn:btih:${torrent.infoHash}&x.pe=127.0.0.1:${port}&ws=${encodeURIComponent(`${server.url}m.bin`)}`;
    const final = await lastValueFrom(download(uri, { dir: join(tmp.path, 'out'), host: '127.0.0.1', port: 0, seed: false }).pipe(timeout(40_000)));
    expect(final.status).to.equal('done');
    expect(await filesIdentical(content, join(tmp.path, 'out', 'm.bin'))).to.equal(true);
    expect(final.webSeeds?.[0]).to.include({ url: `${server.url}m.bin`, status: 'active' });
    expect(final.webSeeds?.[0]?.downloaded).to.be.above(SIZE / 2);
  });

  it('with no peer, a web seed cannot give the metadata: the session waits in the metadata phase, the server unused', async function () {
    requireTool(this, 'nginx');
    const content = join(tmp.path, 'www', 'm.bin');
    await writePayload(content, 100_000, 'magnet-ws');
    const server = await startNginx(join(tmp.path, 'nginx'), join(tmp.path, 'www'));
    const torrent = await webSeedTorrent(content, []);
    const uri = `magnet:?xt=urn:btih:${torrent.infoHash}&ws=${encodeURIComponent(`${server.url}m.bin`)}`;
    const last = await lastValueFrom(download(uri, { dir: join(tmp.path, 'out'), host: '127.0.0.1', port: 0, seed: false }).pipe(takeUntil(timer(1500))));
    expect(last.status).to.equal('metadata');
    expect(last.webSeeds).to.equal(undefined);
  });
});
