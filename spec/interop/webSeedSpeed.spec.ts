import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LT_READY, ltPeer } from '../helpers/clients.js';
import { startNginx } from '../helpers/httpServers.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { fetchAll, webSeedTorrent } from './webSeedHelpers.js';

const SIZE = 4 * 1024 * 1024;
/** The libtorrent seeder's upload cap: alone it needs about 4 s. */
const SEEDER_RATE = 1024 * 1024;

describe('interop: a web seed beside a rate-capped libtorrent seeder', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('finishes faster than the seeder alone, both sources used, byte-identical', async function () {
    requireTool(this, 'nginx');
    requireTool(this, 'libtorrent');
    const content = join(tmp.path, 'seed', 'big.bin');
    await writePayload(content, SIZE, 'speed');
    const server = await startNginx(join(tmp.path, 'nginx'), join(tmp.path, 'seed'), 'limit_rate 1m;');
    const file = join(tmp.path, 'big.torrent');
    const torrent = await webSeedTorrent(content, [server.url], file);
    const port = await freeUdpAndTcpPort();
    const lt = ltPeer({ mode: 'seed', torrent: file, savePath: join(tmp.path, 'seed'), port, uploadLimit: SEEDER_RATE });
    await lt.waitForLine(LT_READY, 30_000);
    const peers = [{ host: '127.0.0.1', port }];

    const timed = async (config: { webSeeds?: readonly string[] }) => {
      const out = join(tmp.path, 'out');
      const started = Date.now();
      const final = await fetchAll(torrent, out, { peers, ...config });
      const ms = Date.now() - started;
      expect(final.status).to.equal('done');
      expect(await filesIdentical(content, join(out, 'big.bin'))).to.equal(true);
      await rm(out, { recursive: true, force: true });
      return { ms, final };
    };
    const alone = await timed({ webSeeds: [] });
    const both = await timed({});
    const fromWeb = both.final.webSeeds?.[0]?.downloaded ?? 0;
    console.log(`      seeder alone ${alone.ms} ms; with the web seed ${both.ms} ms (${(fromWeb / 2 ** 20).toFixed(1)} MiB from it)`);
    expect(fromWeb).to.be.above(SIZE / 5);
    // The seeder is used too (its share varies with how fast nginx answers: 0.6–0.9 MiB seen).
    expect(both.final.downloaded - fromWeb).to.be.above(SIZE / 16);
    expect(both.ms).to.be.below(alone.ms * 0.8);
  });
});
