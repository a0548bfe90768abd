/**
 * Child processes for the transfer benchmarks (`bench:download`, `bench:swarm`): each runs under
 * `timeout -k 5 N` (and GNU time when measured), is stopped by its own pid, and has its output
 * lines captured so the bench can wait for "done" lines. Memory is read from /proc of the command
 * itself (not the wrappers): peak `RssAnon` (private memory: libtorrent memory-maps the payload, so
 * its plain RSS counts page cache) and peak `VmHWM`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** A started background process. */
export interface Background {
  readonly name: string;
  /** Pid of the outermost wrapper (`time` or `timeout`). */
  readonly pid: number;
  /** Captured stdout and stderr lines (non-blank), oldest first. */
  readonly lines: string[];
  /** Resolves with the exit code once it exited and its output was read. */
  readonly exited: Promise<number | null>;
  /** The first line (seen or future) matching `re`; rejects when it exits first or after `timeoutMs`. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the wrapper (`timeout` forwards it), SIGKILL to its group after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

/** Options of {@link startBackground}. */
export interface BackgroundOptions {
  readonly name: string;
  /** Hard limit (`timeout`). */
  readonly timeoutSec: number;
  /** Wrap in GNU time so {@link cpuSeconds} can read its report. @default false */
  readonly timed?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

const GNU_TIME = '/usr/bin/time';

/** Wrapper pids still running: killed with their groups if the bench exits or is interrupted. */
const live = new Set<number>();
let cleanupInstalled = false;

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const killAll = (): void => {
    for (const pid of live) {
      for (const p of [...childrenOf(pid), pid]) {
        try {
          process.kill(-p, 'SIGKILL'); // `timeout` leads its own group
        } catch {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    }
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (killAll(), process.exit(130)));
}
/** GNU time's report line: elapsed, user, system seconds. */
const TIME_REPORT = /^@@([\d.]+) ([\d.]+) ([\d.]+)$/;

/** Starts `cmd args` in the background. */
export function startBackground(cmd: string, args: readonly string[], o: BackgroundOptions): Background {
  const timed = o.timed === true && existsSync(GNU_TIME);
  const wrapped = ['timeout', '-k', '5', String(o.timeoutSec), cmd, ...args];
  const argv = timed ? [GNU_TIME, '-f', '@@%e %U %S', ...wrapped] : wrapped;
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env });
  installCleanup();
  if (child.pid === undefined) throw new Error(`${o.name}: spawn failed`);
  const pid = child.pid;
  const lines: string[] = [];
  const listeners = new Set<(line: string | null) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split(/\r\n|\r|\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line.trim() === '') continue;
        lines.push(line);
        for (const l of [...listeners]) l(line);
      }
    });
  }
  let done = false;
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  live.add(pid);
  void exited.then(() => {
    done = true;
    live.delete(pid);
    for (const l of [...listeners]) l(null);
  });
  const waitForLine = (re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const seen = lines.map((l) => l.match(re)).find((m) => m !== null);
      if (seen) return resolve(seen);
      const settle = (result: RegExpMatchArray | string): void => {
        clearTimeout(timer);
        listeners.delete(listener);
        if (typeof result === 'string') reject(new Error(`${o.name} ${result} before printing ${re}:\n${lines.slice(-10).join('\n')}`));
        else resolve(result);
      };
      const listener = (line: string | null): void => {
        const m = line?.match(re);
        if (m) settle(m);
        else if (line === null) settle('exited');
      };
      const timer = setTimeout(() => settle(`did not match within ${timeoutMs} ms`), timeoutMs);
      listeners.add(listener);
      if (done) listener(null);
    });
  const signal = (target: number, sig: NodeJS.Signals): void => {
    try {
      process.kill(target, sig);
    } catch {
      // already gone
    }
  };
  let stopping: Promise<number | null> | undefined;
  const stop = (graceMs = 5000): Promise<number | null> => {
    if (stopping !== undefined || done) return stopping ?? exited;
    // `timeout` forwards SIGTERM to the command; it leads its own process group (GNU time does not
    // forward signals, so under it the target is its child).
    const target = timed ? (childrenOf(pid)[0] ?? pid) : pid;
    signal(target, 'SIGTERM');
    const timer = setTimeout(() => (signal(-target, 'SIGKILL'), signal(-pid, 'SIGKILL')), graceMs);
    return (stopping = exited.finally(() => clearTimeout(timer)));
  };
  return { name: o.name, pid, lines, exited, waitForLine, stop };
}

/** User + system CPU seconds of a `timed` process from GNU time's report (NaN without one). */
export function cpuSeconds(p: Background): number {
  const m = p.lines.map((l) => TIME_REPORT.exec(l)).find((x) => x !== null);
  return m ? Number(m[2]) + Number(m[3]) : NaN;
}

/** Child pids of `pid` (empty once it is gone). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Peak memory seen for one process, KiB. */
export interface MemoryPeaks {
  rssAnonKiB: number;
  hwmKiB: number;
}

/**
 * Samples the command's `RssAnon` and `VmHWM` every `intervalMs` until it exits.
 *
 * @param p - the process; its command is found under the wrappers (the depth is 2 for `timeout`, 3 with GNU time)
 * @param depth - how many wrappers to descend through
 */
export async function watchPeaks(p: Background, depth: number, intervalMs = 20): Promise<MemoryPeaks> {
  const peaks: MemoryPeaks = { rssAnonKiB: 0, hwmKiB: 0 };
  let finished = false;
  void p.exited.then(() => (finished = true));
  let pid: number | undefined;
  while (!finished) {
    if (pid === undefined) {
      let candidate: number | undefined = p.pid;
      for (let i = 0; i < depth && candidate !== undefined; i++) candidate = childrenOf(candidate)[0];
      pid = candidate;
    }
    if (pid !== undefined) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        peaks.rssAnonKiB = Math.max(peaks.rssAnonKiB, Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0));
        peaks.hwmKiB = Math.max(peaks.hwmKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // exiting
      }
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return peaks;
}
