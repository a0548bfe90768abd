/**
 * Running a command and measuring it: wall time, CPU seconds and peak RSS (GNU time's %M when
 * /usr/bin/time exists, otherwise polling /proc/PID/status).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** What one run cost. */
export interface Measurement {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssKiB: number;
  readonly stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs `cmd args` to completion (bounded by `timeoutSec`) and measures it. */
export function measure(cmd: string, args: readonly string[], timeoutSec = 600): Promise<Measurement> {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? [GNU_TIME, '-f', '@@%e %U %S %M', 'timeout', String(timeoutSec), cmd, ...args] : ['timeout', String(timeoutSec), cmd, ...args];
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, vmHwm(child.pid))), 50);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}: ${stderr.slice(-500)}`));
      const wall = Number(process.hrtime.bigint() - started) / 1e9;
      const m = /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      resolve(
        m === null
          ? { seconds: wall, cpuSeconds: NaN, peakRssKiB: peak, stdout }
          : { seconds: Number(m[1]), cpuSeconds: Number(m[2]) + Number(m[3]), peakRssKiB: Number(m[4]), stdout },
      );
    });
  });
}

function vmHwm(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Prints rows as an aligned text table. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
