import { expect } from 'chai';
import { join } from 'node:path';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { CLI, runCli } from '../cli/run.js';
import { seederStates } from '../interop/seedHelpers.js';
import { sha1File, writePayload } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach, type ProcessHandle } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { startCliTracker } from '../tracker/client/cliTracker.js';

const MiB = 1024 * 1024;
const SIZE = 256 * MiB;
const LEECHERS = 8;
/** The seeder's cap: one copy takes it 8 s, so the leechers finish sooner only by trading. */
const SEEDER_RATE = '32MiB';
/** Everything, from the first process started to the last copy verified. */
const SWARM_TIMEOUT_MS = 300_000;

/** A `--json` state line once the content is complete (matched on the raw line: cheap for 9 processes). */
const SEEDING = /"status":"seeding"/;

/** `node dist/cli/main.js <args> --ip 127.0.0.1 -p 0 --json` under a hard time limit. */
function rxtorrent(name: string, args: readonly string[]): ProcessHandle {
  const network = ['--ip', '127.0.0.1', '-p', '0', '--json'];
  return startProcess(process.execPath, [CLI, ...args, ...network], { timeoutSec: SWARM_TIMEOUT_MS / 1000 + 30, name, maxLines: 2000 });
}

/** Its last `--json` state (printed once a second, and once more when it stops). */
function lastState(p: ProcessHandle): SessionState | undefined {
  return seederStates(p).at(-1);
}

describe('heavy: a swarm of rxtorrent processes (1 capped seeder, 8 leechers, one tracker)', function () {
  this.timeout(SWARM_TIMEOUT_MS + 120_000);
  stopAllAfterEach();
  const tmp = useTempDir({ prefix: 'rxtorrent-swarm-' });

  it('256 MiB: every leecher completes and verifies; the seeder uploads at most 2.5 × the file', async function () {
    const payload = join(tmp.path, 'seed', 'swarm.bin');
    await writePayload(payload, SIZE, 'swarm');
    const expected = await sha1File(payload);
    const tracker = await startCliTracker({ interval: 5, timeoutSec: SWARM_TIMEOUT_MS / 1000 + 30 });
    const torrent = join(tmp.path, 'swarm.torrent');
    const created = await runCli(['create', payload, '-t', tracker.url, '-o', torrent, '--piece-length', '256KiB'], { timeoutMs: 120_000 });
    expect(created.code, created.stderr).to.equal(0);

    const started = Date.now();
    const seeder = rxtorrent('seeder', ['seed', torrent, '-d', payload, '--upload-rate', SEEDER_RATE]);
    await seeder.waitForLine(SEEDING, 60_000);
    const leechers = Array.from({ length: LEECHERS }, (_, i) =>
      rxtorrent(`leecher-${i + 1}`, ['download', torrent, '-o', join(tmp.path, `leecher${i + 1}`)]),
    );
    // Each keeps seeding once complete (as real leechers do), so late finishers can still trade.
    await Promise.all(leechers.map((l) => l.waitForLine(SEEDING, SWARM_TIMEOUT_MS - (Date.now() - started))));
    const seconds = (Date.now() - started) / 1000;

    await seeder.stop(10_000);
    const seeded = lastState(seeder)?.uploaded ?? NaN;
    await Promise.all(leechers.map((l) => l.stop(10_000)));
    const traded = leechers.reduce((sum, l) => sum + (lastState(l)?.uploaded ?? 0), 0);
    console.log(
      `      ${LEECHERS} copies in ${seconds.toFixed(1)} s; seeder uploaded ${(seeded / MiB).toFixed(1)} MiB ` +
        `(${(seeded / SIZE).toFixed(2)} × the file); leechers traded ${(traded / MiB).toFixed(1)} MiB`,
    );
    for (let i = 0; i < LEECHERS; i++) {
      expect(await sha1File(join(tmp.path, `leecher${i + 1}`, 'swarm.bin')), `leecher ${i + 1}`).to.equal(expected);
    }
    expect(seeded).to.be.at.most(2.5 * SIZE);
    // What the leechers received beyond the seeder's share came from each other.
    expect(traded).to.be.at.least(LEECHERS * SIZE - seeded - 4 * MiB);
    await tracker.process.stop();
  });
});
