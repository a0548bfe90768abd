/**
 * `npm run bench:create`: hashing a 1 GiB file with `rxtorrent create` (v1, `--v2`, `--hybrid`),
 * with mktorrent, with libtorrent's creator (hybrid), and with `openssl dgst -sha1` / `-sha256` /
 * `sha1sum` of the same file, in the same run (page cache warm).
 * Target: rxtorrent ≥ 0.75 × openssl's single-core SHA-1 rate, peak RSS < 100 MiB; v2 against
 * openssl's SHA-256 rate, hybrid against the sum of both.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, printTable, type Measurement } from './lib/measure.js';
import { writePayload } from './lib/payload.js';

const SIZE_MIB = Number(process.env.BENCH_SIZE_MIB ?? 1024);
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const LT_DRIVER = fileURLToPath(new URL('../spec/interop/drivers/lt_driver.py', import.meta.url));

const dir = await mkdtemp(join(tmpdir(), 'rxt-bench-create-'));
try {
  const file = join(dir, 'payload.bin');
  await writePayload(file, SIZE_MIB * 1024 * 1024);
  await readFile(file); // warm the page cache so every tool reads from memory
  const runs: [string, string, string[]][] = [
    ['rxtorrent create', process.execPath, [CLI, 'create', file, '-o', join(dir, 'rx.torrent'), '--piece-length', '1MiB', '-t', 'http://127.0.0.1:1/announce']],
    ['rxtorrent create --v2', process.execPath, [CLI, 'create', file, '--v2', '-o', join(dir, 'rx.torrent'), '--piece-length', '1MiB', '-t', 'http://127.0.0.1:1/announce']],
    ['rxtorrent create --hybrid', process.execPath, [CLI, 'create', file, '--hybrid', '-o', join(dir, 'rx.torrent'), '--piece-length', '1MiB', '-t', 'http://127.0.0.1:1/announce']],
    ['libtorrent create (hybrid)', '/usr/bin/python3', [LT_DRIVER, 'create', file, join(dir, 'mk1.torrent'), '--tracker', 'http://127.0.0.1:1/announce', '--piece-size', String(1024 * 1024)]],
    ['mktorrent -t 1', 'mktorrent', ['-t', '1', '-l', '20', '-a', 'http://127.0.0.1:1/announce', '-o', join(dir, 'mk1.torrent'), file]],
    ['mktorrent -t 2', 'mktorrent', ['-t', '2', '-l', '20', '-a', 'http://127.0.0.1:1/announce', '-o', join(dir, 'mk2.torrent'), file]],
    ['openssl dgst -sha1', 'openssl', ['dgst', '-sha1', file]],
    ['openssl dgst -sha256', 'openssl', ['dgst', '-sha256', file]],
    ['sha1sum', 'sha1sum', [file]],
  ];
  const results: [string, Measurement][] = [];
  for (const [name, cmd, args] of runs) {
    // Best of three runs: the machine is shared, and a single run can catch a hiccup.
    const tries: Measurement[] = [];
    for (let i = 0; i < 3; i++) {
      for (const out of ['rx', 'mk1', 'mk2']) await rm(join(dir, `${out}.torrent`), { force: true });
      tries.push(await measure(cmd, args));
    }
    results.push([name, tries.reduce((a, b) => (b.seconds < a.seconds ? b : a))]);
  }
  const openssl = results.find(([n]) => n === 'openssl dgst -sha1')?.[1].seconds ?? NaN;
  console.log(`\nbench:create — ${SIZE_MIB} MiB file, 1 MiB pieces, warm page cache, best of 3\n`);
  printTable(
    ['tool', 'seconds', 'MiB/s', 'cpu s', 'peak RSS MiB', 'vs openssl sha1'],
    results.map(([name, m]) => [
      name, m.seconds.toFixed(2), (SIZE_MIB / m.seconds).toFixed(0), m.cpuSeconds.toFixed(2),
      (m.peakRssKiB / 1024).toFixed(1), (openssl / m.seconds).toFixed(2),
    ]),
  );
  const rx = results[0]?.[1];
  if (rx !== undefined) {
    console.log(`\ntarget: ≥ 0.75 × openssl → ${(openssl / rx.seconds).toFixed(2)} ×; peak RSS < 100 MiB → ${(rx.peakRssKiB / 1024).toFixed(1)} MiB`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
