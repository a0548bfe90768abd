import dgram from 'node:dgram';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import type { AnnounceParams } from '../../src/protocol/tracker/announceQuery.js';
import { announce } from '../../src/tracker/client/announce.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { BINARY_INFO_HASH, peerIdOf } from '../protocol/tracker/trackerQueries.js';
import { startCliTracker } from '../tracker/client/cliTracker.js';
import { runCli } from './run.js';

const params = (n: number): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: n === 1 ? 0 : 100, event: 'started',
});

describe('rxtorrent tracker --udp / --workers', function () {
  this.timeout(30_000);
  stopAllAfterEach();

  it('--udp serves BEP 15 on the HTTP port number, over the same swarms', async () => {
    const tracker = await startCliTracker({ interval: 42, args: ['--udp'] });
    expect(tracker.udpUrl).to.equal(tracker.url.replace(/^http:/, 'udp:'));
    await firstValueFrom(announce(tracker.udpUrl!, params(1), { localAddress: '127.0.0.6' }));
    const overHttp = await firstValueFrom(announce(tracker.url, params(2)));
    expect(overHttp).to.deep.include({ interval: 42, complete: 1, incomplete: 1, peers: [{ host: '127.0.0.6', port: 7001 }] });
    const overUdp = await firstValueFrom(announce(tracker.udpUrl!, params(3)));
    expect(overUdp.peers).to.have.deep.members([{ host: '127.0.0.6', port: 7001 }, { host: '127.0.0.1', port: 7002 }]);
    const stats = (await (await fetch(tracker.url.replace(/announce$/, 'stats'))).json()) as { announces: number };
    expect(stats.announces).to.equal(3);
    expect(await tracker.process.stop()).to.deep.equal({ code: 0, signal: null });
  });

  it('exits 1 when the UDP port is taken', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      const result = await runCli(['tracker', '--udp', '--port', String(socket.address().port)]);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(/EADDRINUSE/);
    } finally {
      socket.close();
    }
  });

  for (const [what, args, message] of [
    ['--workers 2 without --redis', ['--workers', '2'], /--workers above 1 needs --redis/],
    ['--workers 0', ['--workers', '0', '--redis', 'redis://127.0.0.1:1'], /--workers must be an integer from 1/],
    ['a --redis that is not a redis URL', ['--redis', 'localhost:6379'], /--redis must be a redis:\/\//],
  ] as const) {
    it(`exits 2 on ${what}`, async () => {
      const result = await runCli(['tracker', ...args]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(message);
    });
  }

  it('exits 1 with one line when Redis is unreachable', async () => {
    const result = await runCli(['tracker', '--port', '0', '--redis', 'redis://127.0.0.1:1'], { timeoutMs: 20_000 });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^rxtorrent: ERR_TRACKER_STORE_FAILED: redis sweep failed/m);
  });
});
