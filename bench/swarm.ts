/**
 * `npm run bench:swarm`: a swarm on loopback — 1 seeder and 8 leechers, each its own process,
 * one rxtorrent tracker — sharing a 256 MiB file, all-rxtorrent and then all-libtorrent in the same
 * run. Measured: the time from starting the leechers until every one of them has the whole file
 * (each keeps seeding once done, as real leechers do), and the seeder's upload ratio (bytes it
 * uploaded / file size: the rest the leechers traded among themselves). Each swarm gets a fresh
 * tracker and torrent. Seeders are uncapped (libtorrent ignores its own rate limits on loopback);
 * `BENCH_RX_SEEDER_RATE=32MiB` caps the rxtorrent seeder as `spec/heavy/swarm.spec.ts` does.
 * `BENCH_SIZE_MIB`, `BENCH_LEECHERS`, `BENCH_ROUNDS` (1) and `BENCH_SWARMS` (`rxtorrent,libtorrent`)
 * change the shape.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackground, type Background } from './lib/background.js';
import { freePort, LT_DONE, LT_ENV, LT_READY, LT_UPLOADED, ltArgs, PYTHON, RX_SEEDING, RXTORRENT, RXTORRENT_BASELINE, rxArgs, startTracker, createTorrentFile } from './lib/btClients.js';
import { printTable } from './lib/measure.js';
import { loadAverages, sha1File, writePayload } from './lib/payload.js';

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 256);
const LEECHERS = Number(process.env.BENCH_LEECHERS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const RX_SEEDER_RATE = process.env.BENCH_RX_SEEDER_RATE;
const KINDS = (process.env.BENCH_SWARMS ?? 'rxtorrent,libtorrent').split(',') as Kind[];
const SWARM_TIMEOUT_SEC = 600;
const NAME = 'swarm.bin';

/** `rxtorrent-base`: every process runs the build named by `BENCH_RXTORRENT_BASELINE`. */
type Kind = 'rxtorrent' | 'rxtorrent-base' | 'libtorrent';

/** One swarm's outcome. */
interface SwarmRun {
  readonly kind: Kind;
  /** Leechers started → the last one complete. */
  readonly seconds: number;
  /** The first leecher to complete. */
  readonly firstSeconds: number;
  readonly seederUploaded: number;
}


const load = loadAverages;

/** The last `--json` state's `uploaded` of an rxtorrent process (it prints one more when stopped). */
function rxUploaded(p: Background): number {
  const last = p.lines.filter((l) => l.startsWith('{')).at(-1);
  return last === undefined ? NaN : (JSON.parse(last) as { uploaded: number }).uploaded;
}

/** The last `uploaded=` of the libtorrent driver's once-a-second status line. */
function ltUploaded(p: Background): number {
  const last = p.lines.map((l) => LT_UPLOADED.exec(l)).filter((m) => m !== null).at(-1);
  return last === undefined ? NaN : Number(last[1]);
}

async function runSwarm(kind: Kind, dir: string, payload: string, expected: string): Promise<SwarmRun> {
  const work = join(dir, kind);
  await mkdir(work);
  const processes: Background[] = [];
  try {
    const tracker = await startTracker(5, SWARM_TIMEOUT_SEC + 60);
    processes.push(tracker.process);
    const torrent = join(work, `${kind}.torrent`);
    await createTorrentFile(payload, tracker.url, torrent, '256KiB');
    const seedDir = join(dir, 'seed');
    const start = (name: string, cmd: string, args: string[], env = process.env): Background => {
      const p = startBackground(cmd, args, { name, timeoutSec: SWARM_TIMEOUT_SEC + 30, env });
      processes.push(p);
      return p;
    };
    const out = (i: number): string => join(work, `leecher${i}`);

    // Both seeders check the data before the clock starts (rxtorrent always rechecks a seed).
    const rx = kind !== 'libtorrent';
    const cli = kind === 'rxtorrent-base' ? (RXTORRENT_BASELINE ?? RXTORRENT) : RXTORRENT;
    const seeder =
      rx
        ? start('rx-seed', process.execPath, rxArgs('seed', torrent, ['-d', payload, ...(RX_SEEDER_RATE === undefined ? [] : ['--upload-rate', RX_SEEDER_RATE])], cli))
        : start('lt-seed', PYTHON, ltArgs('seed', { torrent, savePath: seedDir, port: await freePort() }), LT_ENV);
    await seeder.waitForLine(rx ? RX_SEEDING : LT_READY, 120_000);

    const started = Date.now();
    const leechers: Background[] = [];
    for (let i = 1; i <= LEECHERS; i++) {
      await mkdir(out(i));
      leechers.push(
        rx
          ? start(`rx-leech-${i}`, process.execPath, rxArgs('download', torrent, ['-o', out(i)], cli))
          : start(`lt-leech-${i}`, PYTHON, ltArgs('leech', { torrent, savePath: out(i), port: await freePort() }), LT_ENV),
      );
    }
    const done = rx ? RX_SEEDING : LT_DONE;
    const finished = await Promise.all(leechers.map(async (l) => (await l.waitForLine(done, SWARM_TIMEOUT_SEC * 1000), Date.now() - started)));
    const seconds = Math.max(...finished) / 1000;

    let seederUploaded: number;
    if (rx) {
      await seeder.stop();
      seederUploaded = rxUploaded(seeder);
    } else {
      // Its status line comes once a second: wait for one printed after the last leecher finished.
      const seen = seeder.lines.length;
      while (seeder.lines.slice(seen).every((l) => !LT_UPLOADED.test(l))) await new Promise((r) => setTimeout(r, 100));
      seederUploaded = ltUploaded(seeder);
    }
    await Promise.all(leechers.map((l) => l.stop()));
    for (let i = 1; i <= LEECHERS; i++) {
      const copy = await sha1File(join(out(i), NAME));
      if (copy !== expected) throw new Error(`${kind} leecher ${i}: the copy differs from the payload`);
    }
    return { kind, seconds, firstSeconds: Math.min(...finished) / 1000, seederUploaded };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await rm(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rxt-bench-swarm-'));
  try {
    console.log(`bench:swarm — 1 seeder + ${LEECHERS} leechers, ${SIZE_MIB} MiB, ${cpus().length} cores, load ${load()} at start`);
    const payload = join(dir, 'seed', NAME);
    await mkdir(join(dir, 'seed'));
    await writePayload(payload, SIZE_MIB * MiB);
    const expected = await sha1File(payload);
    const runs: SwarmRun[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of KINDS) {
        const run = await runSwarm(kind, dir, payload, expected);
        console.log(`round ${round + 1}: ${kind} ${run.seconds.toFixed(1)} s, seeder ratio ${(run.seederUploaded / (SIZE_MIB * MiB)).toFixed(2)} (load ${load()})`);
        runs.push(run);
      }
    }
    console.log(`\nbench:swarm — time until all ${LEECHERS} leechers have ${SIZE_MIB} MiB; seeders ${RX_SEEDER_RATE === undefined ? 'uncapped' : `rxtorrent capped at ${RX_SEEDER_RATE}/s`}; load ${load()} at the end\n`);
    printTable(
      ['swarm', 'all done s', 'first done s', 'MiB/s per leecher', 'seeder uploaded MiB', 'seeder ratio'],
      runs.map((r) => [
        `all-${r.kind}`, r.seconds.toFixed(1), r.firstSeconds.toFixed(1), (SIZE_MIB / r.seconds).toFixed(1),
        (r.seederUploaded / MiB).toFixed(1), (r.seederUploaded / (SIZE_MIB * MiB)).toFixed(2),
      ]),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
