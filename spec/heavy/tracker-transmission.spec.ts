/**
 * A Transmission leecher gets a file from a libtorrent seeder through `rxtorrent tracker`.
 * Transmission never dials the 127.x peers a tracker lists, so this works only because the
 * seeder learns the leecher from the tracker and dials it (as real seeders do). Transmission's
 * start-up and announce make this one slow (~10 s), hence spec/heavy.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { LT_READY, ltCreate, ltPeer, TRANSMISSION_DONE, transmissionPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { startCliTracker, waitForStats } from '../tracker/client/cliTracker.js';

describe('heavy interop: Transmission leecher through rxtorrent tracker', function () {
  this.timeout(120_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('gets 8 MiB from a libtorrent seeder that learns it from the tracker and dials it', async function () {
    requireTool(this, 'libtorrent');
    requireTool(this, 'transmission');
    const tracker = await startCliTracker({ interval: 2, timeoutSec: 110 });
    const seedDir = join(tmp.path, 'seed');
    const leechDir = join(tmp.path, 'leech');
    await writePayload(join(seedDir, 'payload.bin'), 8 << 20, 'tracker-transmission');
    const torrent = join(tmp.path, 'payload.torrent');
    await ltCreate({ path: join(seedDir, 'payload.bin'), out: torrent, tracker: tracker.url, v1Only: true });

    const t0 = Date.now();
    // Leecher first: the seeder's very first announce then already lists it.
    const leecher = await transmissionPeer({ torrent, dir: leechDir, port: await freePort(), role: 'leech', timeoutSec: 100 });
    await waitForStats(tracker.url, (s) => s.leechers === 1, 30_000);
    const tLeecherKnown = Date.now();
    const seeder = ltPeer({ mode: 'seed', torrent, savePath: seedDir, port: await freeUdpAndTcpPort(), timeoutSec: 100 });
    await seeder.waitForLine(LT_READY, 20_000);
    await leecher.waitForLine(TRANSMISSION_DONE, 60_000);
    console.log(`      transmission announced after ${tLeecherKnown - t0} ms, done after ${Date.now() - t0} ms`);
    expect(await filesIdentical(join(seedDir, 'payload.bin'), join(leechDir, 'payload.bin'))).to.equal(true);
    expect(seeder.lines.some((l) => /^PEER connect /.test(l))).to.equal(true);
    expect(await tracker.process.stop()).to.deep.equal({ code: 0, signal: null });
  });
});
