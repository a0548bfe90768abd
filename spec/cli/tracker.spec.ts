import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { formatTrackerStatsLine } from '../../src/cli/commands/tracker.js';
import type { AnnounceParams } from '../../src/protocol/tracker/announceQuery.js';
import { announce } from '../../src/tracker/client/announce.js';
import type { TrackerStats } from '../../src/tracker/server/stats.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { BINARY_INFO_HASH, peerIdOf } from '../protocol/tracker/trackerQueries.js';
import { CLI, runCli } from './run.js';

const LISTENING = /^listening on (http:\/\/(\S+):(\d+)\/announce)$/;
const params = (n: number): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: n === 1 ? 0 : 100, event: 'started',
});

describe('rxtorrent tracker', function () {
  this.timeout(30_000);
  stopAllAfterEach();

  it('serves announces on the URL it prints and exits 0 on SIGTERM', async () => {
    const tracker = startProcess(process.execPath, [CLI, 'tracker', '--port', '0', '--host', '127.0.0.5', '--interval', '42'], {
      timeoutSec: 30, name: 'rxtorrent-tracker',
    });
    const [, url, host, port] = await tracker.waitForLine(LISTENING, 15_000);
    expect(host).to.equal('127.0.0.5');
    expect(Number(port)).to.be.within(1, 65535);
    await firstValueFrom(announce(url!, params(1), { localAddress: '127.0.0.6' }));
    const reply = await firstValueFrom(announce(url!, params(2)));
    expect(reply).to.deep.include({ interval: 42, complete: 1, incomplete: 1, peers: [{ host: '127.0.0.6', port: 7001 }] });
    expect(await tracker.stop()).to.deep.equal({ code: 0, signal: null });
    expect(tracker.lines).to.include('rxtorrent tracker: SIGTERM, shutting down');
  });

  it('exits 0 on SIGINT too', async () => {
    const tracker = startProcess(process.execPath, [CLI, 'tracker', '--port', '0'], { timeoutSec: 30, name: 'rxtorrent-tracker' });
    await tracker.waitForLine(LISTENING, 15_000);
    process.kill(tracker.pid, 'SIGINT'); // timeout(1) forwards it to node
    expect(await tracker.exited).to.deep.equal({ code: 0, signal: null });
  });

  for (const [what, args] of [
    ['a port above 65535', ['--port', '70000']],
    ['a non-numeric port', ['--port', 'http']],
    ['a negative port', ['--port', '-1']],
    ['an interval of 0', ['--interval', '0']],
    ['--max-connections 0', ['--max-connections', '0']],
  ] as const) {
    it(`exits 2 on ${what}`, async () => {
      const result = await runCli(['tracker', ...args]);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^rxtorrent: ERR_USAGE: |error: /m);
    });
  }

  it('exits 1 when the port is taken', async () => {
    const first = startProcess(process.execPath, [CLI, 'tracker', '--port', '0'], { timeoutSec: 30, name: 'rxtorrent-tracker' });
    const [, , , port] = await first.waitForLine(LISTENING, 15_000);
    const second = await runCli(['tracker', '--port', port!]);
    expect(second.code).to.equal(1);
    expect(second.stderr).to.match(/EADDRINUSE/);
  });

  it('formats the once-a-minute summary line', () => {
    const stats = (announces: number): TrackerStats => ({
      swarms: 3, seeders: 4, leechers: 9, announces, scrapes: 0, failures: 0, uptimeSeconds: 60,
    });
    expect(formatTrackerStatsLine(undefined, stats(750), 60_000)).to.equal('12.50 announces/s, 3 swarms, 4 seeders, 9 leechers');
    expect(formatTrackerStatsLine(stats(750), stats(810), 60_000)).to.match(/^1\.00 announces\/s/);
    const one: TrackerStats = { swarms: 1, seeders: 1, leechers: 1, announces: 0, scrapes: 0, failures: 0, uptimeSeconds: 60 };
    expect(formatTrackerStatsLine(undefined, one, 60_000)).to.equal('0.00 announces/s, 1 swarm, 1 seeder, 1 leecher');
  });
});
