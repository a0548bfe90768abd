import { expect } from 'chai';
import { join } from 'node:path';
import { CLI, runCli } from '../cli/run.js';
import { LT_DONE, ltPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

const MiB = 1024 * 1024;
const SIZE = 8 * MiB;
const RATE = 2 * MiB;
/** The token bucket holds a quarter second of the rate, so that much may leave at once. */
const BURST = RATE / 4;

describe('interop: rxtorrent seed --upload-rate paces a real transfer', function () {
  this.timeout(30_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('2 MiB/s to a libtorrent leecher: 8 MiB takes ~(8 − burst)/2 s, byte-identical', async function () {
    requireTool(this, 'libtorrent');
    const payload = join(tmp.path, 'seed', 'paced.bin');
    await writePayload(payload, SIZE, 'rate-limit');
    const torrent = join(tmp.path, 'paced.torrent');
    const created = await runCli(['create', payload, '-o', torrent, '--piece-length', '256KiB']);
    expect(created.code, created.stderr).to.equal(0);

    const seedPort = await freePort();
    const seeder = startProcess(
      process.execPath,
      [CLI, 'seed', torrent, '-d', payload, '--ip', '127.0.0.1', '-p', String(seedPort), '--upload-rate', '2MiB', '--json'],
      { timeoutSec: 30, name: 'rxtorrent-seed' },
    );
    await seeder.waitForLine(/"status":"seeding"/, 10_000);

    const started = Date.now();
    const leecher = ltPeer({
      mode: 'leech', torrent, savePath: join(tmp.path, 'out'), port: await freeUdpAndTcpPort(),
      peers: [`127.0.0.1:${seedPort}`], exitWhenDone: true, timeoutSec: 20,
    });
    await leecher.waitForLine(LT_DONE, 15_000);
    const seconds = (Date.now() - started) / 1000;
    console.log(`      8 MiB at --upload-rate 2MiB: ${seconds.toFixed(2)} s (${(SIZE / MiB / seconds).toFixed(2)} MiB/s)`);

    // At most the burst plus the rate × time can have left the seeder.
    expect(seconds).to.be.at.least((SIZE - BURST) / RATE - 0.1);
    // Not far more: the leecher's start-up, connecting and the last piece's check add little.
    expect(seconds).to.be.at.most(SIZE / RATE + 2.5);
    expect(await filesIdentical(payload, join(tmp.path, 'out', 'paced.bin'))).to.equal(true);
  });
});
