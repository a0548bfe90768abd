/**
 * `npm run bench:download`: one download of a 1 GiB file (1 MiB pieces) over loopback from one
 * libtorrent seeder (seed mode), by rxtorrent (`download --peer … --no-seed`, hashing on the main
 * thread and, as `rxtorrent-ht1`, on one worker thread with `--hash-threads 1`), by a libtorrent
 * leecher and by aria2 (which finds the seeder through an rxtorrent tracker named in the torrent),
 * and RC4-encrypted by rxtorrent (`rxtorrent-rc4`, `--encryption require`; the seeder accepts
 * both, and picks plaintext for the default `prefer`, as libtorrent does without `prefer_rc4`),
 * in the same run, each into a fresh folder. A warm-up download (discarded) makes the seeder hash
 * every piece once and brings the payload into the page cache. Each client then runs
 * `BENCH_ROUNDS` (2) times, in a rotating order; the table shows its fastest run. Time to complete
 * is from the start of the process to its completion line (aria2 prints it ~2.4 s before exiting).
 * Every copy is compared (SHA-1) with the payload. Target: rxtorrent faster than the libtorrent
 * leecher, in time and in CPU (user + system of the whole process, start-up included). `BENCH_SIZE_MIB`
 * changes the size.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, startBackground, watchPeaks, type MemoryPeaks } from './lib/background.js';
import {
  ARIA2_DONE, aria2LeechArgs, freePort, LT_DONE, LT_ENV, LT_READY, ltArgs, PYTHON, RX_DONE, RXTORRENT, RXTORRENT_BASELINE, rxArgs, startTracker, createTorrentFile,
} from './lib/btClients.js';
import { printTable } from './lib/measure.js';
import { loadAverages, sha1File, writePayload } from './lib/payload.js';

const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const RUN_TIMEOUT_SEC = 300;
const NAME = 'payload.bin';

/**
 * `rxtorrent-ht1`: rxtorrent checking hashes on one worker thread (`--hash-threads 1`);
 * `rxtorrent-rc4`: rxtorrent with `--encryption require` (MSE/PE, RC4);
 * `rxtorrent-base`: the build named by `BENCH_RXTORRENT_BASELINE`, when set.
 */
type Client = 'rxtorrent' | 'rxtorrent-ht1' | 'rxtorrent-rc4' | 'rxtorrent-base' | 'libtorrent' | 'aria2';
const ALL_CLIENTS: readonly Client[] = ['rxtorrent', 'rxtorrent-ht1', 'rxtorrent-rc4', ...(RXTORRENT_BASELINE === undefined ? [] : ['rxtorrent-base' as const]), 'libtorrent', 'aria2'];
/** `BENCH_CLIENTS=rxtorrent,libtorrent` measures only those. */
const CLIENTS: readonly Client[] = process.env.BENCH_CLIENTS === undefined ? ALL_CLIENTS : ALL_CLIENTS.filter((c) => process.env.BENCH_CLIENTS?.split(',').includes(c));

/** One measured download. */
interface Run {
  readonly client: Client;
  /** From spawn to the completion line. */
  readonly completeSeconds: number;
  /** From spawn to exit. */
  readonly exitSeconds: number;
  readonly cpuSeconds: number;
  readonly peaks: MemoryPeaks;
}


const load = loadAverages;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'rxt-bench-download-'));
  const background: { stop(): Promise<unknown> }[] = [];
  try {
    console.log(`bench:download — ${SIZE_MIB} MiB, 1 MiB pieces, ${cpus().length} cores, load ${load()} at start`);
    const seedDir = join(dir, 'seed');
    await mkdir(seedDir);
    const payload = join(seedDir, NAME);
    await writePayload(payload, SIZE_MIB * 1024 * 1024);
    const expected = await sha1File(payload);
    const tracker = await startTracker(10, RUN_TIMEOUT_SEC * (CLIENTS.length * ROUNDS + 2));
    background.push(tracker.process);
    const torrent = join(dir, 'payload.torrent');
    await createTorrentFile(payload, tracker.url, torrent, '1MiB');

    const seedPort = await freePort();
    const seeder = startBackground(PYTHON, ltArgs('seed', { torrent, savePath: seedDir, port: seedPort, seedMode: true, enc: 'enabled' }), {
      name: 'lt-seed', timeoutSec: RUN_TIMEOUT_SEC * (CLIENTS.length * ROUNDS + 2), env: LT_ENV,
    });
    background.push(seeder);
    await seeder.waitForLine(LT_READY, 60_000);
    const peer = `127.0.0.1:${seedPort}`;

    let runNumber = 0;
    const download = async (client: Client): Promise<Run> => {
      const out = join(dir, `out-${client}-${runNumber++}`);
      await mkdir(out);
      const port = await freePort();
      const [cmd, args, done, env]: [string, string[], RegExp, NodeJS.ProcessEnv] =
        client.startsWith('rxtorrent')
          ? [process.execPath, rxArgs('download', torrent, ['-o', out, '--peer', peer, '--no-seed', '--hash-threads', client === 'rxtorrent-ht1' ? '1' : '0', ...(client === 'rxtorrent-rc4' ? ['--encryption', 'require'] : [])], client === 'rxtorrent-base' ? RXTORRENT_BASELINE : RXTORRENT), RX_DONE, process.env]
          : client === 'libtorrent'
            ? [PYTHON, ltArgs('leech', { torrent, savePath: out, port, peers: [peer], exitWhenDone: true }), LT_DONE, LT_ENV]
            : ['aria2c', aria2LeechArgs(torrent, out, port), ARIA2_DONE, process.env];
      const started = process.hrtime.bigint();
      const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
      const p = startBackground(cmd, args, { name: client, timeoutSec: RUN_TIMEOUT_SEC, timed: true, env });
      const peaks = watchPeaks(p, 2); // GNU time → timeout → the client
      await p.waitForLine(done, RUN_TIMEOUT_SEC * 1000);
      const completeSeconds = seconds();
      const code = await p.exited;
      const exitSeconds = seconds();
      if (code !== 0) throw new Error(`${client} exited ${code}:\n${p.lines.slice(-10).join('\n')}`);
      const copy = await sha1File(join(out, NAME));
      if (copy !== expected) throw new Error(`${client}: the copy differs from the payload (SHA-1 ${copy}, expected ${expected})`);
      await rm(out, { recursive: true, force: true });
      return { client, completeSeconds, exitSeconds, cpuSeconds: cpuSeconds(p), peaks: await peaks };
    };

    const warmUp = await download('rxtorrent');
    console.log(`warm-up (rxtorrent, discarded): ${warmUp.completeSeconds.toFixed(2)} s`);
    const runs: Run[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < CLIENTS.length; i++) {
        const run = await download(CLIENTS[(i + round) % CLIENTS.length] as Client);
        console.log(`round ${round + 1}: ${run.client} ${run.completeSeconds.toFixed(2)} s (load ${load()})`);
        runs.push(run);
      }
    }

    const best = (client: Client): Run =>
      runs.filter((r) => r.client === client).reduce((a, b) => (b.completeSeconds < a.completeSeconds ? b : a));
    const mib = (kib: number): string => (kib / 1024).toFixed(1);
    console.log(`\nbench:download — ${SIZE_MIB} MiB from one libtorrent seeder over loopback, best of ${ROUNDS}; load ${load()} at the end\n`);
    printTable(
      ['client', 'complete s', 'MiB/s', 'exit s', 'cpu s', 'CPU-s per GiB', 'peak RssAnon MiB', 'peak RSS MiB', 'all runs s'],
      CLIENTS.map((client) => {
        const r = best(client);
        const all = runs.filter((x) => x.client === client).map((x) => x.completeSeconds.toFixed(2)).join(' ');
        return [
          client, r.completeSeconds.toFixed(2), (SIZE_MIB / r.completeSeconds).toFixed(0), r.exitSeconds.toFixed(2),
          r.cpuSeconds.toFixed(2), (r.cpuSeconds / (SIZE_MIB / 1024)).toFixed(2), mib(r.peaks.rssAnonKiB), mib(r.peaks.hwmKiB), all,
        ];
      }),
    );
    const rx = best('rxtorrent').completeSeconds;
    if (CLIENTS.includes('libtorrent')) {
      const lt = best('libtorrent').completeSeconds;
      console.log(`\ntarget: rxtorrent faster than the libtorrent leecher → ${(lt / rx).toFixed(2)} × its speed (${rx < lt ? 'met' : 'NOT met'})`);
      const [rxCpu, ltCpu] = [best('rxtorrent').cpuSeconds, best('libtorrent').cpuSeconds];
      console.log(`target: rxtorrent's CPU ≤ the libtorrent leecher's → ${(rxCpu / ltCpu).toFixed(2)} × (${rxCpu <= ltCpu ? 'met' : 'NOT met'}; fastest rounds)`);
    }
    if (CLIENTS.includes('rxtorrent-rc4')) {
      const rc4 = best('rxtorrent-rc4').completeSeconds;
      console.log(`target: RC4 at ≥ 0.8 × plaintext → ${(rx / rc4).toFixed(2)} × (${rx / rc4 >= 0.8 ? 'met' : 'NOT met'})`);
    }
  } finally {
    await Promise.all(background.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
