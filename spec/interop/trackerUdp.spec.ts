/**
 * UDP trackers (BEP 15) with real programs: two libtorrents that know only our UDP tracker, and
 * our UDP client against opentracker. (aria2 cannot use a UDP-only tracker with DHT off.)
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import type { AnnounceParams } from '../../src/protocol/tracker/announceQuery.js';
import { announce } from '../../src/tracker/client/announce.js';
import { LT_DONE, LT_READY, ltCreate, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, payloadBytes, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { startOpentracker } from '../helpers/opentracker.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { BINARY_INFO_HASH } from '../protocol/tracker/trackerQueries.js';
import { startCliTracker, waitForStats } from '../tracker/client/cliTracker.js';

const PAYLOAD_BYTES = 8 << 20;

describe('interop: UDP trackers (BEP 15)', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir({ mode: 0o755 });

  it('a libtorrent seeder and a libtorrent leecher find each other through our UDP tracker only', async function () {
    requireTool(this, 'libtorrent');
    const tracker = await startCliTracker({ interval: 5, args: ['--udp'], timeoutSec: 60 });
    const seedDir = join(tmp.path, 'seed');
    const leechDir = join(tmp.path, 'leech');
    await writePayload(join(seedDir, 'payload.bin'), PAYLOAD_BYTES, 'udp-tracker-interop');
    const torrent = join(tmp.path, 'payload.torrent');
    await ltCreate({ path: join(seedDir, 'payload.bin'), out: torrent, tracker: tracker.udpUrl!, v1Only: true });

    const seeder = ltPeer({ mode: 'seed', torrent, savePath: seedDir, port: await freeUdpAndTcpPort(), timeoutSec: 50 });
    await seeder.waitForLine(LT_READY, 20_000);
    // The HTTP side shares the swarm: the seeder's UDP announce shows in /stats.
    await waitForStats(tracker.url, (s) => s.seeders === 1, 20_000);

    const leecher = ltPeer({ mode: 'leech', torrent, savePath: leechDir, port: await freeUdpAndTcpPort(), exitWhenDone: true, timeoutSec: 40 });
    await leecher.waitForLine(LT_DONE, 30_000);
    expect(await filesIdentical(join(seedDir, 'payload.bin'), join(leechDir, 'payload.bin'))).to.equal(true);
    const udpReply = new RegExp(`^TRACKER reply peers=1 ${tracker.udpUrl!.replace(/[.]/g, '\\.')}$`);
    expect(leecher.lines.some((l) => udpReply.test(l)), leecher.tail()).to.equal(true);
    expect(await tracker.process.stop()).to.deep.equal({ code: 0, signal: null });
  });

  describe('our UDP client against opentracker', () => {
    const infoHash = BINARY_INFO_HASH;
    let udpUrl: string;
    const params = (n: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
      infoHash, peerId: payloadBytes(20, `udp-peer-${n}`), port: 7000 + n, uploaded: 0, downloaded: 0, left: 100, event: 'started', ...extra,
    });

    beforeEach(async function () {
      requireTool(this, 'opentracker');
      udpUrl = `udp://127.0.0.1:${await startOpentracker(tmp.path, infoHash, 50)}/announce`;
    });

    it('announces over UDP from our own addresses and gets the other peer back', async () => {
      const first = await firstValueFrom(announce(udpUrl, params(1), { localAddress: '127.0.0.11' }));
      expect(first.interval).to.be.above(0);
      const second = await firstValueFrom(announce(udpUrl, params(2, { left: 0 }), { localAddress: '127.0.0.12' }));
      expect(second.peers).to.deep.include({ host: '127.0.0.11', port: 7001 });
      expect(second).to.include({ complete: 1, incomplete: 1 });
      const again = await firstValueFrom(announce(udpUrl, params(1, { event: 'none' }), { localAddress: '127.0.0.11' }));
      expect(again.peers).to.deep.include({ host: '127.0.0.12', port: 7002 });
    });
  });
});
