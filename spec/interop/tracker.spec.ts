/**
 * Real clients and `rxtorrent tracker`, and our tracker client against opentracker.
 * Transmission (slow to start and rechoke) lives in spec/heavy/tracker-transmission.spec.ts.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { TrackerError } from '../../src/errors.js';
import type { AnnounceParams } from '../../src/protocol/tracker/announceQuery.js';
import { announce } from '../../src/tracker/client/announce.js';
import { ARIA2_DONE, aria2Leecher, LT_READY, ltCreate, ltPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, payloadBytes, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { startOpentracker } from '../helpers/opentracker.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { BINARY_INFO_HASH } from '../protocol/tracker/trackerQueries.js';
import { startCliTracker, waitForStats } from '../tracker/client/cliTracker.js';

const PAYLOAD_BYTES = 8 << 20;

describe('interop: trackers', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir({ mode: 0o755 });

  it('libtorrent seeder and aria2 leecher find each other through rxtorrent tracker', async function () {
    requireTool(this, 'libtorrent');
    requireTool(this, 'aria2');
    const tracker = await startCliTracker({ interval: 5 });
    const seedDir = join(tmp.path, 'seed');
    const leechDir = join(tmp.path, 'leech');
    await writePayload(join(seedDir, 'payload.bin'), PAYLOAD_BYTES, 'tracker-interop');
    const torrent = join(tmp.path, 'payload.torrent');
    await ltCreate({ path: join(seedDir, 'payload.bin'), out: torrent, tracker: tracker.url, v1Only: true });

    const seeder = ltPeer({ mode: 'seed', torrent, savePath: seedDir, port: await freeUdpAndTcpPort(), timeoutSec: 60 });
    await seeder.waitForLine(LT_READY, 20_000);
    await waitForStats(tracker.url, (s) => s.seeders === 1, 20_000);

    const leecher = aria2Leecher({ torrent, dir: leechDir, port: await freePort(), timeoutSec: 60 });
    await leecher.waitForLine(ARIA2_DONE, 45_000);
    expect(await filesIdentical(join(seedDir, 'payload.bin'), join(leechDir, 'payload.bin'))).to.equal(true);
    expect(seeder.lines.some((l) => /^TRACKER reply peers=\d+ /.test(l))).to.equal(true);
    expect(await tracker.process.stop()).to.deep.equal({ code: 0, signal: null });
  });

  describe('our client against opentracker', () => {
    /** Bytes ≥ 0x80, a space, `+`, `%`, `&`, `=` and a NUL: opentracker must get them all back. */
    const infoHash = BINARY_INFO_HASH;
    let url: string;

    beforeEach(async function () {
      requireTool(this, 'opentracker');
      url = `http://127.0.0.1:${await startOpentracker(tmp.path, infoHash, 60)}/announce`;
    });

    const params = (n: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
      infoHash, peerId: payloadBytes(20, `peer-${n}`), port: 7000 + n, uploaded: 0, downloaded: 0, left: 100, event: 'started', ...extra,
    });

    it('hands each of two announced peers the other (binary hash, localAddress honoured)', async () => {
      const first = await firstValueFrom(announce(url, params(1), { localAddress: '127.0.0.11' }));
      expect(first.interval).to.be.above(0);
      // opentracker hands a peer its own address too.
      expect(first.peers).to.deep.equal([{ host: '127.0.0.11', port: 7001 }]);
      const second = await firstValueFrom(announce(url, params(2, { left: 0 }), { localAddress: '127.0.0.12' }));
      expect(second.peers).to.deep.include({ host: '127.0.0.11', port: 7001 });
      expect(second).to.include({ complete: 1, incomplete: 1 });
      const again = await firstValueFrom(announce(url, params(1, { event: 'none' }), { localAddress: '127.0.0.11' }));
      expect(again.peers).to.deep.include({ host: '127.0.0.12', port: 7002 });
    });

    it('refuses a hash that is not whitelisted with ERR_TRACKER_FAILURE_REASON', async () => {
      const err = await lastValueFrom(announce(url, { ...params(1), infoHash: new Uint8Array(20).fill(0x20) })).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(TrackerError).and.include({ code: 'ERR_TRACKER_FAILURE_REASON' });
      expect((err as Error).message).to.match(/not authorized/);
    });
  });
});
