/**
 * A hybrid torrent (BEP 52) seeded by rxtorrent to both of its swarms at once, through one tracker
 * that saw us announce both hashes: a libtorrent leecher that knows only the v1 hash (a `btih`
 * magnet) and one that knows only the truncated v2 hash (a `btmh` magnet).
 *
 * aria2 1.36 and Transmission 3.00, the v1-only clients at hand, cannot take part: aria2 computes
 * a wrong v1 hash for any hybrid info dict (libtorrent's as well as ours; it re-encodes the dict,
 * even after fetching it by a `btih` magnet), and Transmission refuses to parse one.
 */
import { expect } from 'chai';
import { lastValueFrom, type Subscription } from 'rxjs';
import { join } from 'node:path';
import { seed } from '../../src/index.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { LT_DONE, ltPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { makeTree } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { until } from '../helpers/until.js';
import { startCliTracker, waitForStats } from '../tracker/client/cliTracker.js';
import { expectSameTree, SEED_TREE, SEED_TREE_BYTES } from './seedHelpers.js';

describe('interop: a hybrid torrent seeded in both its swarms at once, byte-identical', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();
  let seeder: Subscription | undefined;
  afterEach(() => seeder?.unsubscribe());

  it('announces the v1 and the truncated v2 hash; a v1-magnet and a v2-magnet libtorrent leecher both download from us', async function () {
    requireTool(this, 'libtorrent');
    const tracker = await startCliTracker({ interval: 2, timeoutSec: 80 });
    const content = join(tmp.path, 'content', 'tree');
    await makeTree(content, SEED_TREE, 'hybrid-swarm');
    const done = await lastValueFrom(createTorrent(content, { version: 'hybrid', pieceLength: 32 * 1024, trackers: [tracker.url] }));
    if (done.type !== 'done') throw new Error('no torrent');
    let last: SessionState | undefined;
    let both = false;
    // Served at 1 MiB/s, each download takes seconds, so the two overlap.
    seeder = seed(done.torrent, { path: content, host: '127.0.0.1', port: await freePort(), uploadRate: 1024 * 1024 }).subscribe((s) => {
      last = s;
      both ||= s.peers.filter((p) => p.client?.startsWith('libtorrent') === true).length >= 2;
    });
    // Two swarms on the tracker, each with us as its seeder.
    await waitForStats(tracker.url, (s) => s.swarms === 2 && s.seeders === 2, 15_000);
    // Each leecher knows one hash only: it can find us, and handshake, only in that swarm.
    const leecher = async (name: string, xt: string) => ltPeer({
      mode: 'leech', magnet: `magnet:?xt=${xt}&tr=${encodeURIComponent(tracker.url)}`, savePath: join(tmp.path, name),
      port: await freeUdpAndTcpPort(), exitWhenDone: true, timeoutSec: 40, name,
    });
    const v1 = await leecher('lt-v1', `urn:btih:${done.torrent.infoHash}`);
    const v2 = await leecher('lt-v2', `urn:btmh:1220${done.torrent.infoHashV2!}`);
    await Promise.all([v1.waitForLine(LT_DONE, 30_000), v2.waitForLine(LT_DONE, 30_000)]);
    await expectSameTree(content, join(tmp.path, 'lt-v1', 'tree'));
    await expectSameTree(content, join(tmp.path, 'lt-v2', 'tree'));
    expect(both, 'both leechers connected to us at once').to.equal(true);
    await until(() => (last?.uploaded ?? 0) >= SEED_TREE_BYTES, 5000, 'the seeder uploaded at least one copy');
  });
});
