import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../cli/run.js';
import { LT_PROGRESS } from '../helpers/clients.js';
import { filesIdentical, makeTree, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { bytesOf, cappedSeeder, createWithCli, fileUrlOf, SEED_RATE, serveDownload, timedRange, waitForStatus } from './streamHelpers.js';

const MiB = 1024 * 1024;

describe('interop: streaming and picking files from a libtorrent seeder capped at 4 MB/s', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('download --serve: a ranged GET from the middle of a 12 MiB file answers with the right bytes long before the download is done', async function () {
    requireTool(this, 'libtorrent');
    const size = 12 * MiB;
    const payload = join(tmp.path, 'seed', 'movie.webm');
    await writePayload(payload, size, 'stream-middle');
    const torrent = join(tmp.path, 'movie.torrent');
    await createWithCli(payload, torrent, '256KiB');
    const { peer } = await cappedSeeder(torrent, join(tmp.path, 'seed'));
    const served = await serveDownload(torrent, peer, join(tmp.path, 'out'));
    const url = await fileUrlOf(served, 0);
    const start = 6 * MiB + 12345;
    const got = await timedRange(url, start, start + 512 * 1024);
    const answeredAfterMs = Date.now() - served.startedAt;
    const progressThen = served.progress();
    expect(got.status).to.equal(206);
    expect(got.body.equals(await bytesOf(payload, start, start + 512 * 1024)), 'the right bytes').to.equal(true);
    await waitForStatus(served, 'seeding', 30_000);
    const doneAfterMs = Date.now() - served.startedAt;
    console.log(`      512 KiB at 50 %: answered ${got.ms} ms after the GET, ${answeredAfterMs} ms after start (progress then ${(progressThen * 100).toFixed(0)} %); whole download ${doneAfterMs} ms`);
    expect(answeredAfterMs, 'long before the download is done').to.be.below(doneAfterMs * 0.6);
    expect(progressThen).to.be.below(0.5);
    expect(await filesIdentical(payload, join(tmp.path, 'out', 'movie.webm'))).to.equal(true);
  });

  it('download --files 2 of a 5-file torrent: the seeder uploads file 2 plus at most two pieces; file 2 byte-identical', async function () {
    requireTool(this, 'libtorrent');
    const tree = { 'f0.bin': 2 * MiB + 1000, 'f1.bin': 1 * MiB + 7, 'f2.bin': 3 * MiB + 333, 'f3.bin': 1 * MiB, 'f4.bin': 2 * MiB + 5 };
    await makeTree(join(tmp.path, 'seed', 'five'), tree, 'five-files');
    const torrent = join(tmp.path, 'five.torrent');
    await createWithCli(join(tmp.path, 'seed', 'five'), torrent, '256KiB');
    const info = JSON.parse((await runCli(['info', torrent, '--json'])).stdout) as { files: { index?: number; path: string }[] };
    expect(info.files[2]?.path).to.equal('five/f2.bin');
    const { seeder, peer } = await cappedSeeder(torrent, join(tmp.path, 'seed'));
    const out = join(tmp.path, 'out');
    const run = await runCli(['download', torrent, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--peer', peer, '--no-seed', '--files', '2'], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).to.equal(0);
    await new Promise((r) => setTimeout(r, 1500)); // one more of libtorrent's once-a-second PROGRESS lines
    const uploaded = Math.max(...seeder.lines.map((l) => Number(LT_PROGRESS.exec(l)?.[6] ?? 0)));
    console.log(`      --files 2: seeder uploaded ${uploaded} bytes for a file of ${tree['f2.bin']} (cap ${SEED_RATE} B/s)`);
    expect(uploaded).to.be.at.least(tree['f2.bin']);
    expect(uploaded).to.be.at.most(tree['f2.bin'] + 2 * 256 * 1024);
    expect(await filesIdentical(join(tmp.path, 'seed', 'five', 'f2.bin'), join(out, 'five', 'f2.bin'))).to.equal(true);
    expect(await readdir(join(out, 'five')), 'no other file on disk').to.deep.equal(['f2.bin']);
  });
});
