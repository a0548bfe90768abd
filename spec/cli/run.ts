import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI: specs run what users run (`npm test` builds first). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Result of one CLI run. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `rxtorrent ...args` (bounded by `timeoutMs`, `env` added to ours) and collects its output. */
export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number; env?: Readonly<Record<string, string>> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd, timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0', ...options.env } },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
