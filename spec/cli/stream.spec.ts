import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../helpers/net.js';
import { filesIdentical, makeTree } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';
import { CLI, runCli } from './run.js';

const TREE = { 'a.bin': 300_000, 'b.txt': 100_000, 'c.webm': 1_000_000 };

interface InfoJson {
  infoHash: string;
  files: { index: number | undefined; path: string; length: number }[];
}

describe('rxtorrent download --files / --sequential / --serve, info\'s file numbers (CLI)', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** The tree, its torrent, and `rxtorrent seed` of it at 2 MiB/s. */
  async function seeded(): Promise<{ torrent: string; peer: string; info: InfoJson }> {
    await makeTree(join(tmp.path, 'tree'), TREE, 'cli-stream');
    const torrent = join(tmp.path, 'tree.torrent');
    const created = await runCli(['create', join(tmp.path, 'tree'), '-t', 'http://127.0.0.1:1/announce', '-o', torrent, '--piece-length', '32KiB']);
    expect(created.code, created.stderr).to.equal(0);
    const port = await freePort();
    const seeder = startProcess(process.execPath, [CLI, 'seed', torrent, '-d', join(tmp.path, 'tree'), '--ip', '127.0.0.1', '-p', String(port), '--upload-rate', '2MiB'], {
      timeoutSec: 60, name: 'rxtorrent-seed',
    });
    await seeder.waitForLine(/ seeding /, 20_000);
    const info = JSON.parse((await runCli(['info', torrent, '--json'])).stdout) as InfoJson;
    return { torrent, peer: `127.0.0.1:${port}`, info };
  }

  it('info numbers the files (text and --json index), as --files and the stream server use them', async () => {
    const { torrent, info } = await seeded();
    expect(info.files.map((f) => [f.index, f.path])).to.deep.equal([[0, 'tree/a.bin'], [1, 'tree/b.txt'], [2, 'tree/c.webm']]);
    const text = (await runCli(['info', torrent])).stdout;
    expect(text).to.match(/files:\s+3 \(numbered for download --files\)/).and.match(/^\s+2\s+976\.6 KiB\s+tree\/c\.webm$/m);
  });

  it('--files 2 --sequential fetches file 2: byte-identical, exit 0', async () => {
    const { torrent, peer } = await seeded();
    const out = join(tmp.path, 'out');
    const run = await runCli(['download', torrent, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--peer', peer, '--no-seed', '--files', '2', '--sequential'], { timeoutMs: 40_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(await filesIdentical(join(tmp.path, 'tree', 'c.webm'), join(out, 'tree', 'c.webm'))).to.equal(true);
    expect(await readdir(join(out, 'tree')), 'the skipped files never appear').to.deep.equal(['c.webm']);
  });

  it('--serve prints streaming: URL on stderr; a ranged GET of a file answers with its bytes while it downloads', async () => {
    const { torrent, peer, info } = await seeded();
    const leecher = startProcess(process.execPath, [CLI, 'download', torrent, '-o', join(tmp.path, 'out'), '--ip', '127.0.0.1', '-p', '0', '--peer', peer, '--serve'], {
      timeoutSec: 60, name: 'rxtorrent-serve',
    });
    const [, url] = await leecher.waitForLine(/^streaming: (http:\/\/127\.0\.0\.1:\d+\/)$/, 20_000);
    type Index = { torrents: { infoHash: string; files: { url: string }[] }[] };
    let index: Index = { torrents: [] };
    await until(async () => {
      index = (await (await fetch(new URL('index.json', url))).json()) as Index;
      return index.torrents[0]?.files.length === 3;
    }, 10_000, 'index.json never listed the files (it lists them once the recheck is done)');
    expect(index.torrents[0]!.infoHash).to.equal(info.infoHash);
    const fileUrl = new URL(index.torrents[0]!.files[2]!.url, url);
    expect(fileUrl.pathname).to.equal(`/${info.infoHash}/2/c.webm`);
    const reply = await fetch(fileUrl, { headers: { Range: 'bytes=500000-599999' } });
    expect(reply.status).to.equal(206);
    expect(reply.headers.get('content-type')).to.equal('video/webm');
    const body = Buffer.from(await reply.arrayBuffer());
    const expected = (await readFile(join(tmp.path, 'tree', 'c.webm'))).subarray(500_000, 600_000);
    expect(body.equals(expected)).to.equal(true);
  });

  it('usage errors: --files not a list, an index the torrent lacks, --files with a magnet link, --serve=x', async () => {
    const { torrent } = await seeded();
    const cases: [string[], RegExp][] = [
      [['--files', '1,x'], /invalid --files "1,x"/],
      [['--files', '7'], /--files: no file 7 in this torrent \(it has 3/],
      [['--serve=x'], /invalid --serve port "x"/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['download', torrent, '--ip', '127.0.0.1', '-p', '0', ...args]);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stderr).to.match(message);
    }
    const magnet = await runCli(['download', `magnet:?xt=urn:btih:${'a'.repeat(40)}`, '--files', '0']);
    expect([magnet.code, magnet.stderr.includes('--files needs a .torrent')]).to.deep.equal([2, true]);
  });
});
