/**
 * `npm run bench:tracker`: HTTP announces per second under a bounded load (wrk, one thread,
 * 50 connections, 10 s, 1,000 swarms, random peer ids and ports, `compact=1`), with keep-alive
 * and with `Connection: close` (what real clients do), p50/p99 latency and the server's RSS,
 * against rxtorrent (memory store; Redis store; `--workers 2` over Redis), the npm
 * bittorrent-tracker, opentracker (whitelisted hashes) and a koa hello-world route (the framework
 * ceiling), all in one run on loopback; then UDP announces per second (50 closed-loop clients)
 * for rxtorrent and opentracker. Targets: HTTP close ≥ 2 × bittorrent-tracker and ≥ 0.9 × the
 * koa ceiling; UDP ≥ opentracker's HTTP rate. Needs wrk, redis-server and opentracker
 * (`apt-get install wrk redis-server opentracker`). Every cell is the best of `BENCH_ROUNDS` (3)
 * rounds over all targets; `BENCH_SECONDS` (10) is the length of each run.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { announce } from '../dist/tracker/index.js';
import { printTable } from './lib/measure.js';
import { freePort, startServer, targetSpecs, treeRssMiB } from './lib/trackerTargets.js';
import type { Target } from './lib/trackerTargets.js';
import { runUdpLoad } from './lib/udpLoad.js';
import type { UdpLoadResult } from './lib/udpLoad.js';
import { runWrk, writeWrkScript } from './lib/wrk.js';
import type { HttpLoadResult } from './lib/wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Rounds over every target; each cell reports its best round (the machine is shared and noisy). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const UDP_CLIENTS = 50;
const SWARMS = 1000;
const WARM_UP_SECONDS = 2;

interface Row {
  readonly name: string;
  readonly keepAlive: HttpLoadResult;
  readonly close: HttpLoadResult;
  readonly udp: UdpLoadResult | undefined;
  readonly rssMiB: number;
  readonly redisRssMiB: number | undefined;
}

function missingTools(): string[] {
  return ['wrk', 'redis-server', 'redis-cli', 'opentracker'].filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

/** One announce with the bench's parameters must succeed (a refused one would be measured as a success). */
async function sanityCheck(target: Target, infoHash: Uint8Array): Promise<void> {
  const params = { infoHash, peerId: createHash('sha1').update('sanity').digest().subarray(0, 20), port: 6881, uploaded: 0, downloaded: 0, left: 1000, event: 'started' as const };
  await firstValueFrom(announce(`http://127.0.0.1:${target.port}/announce`, params, { timeoutMs: 5000 }));
  if (target.udp) await firstValueFrom(announce(`udp://127.0.0.1:${target.port}/announce`, params, { timeoutMs: 5000 }));
}

const n = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '-');

async function main(): Promise<void> {
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`bench:tracker needs ${missing.join(', ')} (apt-get install wrk redis-server opentracker)`);
  const dir = mkdtempSync(join(tmpdir(), 'rxtorrent-bench-'));
  const hashes = Array.from({ length: SWARMS }, (_, i) => new Uint8Array(createHash('sha1').update(`bench-swarm-${i}`).digest()));
  const script = writeWrkScript(dir, hashes);
  const redisPort = await freePort();
  const redis = await startServer('redis-server', 'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/, redisPort);
  const redisPid = (): number => Number(execFileSync('redis-cli', ['-p', String(redisPort), 'info', 'server'], { encoding: 'utf8' }).match(/process_id:(\d+)/)![1]);
  const rounds: Row[][] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const rows: Row[] = [];
      for (const spec of targetSpecs(`redis://127.0.0.1:${redisPort}`, dir, hashes.map((h) => Buffer.from(h).toString('hex')))) {
        execFileSync('redis-cli', ['-p', String(redisPort), 'flushall'], { stdio: 'ignore' });
        const target = await spec.start(await freePort());
        try {
          await sanityCheck(target, hashes[0]!);
          await runWrk({ port: target.port, connections: CONNECTIONS, durationSec: WARM_UP_SECONDS, close: false, script });
          const keepAlive = await runWrk({ port: target.port, connections: CONNECTIONS, durationSec: SECONDS, close: false, script });
          const close = await runWrk({ port: target.port, connections: CONNECTIONS, durationSec: SECONDS, close: true, script });
          const udp = target.udp ? await runUdpLoad({ port: target.port, clients: UDP_CLIENTS, durationSec: SECONDS, infoHashes: hashes }) : undefined;
          const usesRedis = spec.name.includes('Redis');
          rows.push({ name: spec.name, keepAlive, close, udp, rssMiB: target.rssMiB(), redisRssMiB: usesRedis ? treeRssMiB(redisPid()) : undefined });
          console.error(`round ${round}/${ROUNDS}: measured ${spec.name} (load average ${loadavg()[0]!.toFixed(1)})`);
        } finally {
          await target.stop();
        }
      }
      rounds.push(rows);
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const best = <T extends { requestsPerSec: number }>(results: T[]): T => results.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));
  const rows = rounds[0]!.map((first, i): Row => {
    const all = rounds.map((r) => r[i]!);
    return {
      ...first,
      keepAlive: best(all.map((r) => r.keepAlive)),
      close: best(all.map((r) => r.close)),
      udp: first.udp === undefined ? undefined : best(all.map((r) => r.udp!)),
      rssMiB: Math.max(...all.map((r) => r.rssMiB)),
      redisRssMiB: first.redisRssMiB === undefined ? undefined : Math.max(...all.map((r) => r.redisRssMiB!)),
    };
  });
  report(rows);
}

function report(rows: readonly Row[]): void {
  console.log(`\nbench:tracker — ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, node ${process.version}, loopback, wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, ${SWARMS} swarms, best of ${ROUNDS} rounds`);
  console.log('\nHTTP announces (compact=1, random peer ids; RSS after both runs, highest round, Redis itself apart)\n');
  printTable(
    ['tracker', 'keep-alive /s', 'p50 ms', 'p99 ms', 'close /s', 'p50 ms', 'p99 ms', 'RSS MiB', 'errors'],
    rows.map((r) => [
      r.name, n(r.keepAlive.requestsPerSec), ms(r.keepAlive.p50Ms), ms(r.keepAlive.p99Ms), n(r.close.requestsPerSec), ms(r.close.p50Ms),
      ms(r.close.p99Ms), `${r.rssMiB.toFixed(0)}${r.redisRssMiB === undefined ? '' : ` (+${r.redisRssMiB.toFixed(0)} Redis)`}`,
      String(r.keepAlive.errors + r.close.errors),
    ]),
  );
  console.log(`\nUDP announces (BEP 15, ${UDP_CLIENTS} clients, one announce in flight each)\n`);
  printTable(['tracker', 'announces /s', 'p50 ms', 'p99 ms', 'lost/errors'],
    rows.filter((r) => r.udp !== undefined).map((r) => [r.name, n(r.udp!.requestsPerSec), ms(r.udp!.p50Ms), ms(r.udp!.p99Ms), String(r.udp!.errors)]));

  const rate = (prefix: string, pick: (r: Row) => number): number => pick(rows.find((r) => r.name.startsWith(prefix))!);
  const ours = rate('rxtorrent (memory)', (r) => r.close.requestsPerSec);
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)} ×`;
  const opentrackerHttp = rate('opentracker', (r) => Math.max(r.close.requestsPerSec, r.keepAlive.requestsPerSec));
  console.log('\nTargets');
  console.log(`  HTTP close vs bittorrent-tracker: ${ratio(ours, rate('bittorrent-tracker', (r) => r.close.requestsPerSec))} (target ≥ 2 ×)`);
  console.log(`  HTTP close vs koa ceiling:        ${ratio(ours, rate('koa', (r) => r.close.requestsPerSec))} (target ≥ 0.9 ×)`);
  console.log(`  UDP vs opentracker's HTTP rate:    ${ratio(rate('rxtorrent (memory)', (r) => r.udp!.requestsPerSec), opentrackerHttp)} (target ≥ 1 ×)`);
  const one = rate('rxtorrent (Redis)', (r) => r.keepAlive.requestsPerSec);
  const two = rate('rxtorrent --workers 2', (r) => r.keepAlive.requestsPerSec);
  console.log(`  --workers 2 vs 1 worker (Redis, keep-alive): ${ratio(two, one)}; close: ${ratio(
    rate('rxtorrent --workers 2', (r) => r.close.requestsPerSec), rate('rxtorrent (Redis)', (r) => r.close.requestsPerSec))}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
