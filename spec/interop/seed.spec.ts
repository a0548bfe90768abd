/**
 * rxtorrent seeds to real clients: `rxtorrent seed` (the built CLI) serves a multi-file torrent
 * made by `rxtorrent create` to libtorrent and aria2 leechers, which find it through
 * `rxtorrent tracker`. Transmission (slow to start and announce) is in
 * spec/heavy/seed-transmission.spec.ts.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { ARIA2_DONE, aria2Leecher, LT_DONE, LT_PROGRESS, ltPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { stopAllAfterEach, type ProcessHandle } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { startCliTracker, waitForStats, type CliTracker } from '../tracker/client/cliTracker.js';
import { expectSameTree, makeSeedPayload, SEED_TREE_BYTES, seederStates, startSeeder, waitForState, type SeedPayload } from './seedHelpers.js';

/** The interval the tracker hands out (the seeder still keeps its own 30 s minimum between announces). */
const INTERVAL_SEC = 2;

describe('interop: rxtorrent seeds to real clients', function () {
  this.timeout(30_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** A tracker, a payload whose torrent announces to it, and `rxtorrent seed` on it, announced. */
  async function seeding(uploadRate?: string): Promise<{ tracker: CliTracker; payload: SeedPayload; seeder: ProcessHandle }> {
    const tracker = await startCliTracker({ interval: INTERVAL_SEC, timeoutSec: 60 });
    const payload = await makeSeedPayload({ dir: tmp.path, name: 'tree', tracker: tracker.url });
    const seeder = startSeeder({ payloads: [payload], port: await freePort(), uploadRate });
    await waitForStats(tracker.url, (s) => s.seeders === 1, 15_000);
    return { tracker, payload, seeder };
  }

  it('a libtorrent leecher downloads a multi-file torrent byte-identical; the seeder reports the upload', async function () {
    requireTool(this, 'libtorrent');
    const { payload, seeder } = await seeding();
    const out = join(tmp.path, 'lt');
    const leecher = ltPeer({ mode: 'leech', torrent: payload.torrent, savePath: out, port: await freeUdpAndTcpPort(), exitWhenDone: true, timeoutSec: 30 });
    await leecher.waitForLine(LT_DONE, 15_000);
    await expectSameTree(payload.content, join(out, payload.name));
    const state = await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
    expect(state.status).to.equal('seeding');
  });

  it('an aria2 leecher finds it through the tracker and downloads byte-identical', async function () {
    requireTool(this, 'aria2');
    const { payload, seeder } = await seeding();
    const out = join(tmp.path, 'aria2');
    const leecher = aria2Leecher({ torrent: payload.torrent, dir: out, port: await freePort(), timeoutSec: 30 });
    await leecher.waitForLine(ARIA2_DONE, 15_000);
    await expectSameTree(payload.content, join(out, payload.name));
    await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
  });

  it('a libtorrent and an aria2 leecher together from one seeder', async function () {
    requireTool(this, 'libtorrent');
    requireTool(this, 'aria2');
    // Served at 1 MiB/s, each download takes seconds, so the two overlap.
    const { payload, seeder } = await seeding('1MiB');
    const ltOut = join(tmp.path, 'lt');
    const ariaOut = join(tmp.path, 'aria2');
    // aria2 first: it is the slower one to start and announce.
    const aria2 = aria2Leecher({ torrent: payload.torrent, dir: ariaOut, port: await freePort(), timeoutSec: 30 });
    await waitForState(seeder, (s) => s.peers.some((p) => p.client?.startsWith('aria2') === true && p.uploaded > 0), 10_000);
    const lt = ltPeer({ mode: 'leech', torrent: payload.torrent, savePath: ltOut, port: await freeUdpAndTcpPort(), exitWhenDone: true, timeoutSec: 30 });
    await Promise.all([lt.waitForLine(LT_DONE, 15_000), aria2.waitForLine(ARIA2_DONE, 15_000)]);
    await expectSameTree(payload.content, join(ltOut, payload.name));
    await expectSameTree(payload.content, join(ariaOut, payload.name));
    const both = (s: SessionState): boolean => ['aria2', 'libtorrent'].every((c) => s.peers.some((p) => p.client?.startsWith(c) === true));
    expect(seederStates(seeder).some(both), 'both leechers connected to the seeder at once').to.equal(true);
    // The leechers also trade with each other, so together they need at least one copy from us.
    await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
  });

  it('one seed process serves two torrents on one port (--dir), a libtorrent leecher of each', async function () {
    requireTool(this, 'libtorrent');
    const tracker = await startCliTracker({ interval: INTERVAL_SEC, timeoutSec: 60 });
    const payloads = [
      await makeSeedPayload({ dir: tmp.path, name: 'one', tracker: tracker.url }),
      await makeSeedPayload({ dir: tmp.path, name: 'two', tracker: tracker.url }),
    ];
    expect(payloads[0]!.infoHash).to.not.equal(payloads[1]!.infoHash);
    const seeder = startSeeder({ payloads, port: await freePort() });
    await waitForStats(tracker.url, (s) => s.swarms === 2 && s.seeders === 2, 15_000);
    const leechers = await Promise.all(
      payloads.map(async (p) => ({
        p,
        out: join(tmp.path, `lt-${p.name}`),
        process: ltPeer({ mode: 'leech', torrent: p.torrent, savePath: join(tmp.path, `lt-${p.name}`), port: await freeUdpAndTcpPort(), exitWhenDone: true, timeoutSec: 30, name: `lt-leech-${p.name}` }),
      })),
    );
    await Promise.all(leechers.map((l) => l.process.waitForLine(LT_DONE, 20_000)));
    for (const { p, out } of leechers) {
      await expectSameTree(p.content, join(out, p.name));
      await waitForState(seeder, (s) => s.infoHash === p.infoHash && s.uploaded >= SEED_TREE_BYTES, 5_000);
    }
  });

  it('over --max-peers 1 a second inbound peer is refused while the first completes', async function () {
    requireTool(this, 'libtorrent');
    // Trackerless, so the second leecher can get the data from nowhere but us.
    const payload = await makeSeedPayload({ dir: tmp.path, name: 'tree' });
    const port = await freePort();
    // Served at 1 MiB/s, the first leecher holds the only slot for ~4 s.
    const seeder = startSeeder({ payloads: [payload], port, maxPeers: 1, uploadRate: '1MiB' });
    await waitForState(seeder, (s) => s.status === 'seeding', 10_000);
    const peers = [`127.0.0.1:${port}`];
    const leech = async (name: string): Promise<ProcessHandle> =>
      ltPeer({ mode: 'leech', torrent: payload.torrent, savePath: join(tmp.path, name), port: await freeUdpAndTcpPort(), peers, exitWhenDone: true, timeoutSec: 30, name });
    const first = await leech('first');
    await first.waitForLine(/^PROGRESS 0\.(?!0000)\d+ /, 10_000);
    const second = await leech('second');
    await first.waitForLine(LT_DONE, 15_000);
    const progressOf = (line: string): number => Number(LT_PROGRESS.exec(line)?.[1] ?? 0);
    const secondBefore = [...second.lines];
    expect(secondBefore.filter((l) => LT_PROGRESS.test(l)).length, 'second leecher ran meanwhile').to.be.above(1);
    expect(Math.max(...secondBefore.map(progressOf)), 'second leecher got data while the first held the slot').to.equal(0);
    // libtorrent saw its connection to us closed (we refused it), not merely never made.
    expect(secondBefore.some((l) => l.startsWith(`PEER disconnect 127.0.0.1:${port} `)), 'second leecher was refused').to.equal(true);
    await expectSameTree(payload.content, join(tmp.path, 'first', payload.name));
    // Once the first leaves, the slot is free: the second gets in on its next dial and completes.
    await second.waitForLine(LT_DONE, 15_000);
    await expectSameTree(payload.content, join(tmp.path, 'second', payload.name));
    const most = Math.max(...seederStates(seeder).map((s) => s.peers.length));
    expect(most, 'peers the seeder held at once').to.equal(1);
  });
});
