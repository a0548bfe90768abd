import { expect } from 'chai';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { DashboardState } from '../../src/ui/dashboardState.js';
import { freePort } from '../helpers/net.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { openSse } from '../ui/sseClient.js';
import { CLI, runCli } from './run.js';
import { leecherArgs, makeSeededTorrent } from './swarmFixture.js';

const DASHBOARD_LINE = /^dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/)$/;

describe('rxtorrent --dashboard[=PORT] (download, seed, demo)', function () {
  this.timeout(90_000);
  const tmp = useTempDir({ prefix: 'rxt-dash-' });
  stopAllAfterEach();

  it('seed --dashboard=PORT serves the page and the seeding state on that loopback port', async () => {
    const port = await freePort();
    const fixture = await makeSeededTorrent(tmp.path, ['--json', `--dashboard=${port}`]);
    const [, url, printed] = await fixture.seeder.waitForLine(DASHBOARD_LINE, 10_000);
    expect(Number(printed)).to.equal(port);
    const page = await fetch(url as string);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include('<canvas id="rates"');
    const events = await openSse(new URL('events', url).href);
    const state = await events.waitFor((s: DashboardState) => s.sessions[0]?.status === 'seeding');
    expect(state.sessions[0]).to.include({ name: 'a.bin', progress: 1 });
    expect(state.progress).to.equal(1);
    events.close();
    // Stopping the command closes the dashboard too: the process exits on its own.
    const exit = await fixture.seeder.stop();
    expect(exit.code).to.equal(0);
    await fetch(url as string).then(() => expect.fail('still serving'), () => undefined);
  });

  it('download --dashboard picks a free port, streams the download to 100 %, and exits when done', async () => {
    const fixture = await makeSeededTorrent(tmp.path);
    const leecher = startProcess(process.execPath, [CLI, ...leecherArgs(fixture, join(tmp.path, 'out')), '--dashboard'], { timeoutSec: 60, name: 'leecher' });
    const [, url] = await leecher.waitForLine(DASHBOARD_LINE, 10_000);
    const events = await openSse(new URL('events', url).href);
    const mid = await events.waitFor((s: DashboardState) => s.sessions[0]?.status === 'downloading' && s.peers === 1);
    expect(mid.sessions[0]?.peers[0]?.client).to.equal('rxtorrent 0.1.0');
    const done = await events.waitFor((s: DashboardState) => s.progress === 1);
    expect(done.sessions[0]?.pieceMap).to.match(/^h+$/);
    const exit = await leecher.exited;
    expect(exit.code, leecher.tail()).to.equal(0);
    await events.ended;
  });

  it('refuses a --dashboard value that is not a port (usage error, exit 2)', async () => {
    const run = await runCli(['download', 'x.torrent', '--dashboard=abc']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/invalid --dashboard port "abc"/);
  });

  it('demo --dashboard streams every child\'s session and the tracker\'s stats, keeps seeding, and cleans up on SIGTERM', async () => {
    const demo = startProcess(process.execPath, [CLI, 'demo', '--leechers', '2', '--size', '4MiB', '--dashboard'], { timeoutSec: 80, name: 'demo' });
    const [, dir] = await demo.waitForLine(/^demo: 2 leechers share 4\.0 MiB in (\S+)$/, 10_000);
    const [, url] = await demo.waitForLine(DASHBOARD_LINE, 20_000);
    const events = await openSse(new URL('events', url).href);
    const all = await events.waitFor((s: DashboardState) => s.sessions.length === 3 && s.tracker !== undefined);
    expect(all.sessions.map((s) => s.name).sort()).to.deep.equal(['leecher 1 · demo.bin', 'leecher 2 · demo.bin', 'seeder · demo.bin']);
    const finished = await events.waitFor((s: DashboardState) => s.sessions.length === 3 && s.sessions.every((x) => x.status === 'seeding'), 60_000);
    expect(finished.progress).to.equal(1);
    expect(finished.tracker?.swarms).to.equal(1);
    await demo.waitForLine(/every copy verified/, 10_000);
    await demo.waitForLine(/the swarm keeps seeding; dashboard at http/, 10_000);
    const exit = await demo.stop(10_000);
    expect(exit.code, demo.tail()).to.equal(0);
    await events.ended;
    await access(dir as string).then(() => expect.fail(`${dir} is still there`), () => undefined);
  });
});
