/**
 * A Transmission leecher downloads from `rxtorrent seed`. Transmission never dials the 127.x peers
 * a tracker lists, so this works only because our seeder dials it: Transmission starts first and
 * announces, then the seeder's `started` announce returns it. Transmission's start-up and
 * announce make these slow (~10 s), hence spec/heavy.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { ARIA2_DONE, aria2Leecher, LT_DONE, ltPeer, TRANSMISSION_DONE, transmissionPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { stopAllAfterEach, type ProcessHandle } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { expectSameTree, makeSeedPayload, SEED_TREE_BYTES, seederStates, startSeeder, waitForState, type SeedPayload } from '../interop/seedHelpers.js';
import { startCliTracker, waitForStats } from '../tracker/client/cliTracker.js';

/** Whether the seeder dialled a Transmission peer (it never dials us on loopback). */
const dialledTransmission = (s: SessionState): boolean =>
  s.peers.some((p) => p.client?.startsWith('Transmission') === true && p.direction === 'outbound');

describe('heavy interop: rxtorrent seeds to Transmission', function () {
  this.timeout(120_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** Tracker, payload, and a Transmission leecher the tracker already lists. */
  async function transmissionWaiting(): Promise<{ url: string; payload: SeedPayload; leecher: ProcessHandle; out: string }> {
    const tracker = await startCliTracker({ interval: 2, timeoutSec: 110 });
    const payload = await makeSeedPayload({ dir: tmp.path, name: 'tree', tracker: tracker.url });
    const out = join(tmp.path, 'transmission');
    const leecher = await transmissionPeer({ torrent: payload.torrent, dir: out, port: await freePort(), role: 'leech', timeoutSec: 100 });
    await waitForStats(tracker.url, (s) => s.leechers === 1, 30_000);
    return { url: tracker.url, payload, leecher, out };
  }

  it('a Transmission leecher, dialled by the seeder, downloads byte-identical (non-empty files)', async function () {
    requireTool(this, 'transmission');
    const t0 = Date.now();
    const { payload, leecher, out } = await transmissionWaiting();
    const tKnown = Date.now();
    const seeder = startSeeder({ payloads: [payload], port: await freePort(), timeoutSec: 100 });
    await leecher.waitForLine(TRANSMISSION_DONE, 60_000);
    console.log(`      transmission announced after ${tKnown - t0} ms, done after ${Date.now() - t0} ms`);
    // Transmission does not create the empty files of a multi-file torrent.
    await expectSameTree(payload.content, join(out, payload.name), { nonEmptyOnly: true });
    await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
    expect(seederStates(seeder).some(dialledTransmission), 'the seeder dialled Transmission').to.equal(true);
  });

  it('libtorrent, aria2 and Transmission leechers together from one seeder', async function () {
    requireTool(this, 'transmission');
    requireTool(this, 'libtorrent');
    requireTool(this, 'aria2');
    const t0 = Date.now();
    const { url, payload, leecher: transmission, out } = await transmissionWaiting();
    const seeder = startSeeder({ payloads: [payload], port: await freePort(), timeoutSec: 100 });
    await waitForStats(url, (s) => s.seeders === 1, 15_000);
    const ltOut = join(tmp.path, 'lt');
    const ariaOut = join(tmp.path, 'aria2');
    const lt = ltPeer({ mode: 'leech', torrent: payload.torrent, savePath: ltOut, port: await freeUdpAndTcpPort(), exitWhenDone: true, timeoutSec: 100 });
    const aria2 = aria2Leecher({ torrent: payload.torrent, dir: ariaOut, port: await freePort(), timeoutSec: 100 });
    await Promise.all([
      transmission.waitForLine(TRANSMISSION_DONE, 60_000),
      lt.waitForLine(LT_DONE, 60_000),
      aria2.waitForLine(ARIA2_DONE, 60_000),
    ]);
    console.log(`      all three done after ${Date.now() - t0} ms`);
    await expectSameTree(payload.content, join(out, payload.name), { nonEmptyOnly: true });
    await expectSameTree(payload.content, join(ltOut, payload.name));
    await expectSameTree(payload.content, join(ariaOut, payload.name));
    await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
    expect(seederStates(seeder).some(dialledTransmission), 'the seeder dialled Transmission').to.equal(true);
  });
});
