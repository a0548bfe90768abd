/**
 * `rxtorrent tracker --workers N --redis URL` under a worker crash: the primary replaces the dead
 * worker, the swarm (in Redis) survives, and the ports keep answering throughout.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import type { AnnounceParams } from '../../src/protocol/tracker/announceQuery.js';
import { announce } from '../../src/tracker/client/announce.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { requireTool } from '../helpers/tools.js';
import { BINARY_INFO_HASH, peerIdOf } from '../protocol/tracker/trackerQueries.js';
import { startCliTracker } from '../tracker/client/cliTracker.js';
import { startRedis } from '../tracker/store/redisServer.js';
import type { RedisServer } from '../tracker/store/redisServer.js';

const params = (n: number): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: 100, event: 'started',
});

/** Pids of the direct children of `pid`. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('heavy: tracker workers', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  let redis: RedisServer | undefined;
  before(async function () {
    requireTool(this, 'redis');
    redis = await startRedis(120);
  });
  after(async () => redis?.stop());

  it('replaces a killed worker and keeps every peer', async () => {
    const tracker = await startCliTracker({ interval: 60, args: ['--udp', '--redis', redis!.url, '--workers', '3'], timeoutSec: 50 });
    const [primary] = childrenOf(tracker.process.pid);
    const workers = childrenOf(primary!);
    expect(workers).to.have.length(3);
    for (let n = 1; n <= 4; n++) await firstValueFrom(announce(n % 2 === 0 ? tracker.udpUrl! : tracker.url, params(n)));

    process.kill(workers[0]!, 'SIGKILL');
    await tracker.process.waitForLine(/^rxtorrent tracker: worker \d+ exited \(signal SIGKILL\), starting another$/, 10_000);
    for (let i = 0; i < 100 && childrenOf(primary!).length !== 3; i++) await new Promise((r) => setTimeout(r, 100));
    const now = childrenOf(primary!);
    expect(now).to.have.length(3);
    expect(now).to.not.include(workers[0]);

    // Every announce, whichever worker takes it, sees the four earlier peers.
    for (let n = 5; n <= 12; n++) {
      const reply = await firstValueFrom(announce(n % 2 === 0 ? tracker.udpUrl! : tracker.url, params(n)));
      expect(reply.incomplete).to.equal(n);
    }
    expect(await tracker.process.stop()).to.deep.equal({ code: 0, signal: null });
    expect(childrenOf(primary!)).to.deep.equal([]);
  });
});
