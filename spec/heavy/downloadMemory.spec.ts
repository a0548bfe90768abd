import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI, runCli } from '../cli/run.js';
import { LT_READY, ltPeer } from '../helpers/clients.js';
import { watchMemory, type MemoryPeaks } from '../helpers/memory.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { commandPid, startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

const MiB = 1024 * 1024;

/**
 * Downloads `mib` MiB (1 MiB pieces) from a libtorrent seeder in seed mode with
 * `rxtorrent download --peer … --no-seed` and returns the download process's memory peaks.
 */
async function downloadWithMemory(dir: string, mib: number): Promise<MemoryPeaks & { seconds: number }> {
  const payload = join(dir, `seed${mib}`, 'mem.bin');
  await writePayload(payload, mib * MiB, `download-memory-${mib}`);
  const torrent = join(dir, `mem${mib}.torrent`);
  const created = await runCli(['create', payload, '-o', torrent, '--piece-length', '1MiB'], { timeoutMs: 120_000 });
  expect(created.code, created.stderr).to.equal(0);
  const port = await freeUdpAndTcpPort();
  const seeder = ltPeer({ mode: 'seed', torrent, savePath: join(dir, `seed${mib}`), port, seedMode: true, timeoutSec: 300 });
  await seeder.waitForLine(LT_READY, 30_000);

  const out = join(dir, `out${mib}`);
  const args = [CLI, 'download', torrent, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--peer', `127.0.0.1:${port}`, '--no-seed', '--json'];
  const started = Date.now();
  const leecher = startProcess(process.execPath, args, { timeoutSec: 240, name: `rxtorrent-download-${mib}` });
  const peaks = await watchMemory(await commandPid(leecher), leecher.exited);
  const seconds = (Date.now() - started) / 1000;
  const status = await leecher.exited;
  expect(status.code, leecher.tail(5)).to.equal(0);
  expect(await filesIdentical(payload, join(out, 'mem.bin'))).to.equal(true);
  await seeder.stop();
  await rm(out, { recursive: true, force: true });
  await rm(join(dir, `seed${mib}`), { recursive: true, force: true });
  console.log(
    `      ${mib} MiB in ${seconds.toFixed(1)} s (${(mib / seconds).toFixed(0)} MiB/s): ` +
      `peak RssAnon ${(peaks.peakRssAnonKiB / 1024).toFixed(1)} MiB, peak RSS ${(peaks.peakRssKiB / 1024).toFixed(1)} MiB`,
  );
  return { ...peaks, seconds };
}

describe('heavy: rxtorrent download holds memory independent of the torrent size', function () {
  this.timeout(600_000);
  stopAllAfterEach();
  const tmp = useTempDir({ prefix: 'rxtorrent-dlmem-' });

  // The issue asks for 256 MiB vs 1 GiB within 20 %. What differs between the two runs is bounded,
  // not proportional: pieces waiting for a lagging disk (at most the scheduler's 8 MiB pending) and
  // old-space garbage between major collections, kept small since the requests in flight moved from
  // a churning Map to a RequestQueue. Measured: 28–31 vs 30–33 MiB, a ratio of 0.99–1.09.
  it('from libtorrent: 1 GiB under 150 MiB of private memory (RssAnon), within 20 % of 256 MiB', async function () {
    requireTool(this, 'libtorrent');
    const small = await downloadWithMemory(tmp.path, 256);
    const big = await downloadWithMemory(tmp.path, 1024);
    expect(big.peakRssAnonKiB).to.be.below(150 * 1024);
    const ratio = big.peakRssAnonKiB / small.peakRssAnonKiB;
    console.log(`      1 GiB / 256 MiB peak RssAnon: ${ratio.toFixed(2)}`);
    expect(ratio).to.be.at.most(1.2);
  });
});
