/**
 * The demo's processes: `rxtorrent` subcommands run as children of this one (the same built
 * CLI), their `--json` state lines parsed as they arrive.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ReplaySubject, type Observable } from 'rxjs';
import { fileURLToPath } from 'node:url';
import type { SessionState } from '../../streams/session/sessionState.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

/** A running child `rxtorrent`. */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** The latest state it printed (`--json`). */
  latest: SessionState | undefined;
  /** Every state it prints, the latest replayed to a new subscriber; completes when it exits. */
  readonly states$: Observable<SessionState>;
  /** Its last stderr lines, for error reports. */
  readonly errors: string[];
  /** Resolves with its exit code. */
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Asks it to stop (SIGTERM), as Ctrl-C would. */
  stop(): void;
}

/**
 * Starts `rxtorrent <args>` as a child process.
 *
 * @example
 * ```ts
 * declare const torrent: string, file: string;
 * const seeder = startChild('seeder', ['seed', torrent, '-d', file, '--json']);
 * ```
 */
export function startChild(name: string, args: readonly string[]): Child {
  const proc = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const states = new ReplaySubject<SessionState>(1);
  proc.on('exit', () => states.complete());
  const child: Child = {
    name,
    process: proc,
    latest: undefined,
    states$: states.asObservable(),
    errors: [],
    exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))),
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const seen = lines.map((l) => pattern.exec(l)).find((m) => m !== null);
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`${name}: no line matching ${pattern} after ${timeoutMs} ms: ${child.errors.join(' | ')}`)), timeoutMs);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      }),
    stop: () => void proc.kill('SIGTERM'),
  };
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (line.startsWith('{')) {
      child.latest = JSON.parse(line) as SessionState;
      states.next(child.latest);
      return;
    }
    lines.push(line);
    for (const w of [...waiters]) {
      const m = w.pattern.exec(line);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  createInterface({ input: proc.stderr }).on('line', (line) => {
    child.errors.push(line);
    if (child.errors.length > 20) child.errors.shift();
  });
  return child;
}
