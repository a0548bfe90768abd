/**
 * `npm run bench:seed`: what serving 1 GiB costs the seeder. One libtorrent leecher (the same
 * driver each time) downloads a 1 GiB file (1 MiB pieces) over loopback from an rxtorrent seeder
 * (`seed`), a libtorrent seeder and an aria2 seeder (each checks its data first, libtorrent not in
 * seed mode, which would hash every piece on its first request), and rxtorrent and libtorrent
 * again with RC4 required on both ends (`-rc4`), in rotating order,
 * `BENCH_ROUNDS` (3) times. Each seeder is started for its round, checks its data, and only then
 * is the leecher started: the seeder's CPU (user + system of its process, all threads, from
 * `/proc/PID/stat`) is read when the leecher starts and when it prints its completion line, so
 * the start-up check is not counted. Every copy is compared (SHA-1) with the payload. The table
 * shows medians. Target: rxtorrent's CPU-seconds per GiB served ≤ libtorrent's seeder's.
 * `BENCH_SIZE_MIB` changes the size, `BENCH_SEEDERS=rxtorrent,libtorrent` the seeders;
 * `BENCH_RXTORRENT_BASELINE=/path/to/other/dist/cli/main.js` adds `rxtorrent-base`, another build.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { childrenOf, startBackground, watchPeaks, type Background } from './lib/background.js';
import { freePort, LT_DONE, LT_ENV, LT_READY, ltArgs, PYTHON, RX_SEEDING, RXTORRENT, RXTORRENT_BASELINE, startTracker, createTorrentFile } from './lib/btClients.js';
import { printTable } from './lib/measure.js';
import { loadAverages, sha1File, writePayload } from './lib/payload.js';

const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RUN_TIMEOUT_SEC = 300;
const NAME = 'payload.bin';
/** Clock ticks per second of `/proc/PID/stat` (`getconf CLK_TCK` on Linux). */
const CLK_TCK = 100;

/**
 * `-rc4`: the seeder and the leecher both require RC4 (MSE/PE). `rxtorrent-base`: the build named
 * by `BENCH_RXTORRENT_BASELINE`, when set.
 */
type Seeder = 'rxtorrent' | 'rxtorrent-base' | 'libtorrent' | 'aria2' | 'rxtorrent-rc4' | 'libtorrent-rc4';
const ALL_SEEDERS: readonly Seeder[] = [
  'rxtorrent', ...(RXTORRENT_BASELINE === undefined ? [] : ['rxtorrent-base' as const]), 'libtorrent', 'aria2', 'rxtorrent-rc4', 'libtorrent-rc4',
];
/** libtorrent's settings for a connection that must be RC4-encrypted. */
const LT_RC4 = ['--enc', 'forced', '--enc-level', 'rc4'];
const SEEDERS = ALL_SEEDERS.filter((s) => process.env.BENCH_SEEDERS === undefined || process.env.BENCH_SEEDERS.split(',').includes(s));

/** One measured transfer. */
interface Run {
  readonly seeder: Seeder;
  /** From the leecher's start to its completion line. */
  readonly seconds: number;
  /** The seeder's CPU over the same span. */
  readonly seederCpu: number;
  readonly seederRssAnonKiB: number;
}


const load = loadAverages;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** User + system CPU seconds of `pid` so far (all its threads). */
function cpuOf(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** The command under `timeout` (its only child). */
function commandPid(p: Background): number {
  const pid = childrenOf(p.pid)[0];
  if (pid === undefined) throw new Error(`${p.name}: its command is not running`);
  return pid;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
}

/** Starts `seeder` on `port` over the data in `seedDir`; resolves once it serves. */
async function startSeeder(seeder: Seeder, torrent: string, seedDir: string, port: number): Promise<Background> {
  const timeoutSec = RUN_TIMEOUT_SEC + 120;
  if (seeder.startsWith('rxtorrent')) {
    const cli = seeder === 'rxtorrent-base' ? (RXTORRENT_BASELINE ?? RXTORRENT) : RXTORRENT;
    const args = [cli, 'seed', torrent, '-d', join(seedDir, NAME), '--ip', '127.0.0.1', '-p', String(port), '--json', ...(seeder === 'rxtorrent-rc4' ? ['--encryption', 'require'] : [])];
    const p = startBackground(process.execPath, args, { name: 'rx-seed', timeoutSec });
    await p.waitForLine(RX_SEEDING, 120_000);
    return p;
  }
  if (seeder.startsWith('libtorrent')) {
    const args = [...ltArgs('seed', { torrent, savePath: seedDir, port }), ...(seeder === 'libtorrent-rc4' ? LT_RC4 : [])];
    const p = startBackground(PYTHON, args, { name: 'lt-seed', timeoutSec, env: LT_ENV });
    await p.waitForLine(LT_READY, 60_000);
    return p;
  }
  const p = startBackground('aria2c', [
    '--no-conf=true', '--enable-color=false', `--dir=${seedDir}`, `--listen-port=${port}`, '--interface=127.0.0.1',
    '--disable-ipv6=true', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
    '--bt-save-metadata=false', '--auto-save-interval=0', '--file-allocation=none', '--summary-interval=0',
    '--console-log-level=warn', '--seed-time=100000', '--seed-ratio=0.0', '--check-integrity=false', '--bt-seed-unverified=true', torrent,
  ], { name: 'aria2-seed', timeoutSec });
  await waitForPort(port, 60_000);
  return p;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rxt-bench-seed-'));
  const background: Background[] = [];
  try {
    console.log(`bench:seed — ${SIZE_MIB} MiB, 1 MiB pieces, ${cpus().length} cores, load ${load()} at start`);
    const seedDir = join(dir, 'seed');
    await mkdir(seedDir);
    const payload = join(seedDir, NAME);
    await writePayload(payload, SIZE_MIB * 1024 * 1024);
    const expected = await sha1File(payload);
    // aria2 seeds only a torrent with a tracker; every seeder runs alone, so the tracker names only it.
    const tracker = await startTracker(10, RUN_TIMEOUT_SEC * (SEEDERS.length * ROUNDS + 2));
    background.push(tracker.process);
    const torrent = join(dir, 'payload.torrent');
    await createTorrentFile(payload, tracker.url, torrent, '1MiB');

    let runNumber = 0;
    const transfer = async (seeder: Seeder): Promise<Run> => {
      const port = await freePort();
      const seed = await startSeeder(seeder, torrent, seedDir, port);
      background.push(seed);
      try {
        const out = join(dir, `out-${runNumber++}`);
        await mkdir(out);
        const seedPid = commandPid(seed);
        const peaks = watchPeaks(seed, 1);
        const cpuBefore = cpuOf(seedPid);
        const started = process.hrtime.bigint();
        const leechArgs = [...ltArgs('leech', { torrent, savePath: out, port: await freePort(), peers: [`127.0.0.1:${port}`], exitWhenDone: true }), ...(seeder.endsWith('-rc4') ? LT_RC4 : [])];
        const leech = startBackground(PYTHON, leechArgs, { name: 'lt-leech', timeoutSec: RUN_TIMEOUT_SEC, env: LT_ENV });
        await leech.waitForLine(LT_DONE, RUN_TIMEOUT_SEC * 1000);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const seederCpu = cpuOf(seedPid) - cpuBefore;
        await leech.exited;
        await seed.stop();
        const copy = await sha1File(join(out, NAME));
        if (copy !== expected) throw new Error(`from ${seeder}: the copy differs from the payload (SHA-1 ${copy}, expected ${expected})`);
        await rm(out, { recursive: true, force: true });
        return { seeder, seconds, seederCpu, seederRssAnonKiB: (await peaks).rssAnonKiB };
      } finally {
        await seed.stop();
      }
    };

    const runs: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < SEEDERS.length; i++) {
        const run = await transfer(SEEDERS[(i + round) % SEEDERS.length] as Seeder);
        console.log(`round ${round + 1}: ${run.seeder} ${run.seconds.toFixed(2)} s, seeder ${run.seederCpu.toFixed(2)} CPU-s (load ${load()})`);
        runs.push(run);
      }
    }

    const gib = SIZE_MIB / 1024;
    const of = (s: Seeder): Run[] => runs.filter((r) => r.seeder === s);
    console.log(`\nbench:seed — ${SIZE_MIB} MiB to one libtorrent leecher over loopback, medians of ${ROUNDS}; load ${load()} at the end\n`);
    printTable(
      ['seeder', 'time s', 'MiB/s', 'seeder CPU-s per GiB', 'seeder RssAnon MiB', 'all runs CPU-s'],
      SEEDERS.map((s) => {
        const rs = of(s);
        const seconds = median(rs.map((r) => r.seconds));
        return [
          s, seconds.toFixed(2), (SIZE_MIB / seconds).toFixed(0), (median(rs.map((r) => r.seederCpu)) / gib).toFixed(2),
          (median(rs.map((r) => r.seederRssAnonKiB)) / 1024).toFixed(1), rs.map((r) => r.seederCpu.toFixed(2)).join(' '),
        ];
      }),
    );
    if (SEEDERS.includes('rxtorrent') && SEEDERS.includes('libtorrent')) {
      const rx = median(of('rxtorrent').map((r) => r.seederCpu));
      const lt = median(of('libtorrent').map((r) => r.seederCpu));
      console.log(`\ntarget: rxtorrent seeder CPU per GiB ≤ libtorrent's → ${(rx / lt).toFixed(2)} × (${rx <= lt ? 'met' : 'NOT met'})`);
    }
    if (SEEDERS.includes('rxtorrent-rc4') && SEEDERS.includes('libtorrent-rc4')) {
      const rx = median(of('rxtorrent-rc4').map((r) => r.seederCpu));
      const lt = median(of('libtorrent-rc4').map((r) => r.seederCpu));
      console.log(`RC4 both ends: rxtorrent seeder CPU ÷ libtorrent's → ${(rx / lt).toFixed(2)} ×`);
    }
  } finally {
    await Promise.all(background.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
