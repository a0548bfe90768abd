import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LT_READY, ltPeer } from '../helpers/clients.js';
import { startNginx } from '../helpers/httpServers.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { fetchAll, webSeedTorrent } from './webSeedHelpers.js';

const MiB = 1024 * 1024;

/** The body sizes of nginx's 206 replies, from its access log (the default `combined` format). */
async function rangeReplies(log: string): Promise<number[]> {
  const lines = (await readFile(log, 'utf8')).split('\n');
  return lines.flatMap((line) => {
    const match = /" 206 (\d+) /.exec(line);
    return match === null ? [] : [Number(match[1])];
  });
}

describe('interop: how a web seed is steered beside a libtorrent seeder', function () {
  this.timeout(120_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** A payload, an nginx web seed of it with `nginxExtra`, and a libtorrent seeder capped at `uploadLimit` (0: none). */
  async function setUp(ctx: Mocha.Context, size: number, nginxExtra: string, uploadLimit: number) {
    requireTool(ctx, 'nginx');
    requireTool(ctx, 'libtorrent');
    const content = join(tmp.path, 'seed', 'big.bin');
    await writePayload(content, size, 'steer');
    const nginxDir = join(tmp.path, 'nginx');
    const server = await startNginx(nginxDir, join(tmp.path, 'seed'), nginxExtra);
    const file = join(tmp.path, 'big.torrent');
    const torrent = await webSeedTorrent(content, [server.url], file);
    const port = await freeUdpAndTcpPort();
    const lt = ltPeer({ mode: 'seed', torrent: file, savePath: join(tmp.path, 'seed'), port, uploadLimit });
    await lt.waitForLine(LT_READY, 30_000);
    const timed = async (webSeeds?: readonly string[]) => {
      const out = join(tmp.path, 'out');
      const started = Date.now();
      const final = await fetchAll(torrent, out, { peers: [{ host: '127.0.0.1', port }], ...(webSeeds === undefined ? {} : { webSeeds }) });
      const ms = Date.now() - started;
      expect(final.status).to.equal('done');
      expect(await filesIdentical(content, join(out, 'big.bin'))).to.equal(true);
      await rm(out, { recursive: true, force: true });
      return { ms, fromWeb: final.webSeeds?.[0]?.downloaded ?? 0, fromPeers: final.downloaded - (final.webSeeds?.[0]?.downloaded ?? 0) };
    };
    return { timed, accessLog: join(nginxDir, 'access.log') };
  }

  it('beside a fast uncapped seeder: the web seed\'s share is small and the download is not slower than the seeder alone', async function () {
    const SIZE = 16 * MiB;
    const { timed } = await setUp(this, SIZE, 'limit_rate 512k;', 0);
    await timed([]); // warms libtorrent's disk cache: both timed runs read from memory
    const alone = await timed([]);
    const both = await timed();
    console.log(`      seeder alone ${alone.ms} ms; with the web seed ${both.ms} ms (${(both.fromWeb / MiB).toFixed(2)} MiB from it)`);
    expect(both.fromWeb).to.be.below(SIZE / 10);
    expect(both.fromPeers).to.be.at.least(SIZE * 0.9);
    // Not slower: a margin for the scheduling noise of a shared machine.
    expect(both.ms).to.be.below(alone.ms * 1.5 + 500);
  });

  it('beside a slow seeder: the web seed does most of it, asked for long ranges', async function () {
    const SIZE = 8 * MiB;
    const { timed, accessLog } = await setUp(this, SIZE, 'limit_rate 2m;', 256 * 1024);
    const both = await timed();
    const replies = await rangeReplies(accessLog);
    const mean = replies.reduce((a, b) => a + b, 0) / replies.length;
    console.log(`      ${replies.length} ranges from nginx, ${(mean / MiB).toFixed(2)} MiB on average; ${(both.fromWeb / MiB).toFixed(1)} MiB from it in ${both.ms} ms`);
    expect(both.fromWeb).to.be.above(SIZE / 2);
    expect(both.fromPeers).to.be.above(SIZE / 50);
    // Rarest-first picks for it made 137 ranges of 0.06 MiB on average here.
    expect(mean).to.be.above(MiB / 4);
  });
});
