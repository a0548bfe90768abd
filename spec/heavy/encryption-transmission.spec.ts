/**
 * Transmission with encryption required (`"encryption": 2`), both directions, byte-identical:
 * `rxtorrent seed --encryption require` dials a Transmission leecher the tracker lists (it never
 * dials 127.x itself), and `download(…, { encryption: 'require' })` dials a Transmission seeder.
 * Transmission's start-up, announce and ~10 s rechoke make these slow, hence spec/heavy.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { lastValueFrom, timeout } from 'rxjs';
import { readTorrent } from '../../src/streams/readTorrent.js';
import { download } from '../../src/streams/download.js';
import { TRANSMISSION_DONE, TRANSMISSION_SEEDING, transmissionPeer } from '../helpers/clients.js';
import { freePort } from '../helpers/net.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { expectSameTree, makeSeedPayload, SEED_TREE_BYTES, startSeeder, waitForState } from '../interop/seedHelpers.js';
import { startCliTracker, waitForStats } from '../tracker/client/cliTracker.js';

const REQUIRED = { encryption: 2 };

describe('heavy interop: encryption required with Transmission', function () {
  this.timeout(120_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('rxtorrent seeds (require) to a Transmission leecher (required), byte-identical', async function () {
    requireTool(this, 'transmission');
    const tracker = await startCliTracker({ interval: 2, timeoutSec: 110 });
    const payload = await makeSeedPayload({ dir: tmp.path, name: 'tree', tracker: tracker.url });
    const out = join(tmp.path, 'transmission');
    const leecher = await transmissionPeer({ torrent: payload.torrent, dir: out, port: await freePort(), role: 'leech', timeoutSec: 100, settings: REQUIRED });
    await waitForStats(tracker.url, (s) => s.leechers === 1, 30_000);
    const seeder = startSeeder({ payloads: [payload], port: await freePort(), timeoutSec: 100, extraArgs: ['--encryption', 'require'] });
    await leecher.waitForLine(TRANSMISSION_DONE, 60_000);
    await expectSameTree(payload.content, join(out, payload.name), { nonEmptyOnly: true });
    await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
  });

  it('rxtorrent downloads (require) from a Transmission seeder (required), byte-identical', async function () {
    requireTool(this, 'transmission');
    const payload = await makeSeedPayload({ dir: tmp.path, name: 'tree' });
    const port = await freePort();
    const seeder = await transmissionPeer({ torrent: payload.torrent, dir: payload.parent, port, role: 'seed', timeoutSec: 100, settings: REQUIRED });
    await seeder.waitForLine(TRANSMISSION_SEEDING, 60_000);
    const out = join(tmp.path, 'out');
    const torrent = await readTorrent(payload.torrent);
    const final = await lastValueFrom(
      download(torrent, { dir: out, host: '127.0.0.1', port: 0, peers: [{ host: '127.0.0.1', port }], seed: false, encryption: 'require' }).pipe(timeout(90_000)),
    );
    expect(final.status).to.equal('done');
    await expectSameTree(payload.content, join(out, payload.name));
  });
});
