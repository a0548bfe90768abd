import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { choosePort, loopbackWarning } from '../../src/cli/peer/listenPlan.js';
import { freePort } from '../helpers/net.js';
import { writePayload } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { CLI, runCli } from './run.js';

describe('where the CLI listens: the next free port, and a word when loopback cannot be reached', function () {
  this.timeout(30_000);
  stopAllAfterEach();
  const tmp = useTempDir();
  let occupier: Server | undefined;
  afterEach(() => occupier?.close());
  const occupy = async (port: number): Promise<void> => {
    occupier = createServer();
    await new Promise<void>((r) => occupier!.listen(port, '127.0.0.1', r));
  };

  it('choosePort: the asked port when free; else the next free one, said in one line', async () => {
    const port = await freePort();
    const said: string[] = [];
    expect(await choosePort('127.0.0.1', port, (l) => said.push(l))).to.equal(port);
    await occupy(port);
    const moved = await choosePort('127.0.0.1', port, (l) => said.push(l));
    expect(moved).to.be.above(port);
    expect(said).to.deep.equal([`rxtorrent: port ${port} on 127.0.0.1 is taken; listening on ${moved} instead`]);
    expect(await choosePort('127.0.0.1', 0, () => undefined)).to.equal(0);
  });

  it('loopbackWarning: only on loopback, only when a tracker or a peer is elsewhere', () => {
    expect(loopbackWarning('127.0.0.8', ['http://127.0.0.1:8000/announce', 'udp://localhost:1/announce'], [{ host: '127.0.0.2', port: 1 }])).to.equal(undefined);
    expect(loopbackWarning('0.0.0.0', ['http://tracker.example/announce'], [])).to.equal(undefined);
    expect(loopbackWarning('127.0.0.8', ['http://tracker.example/announce'], [])).to.match(/^rxtorrent: listening on 127\.0\.0\.8 \(loopback\) while http:\/\/tracker\.example\/announce is off this machine: .*--ip 0\.0\.0\.0/);
    expect(loopbackWarning('127.0.0.8', [], [{ host: '10.0.0.9', port: 6881 }])).to.include('10.0.0.9:6881');
  });

  it('rxtorrent seed on a taken port says so and seeds on the next one', async () => {
    const file = join(tmp.path, 'f.bin');
    await writePayload(file, 100_000, 3);
    const torrent = join(tmp.path, 'f.torrent');
    expect((await runCli(['create', file, '-o', torrent])).code).to.equal(0);
    const port = await freePort();
    await occupy(port);
    const seeder = startProcess(process.execPath, [CLI, 'seed', torrent, '-d', file, '--ip', '127.0.0.1', '-p', String(port)], { timeoutSec: 20, name: 'rxtorrent-seed-port' });
    const [line] = await seeder.waitForLine(new RegExp(`^rxtorrent: port ${port} on 127\\.0\\.0\\.1 is taken; listening on \\d+ instead$`), 10_000);
    expect(line).to.not.equal(undefined);
    await seeder.waitForLine(/ seeding /, 10_000);
  });
});
