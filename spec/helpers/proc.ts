/**
 * Child processes for interop specs. Every process runs under `timeout -k 5 N`, so nothing
 * outlives a test by more than N+5 s even if the spec forgets it, and is stopped by its own pid
 * (and its own process group: `timeout` makes one, whose id is that pid). Nothing else is killed.
 * Set `RXTORRENT_ECHO_PROCS=1` to copy every captured line to stderr.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** How a process ended: `timeout` exits 124 at the time limit, and dies by the same signal as a
 * command that a signal killed (so a stopped process may show `signal: 'SIGTERM'`). */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link startProcess}. */
export interface ProcessOptions {
  /** Hard limit: `timeout` sends SIGTERM after it, SIGKILL 5 s later. */
  timeoutSec: number;
  cwd?: string;
  /** Full environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Label in messages. @default the command's basename */
  name?: string;
  /** Lines kept in {@link ProcessHandle.lines}; older ones are dropped. @default 10000 */
  maxLines?: number;
}

/** A started process. */
export interface ProcessHandle {
  readonly name: string;
  /** Pid of the `timeout` wrapper, also the process group id of the command. */
  readonly pid: number;
  /** Non-blank stdout and stderr lines (split on `\n`, `\r\n`, `\r`), oldest dropped first. */
  readonly lines: readonly string[];
  /** Resolves once the process exited and its output is fully read. */
  readonly exited: Promise<ExitStatus>;
  /**
   * Resolves with the match of the first line (already captured or future) matching `re`; rejects,
   * with the output tail, if the process exits first or `timeoutMs` passes.
   */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL to its group after `graceMs`; idempotent; resolves on exit. */
  stop(graceMs?: number): Promise<ExitStatus>;
  /** The last `n` captured lines, joined, for error messages. */
  tail(n?: number): string;
}

/** Running processes, each with its start number. */
const live = new Map<ProcessHandle, number>();
let started = 0;

/** The only child of `pid` (the command a `timeout` wrapper runs), if it has one yet. */
function onlyChild(pid: number): number | undefined {
  try {
    const child = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    return child > 0 ? child : undefined;
  } catch {
    return undefined;
  }
}

/** `process.kill` that ignores ESRCH: the target may have exited a moment ago. */
function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

// Last resort when mocha exits with processes still running: kill their groups (ours only).
process.on('exit', () => live.forEach((_, p) => trySignal(-p.pid, 'SIGKILL')));

/**
 * Starts `cmd args…` as `timeout -k 5 <timeoutSec> cmd args…` with stdin closed.
 *
 * @param cmd - program (looked up on PATH)
 * @param args - its arguments
 * @param options - see {@link ProcessOptions}
 * @returns the handle
 * @example
 * ```ts
 * const seed = startProcess(PYTHON, [LT_DRIVER, 'seed', t, dir, '--port', `${port}`], { timeoutSec: 60 });
 * await seed.waitForLine(/^READY$/, 10_000);
 * ```
 */
export function startProcess(cmd: string, args: readonly string[], options: ProcessOptions): ProcessHandle {
  const name = options.name ?? cmd.split('/').pop() ?? cmd;
  const maxLines = options.maxLines ?? 10_000;
  const echo = process.env['RXTORRENT_ECHO_PROCS'] === '1';
  const child = spawn('timeout', ['-k', '5', String(options.timeoutSec), cmd, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: spawn of timeout failed`);
  const pid = child.pid;
  const lines: string[] = [];
  /** Called with each new line, and with `null` once the process has exited. */
  const listeners = new Set<(line: string | null) => void>();
  let exitStatus: ExitStatus | undefined;

  const push = (line: string): void => {
    if (echo) process.stderr.write(`[${name}] ${line}\n`);
    lines.push(line);
    if (lines.length > maxLines * 1.1) lines.splice(0, lines.length - maxLines);
    for (const l of [...listeners]) l(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split(/\r\n|\r|\n/);
      partial = parts.pop() ?? '';
      for (const p of parts) if (p.trim() !== '') push(p);
    });
    stream.on('end', () => partial.trim() !== '' && push(partial));
  }

  const tail = (n = 30): string => lines.slice(-n).join('\n');
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('error', (e) => push(`spawn error: ${e.message}`));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  void exited.then((s) => {
    exitStatus = s;
    live.delete(handle);
    for (const l of [...listeners]) l(null);
  });

  const waitForLine = (re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const found = lines.map((l) => l.match(re)).find((m) => m !== null);
      if (found) return resolve(found);
      const settle = (result: RegExpMatchArray | string): void => {
        clearTimeout(timer);
        listeners.delete(listener);
        if (typeof result !== 'string') resolve(result);
        else reject(new Error(`${name} ${result} before printing ${re}; last output:\n${tail()}`));
      };
      const listener = (line: string | null): void => {
        const m = line?.match(re);
        if (m) settle(m);
        else if (line === null) settle(`exited (code ${exitStatus?.code}, signal ${exitStatus?.signal})`);
      };
      const timer = setTimeout(() => settle(`did not match within ${timeoutMs} ms`), timeoutMs);
      listeners.add(listener);
      if (exitStatus) listener(null);
    });

  let stopping: Promise<ExitStatus> | undefined;
  const stop = (graceMs = 3000): Promise<ExitStatus> => {
    if (stopping === undefined && exitStatus === undefined) {
      // To the command itself: `timeout` would pass it on to the command and to its whole process
      // group, so the command got SIGTERM twice, and a second one arriving while it exits (its
      // handlers gone) killed it by signal (seen in CI under load).
      trySignal(onlyChild(pid) ?? pid, 'SIGTERM');
      // then the process group timeout created, which holds only our command and its children
      const timer = setTimeout(() => trySignal(-pid, 'SIGKILL'), graceMs);
      stopping = exited.finally(() => clearTimeout(timer));
    }
    return stopping ?? exited;
  };

  const handle: ProcessHandle = { name, pid, lines, exited, waitForLine, stop, tail };
  live.set(handle, started++);
  return handle;
}

/**
 * The pid of the command a {@link startProcess} `timeout` wrapper runs (its only child): for
 * signals sent to the command itself, or its memory read from `/proc`.
 */
export async function commandPid(wrapper: ProcessHandle): Promise<number> {
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 10))) {
    const pid = onlyChild(wrapper.pid);
    if (pid !== undefined) return pid;
  }
  throw new Error(`${wrapper.name}: no child of timeout (pid ${wrapper.pid}) appeared`);
}

/** Stops every still-running process started by {@link startProcess} (from number `since` on). */
export async function stopAll(since = 0): Promise<void> {
  await Promise.all([...live].filter(([, n]) => n >= since).map(([p]) => p.stop()));
}

/**
 * Registers hooks in the enclosing `describe` so that every process started by a test, or by a
 * `beforeEach`, is stopped after it: a failing test cannot leak peers into the next one. Processes
 * started in `before` hooks (a shared tracker) live on; stop those in an `after` hook.
 * Call it first in the `describe`, before the `beforeEach` hooks that start processes.
 */
export function stopAllAfterEach(): void {
  let mark = 0;
  beforeEach(() => {
    mark = started;
  });
  afterEach(() => stopAll(mark));
}

/**
 * Runs a command to completion (under `timeout`) and returns its output.
 *
 * @param cmd - program
 * @param args - arguments
 * @param options - as {@link startProcess}; `timeoutSec` defaults to 60
 * @returns exit status and the captured lines
 * @throws Error with the output tail when it exits non-zero
 */
export async function run(
  cmd: string,
  args: readonly string[],
  options: Partial<ProcessOptions> = {},
): Promise<ExitStatus & { lines: readonly string[] }> {
  const p = startProcess(cmd, args, { ...options, timeoutSec: options.timeoutSec ?? 60 });
  const status = await p.exited;
  if (status.code !== 0) {
    throw new Error(`${p.name} ${args.join(' ')} failed (code ${status.code}):\n${p.tail()}`);
  }
  return { ...status, lines: p.lines };
}
