/**
 * The servers `bench:tracker` measures, each a child process on 127.0.0.1 stopped by its pid:
 * rxtorrent (memory store, Redis store, two workers over Redis), the npm bittorrent-tracker,
 * opentracker (whitelisted hashes) and a koa hello-world route. RSS is read from /proc.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A running server. */
export interface Target {
  readonly name: string;
  readonly port: number;
  /** Answers BEP 15 on the same port number. */
  readonly udp: boolean;
  /** Resident memory of the server's processes now (workers included), MiB. */
  rssMiB(): number;
  stop(): Promise<void>;
}

/** How to start one target. */
export interface TargetSpec {
  readonly name: string;
  readonly udp: boolean;
  start(port: number): Promise<Target>;
}

const ROOT = new URL('../../', import.meta.url).pathname;
const TIMEOUT_SEC = 900;

/** A TCP port that was free a moment ago (UDP on the same number is almost always free too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Pids of `pid` and all its descendants. */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    // no children
  }
  return [pid, ...children.flatMap(processTree)];
}

/** VmRSS of `pid` and its descendants, in MiB. */
export function treeRssMiB(pid: number): number {
  let kib = 0;
  for (const p of processTree(pid)) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited meanwhile
    }
  }
  return kib / 1024;
}

/** Starts `cmd` (under `timeout`) and resolves once a line of its output matches `ready`. */
export function startServer(name: string, cmd: string, args: readonly string[], ready: RegExp | null, port: number, udp = false): Promise<Target> {
  const child: ChildProcess = spawn('timeout', ['-k', '5', String(TIMEOUT_SEC), cmd, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const target: Target = {
    name, port, udp,
    // `timeout` itself is a few hundred KiB; the server is its child.
    rssMiB: () => treeRssMiB(pid),
    stop: async () => {
      process.kill(pid, 'SIGTERM'); // timeout forwards it
      const timer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (ready !== null && ready.test(output)) resolve(target);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => reject(new Error(`${name} exited before it was ready:\n${output.slice(-2000)}`)));
    if (ready === null) void waitForPort(port).then(() => resolve(target), reject);
  });
}

/** Polls until something accepts TCP connections on `port`. */
async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true))).once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

const CLI = 'dist/cli/main.js';
const LISTENING = /listening on http/;

/** Every target, in the order measured. `redisUrl` and `dir` come from the bench's setup. */
export function targetSpecs(redisUrl: string, dir: string, infoHashesHex: readonly string[]): TargetSpec[] {
  const rxtorrent = (name: string, extra: readonly string[]): TargetSpec => ({
    name, udp: true,
    start: (port) => startServer(name, process.execPath, [CLI, 'tracker', '--port', String(port), '--udp', ...extra], LISTENING, port, true),
  });
  return [
    rxtorrent('rxtorrent (memory)', []),
    rxtorrent('rxtorrent (Redis)', ['--redis', redisUrl]),
    rxtorrent('rxtorrent --workers 2 (Redis)', ['--redis', redisUrl, '--workers', '2']),
    {
      name: 'bittorrent-tracker 11.2.3', udp: false,
      start: (port) => startServer('bittorrent-tracker', process.execPath, ['bench/lib/btTracker.mjs', String(port)], /listening/, port),
    },
    {
      name: 'opentracker', udp: true,
      start: (port) => {
        // It chroots into its directory and runs as nobody: both must be able to read it.
        const home = join(dir, `opentracker-${port}`);
        mkdirSync(home, { recursive: true });
        chmodSync(dir, 0o755);
        chmodSync(home, 0o755);
        writeFileSync(join(home, 'whitelist'), `${infoHashesHex.join('\n')}\n`, { mode: 0o644 });
        const args = ['-i', '127.0.0.1', '-p', String(port), '-P', String(port), '-d', home, '-u', 'nobody', '-w', '/whitelist'];
        return startServer('opentracker', 'opentracker', args, null, port, true);
      },
    },
    {
      name: 'koa hello-world (ceiling)', udp: false,
      start: (port) => startServer('koa', process.execPath, ['bench/lib/koaHello.mjs', String(port)], /listening/, port),
    },
  ];
}
