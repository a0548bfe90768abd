/**
 * The CLI's DHT on loopback: `rxtorrent seed` of a trackerless torrent and `rxtorrent download` of
 * its bare magnet link meet through a DHT node of the spec's own (`--dht-bootstrap`), each
 * keeping its routing table in `--dht-state`; `demo --dht` runs a swarm with no tracker; a bare
 * magnet link with the DHT off is refused at once, naming `--dht`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatPeerAddress } from '../../src/protocol/peerAddress.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { startDht, type RunningDht } from '../streams/dht/dhtHelpers.js';
import { CLI, runCli } from './run.js';

describe('rxtorrent --dht / --dht-bootstrap / --dht-state (CLI, loopback)', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();
  let router: RunningDht | undefined;
  afterEach(() => router?.stop());

  it('a bare magnet link (no tracker, no peer) with the DHT off: exit 2 at once, naming --dht', async () => {
    const run = await runCli(['download', `magnet:?xt=urn:btih:${'c'.repeat(40)}`, '--ip', '127.0.0.1', '-p', '0']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/names no tracker and no peer: turn the DHT on \(--dht/);
  });

  it('seed of a trackerless torrent, download of its bare magnet link: they meet through the DHT, byte-identical; the leecher saves its routing table', async () => {
    router = await startDht();
    const bootstrap = formatPeerAddress(router.address);
    const file = join(tmp.path, 'content.bin');
    await writePayload(file, 1_500_000, 23);
    const torrent = join(tmp.path, 'content.torrent');
    const created = await runCli(['create', file, '-o', torrent, '--piece-length', '64KiB']);
    expect(created.code, created.stderr).to.equal(0);
    const magnet = /^(magnet:\S+)$/m.exec(created.stdout)![1]!;
    expect(magnet, 'no tracker in it').to.not.include('tr=');
    const seedState = join(tmp.path, 'seed-dht.json');
    const seeder = startProcess(process.execPath, [CLI, 'seed', torrent, '-d', file, '--ip', '127.0.0.1', '-p', '0', '--dht-bootstrap', bootstrap, '--dht-state', seedState], {
      timeoutSec: 60, name: 'rxtorrent-seed-dht',
    });
    await seeder.waitForLine(/ · DHT 1 node, \d+ peers? found/, 20_000);
    const leechState = join(tmp.path, 'leech-dht.json');
    const out = join(tmp.path, 'out');
    const run = await runCli(['download', magnet, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--no-seed', '--dht-bootstrap', bootstrap, '--dht-state', leechState], { timeoutMs: 40_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(await filesIdentical(file, join(out, 'content.bin'))).to.equal(true);
    expect(existsSync(leechState), 'the leecher saved its routing table').to.equal(true);
    const saved = JSON.parse(await readFile(leechState, 'utf8')) as { nodes: { port: number }[] };
    expect(saved.nodes.map((n) => n.port)).to.include(router.address.port);
  });

  it('usage errors: a bad --dht-bootstrap node, --dht-state without a DHT', async () => {
    const cases: [string[], RegExp][] = [
      [['--dht-bootstrap', '127.0.0.1:1,nope'], /invalid --dht-bootstrap node "nope"/],
      [['--dht-state', join(tmp.path, 'x.json')], /--dht-state needs --dht or --dht-bootstrap/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['download', `magnet:?xt=urn:btih:${'c'.repeat(40)}`, '--ip', '127.0.0.1', '-p', '0', ...args]);
      expect([run.code, run.stderr], args.join(' ')).to.satisfy(([code, stderr]: [number, string]) => code === 2 && message.test(stderr));
    }
    for (const command of ['download', 'seed']) expect((await runCli([command, '--help'])).stdout).to.include('--dht-bootstrap <nodes>');
  });

  it('demo --dht: a swarm with no tracker, every copy verified', async () => {
    const run = await runCli(['demo', '--dht', '--leechers', '2', '--size', '2MiB', '--timeout', '40'], { timeoutMs: 50_000 });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/^DHT: +127\.0\.0\.1:\d+ \(the demo's own node; no tracker\)$/m).and.match(/every copy verified/);
    expect(run.stderr).to.not.match(/tracker: /);
  });
});
