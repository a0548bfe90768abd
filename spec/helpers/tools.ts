/**
 * Availability checks for the real programs the interop specs drive.
 *
 * A spec (or its `before` hook) calls {@link requireTool}; when the tool is missing the test is
 * skipped with a one-line reason, unless `RXTORRENT_REQUIRE_INTEROP=1` (set by `.ci/run`), where a
 * missing tool is an error so CI can never pass by skipping.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Debian's python3, the one that can `import libtorrent` (the first `python3` on PATH may not). */
export const PYTHON = '/usr/bin/python3';

/** Path of Debian's chromium binary. */
export const CHROMIUM = '/usr/bin/chromium';

/** The external tools the interop specs know about. */
export type Tool =
  | 'libtorrent'
  | 'aria2'
  | 'transmission'
  | 'mktorrent'
  | 'opentracker'
  | 'redis'
  | 'chromium'
  | 'nginx'
  | 'ffmpeg'
  | 'openssl';

/** Debian package that provides each tool (named in errors and skip messages). */
export const APT_PACKAGE: Readonly<Record<Tool, string>> = {
  libtorrent: 'python3-libtorrent',
  aria2: 'aria2',
  transmission: 'transmission-cli',
  mktorrent: 'mktorrent',
  opentracker: 'opentracker',
  redis: 'redis-server',
  chromium: 'chromium',
  nginx: 'nginx-light',
  ffmpeg: 'ffmpeg',
  openssl: 'openssl',
};

const BINARIES: Readonly<Record<Exclude<Tool, 'libtorrent'>, readonly string[]>> = {
  aria2: ['aria2c'],
  transmission: ['transmission-cli', 'transmission-create', 'transmission-show'],
  mktorrent: ['mktorrent'],
  opentracker: ['opentracker'],
  redis: ['redis-server', 'redis-cli'],
  chromium: [CHROMIUM],
  nginx: ['nginx'],
  ffmpeg: ['ffmpeg'],
  openssl: ['openssl'],
};

/** Why each tool is unusable (`null` when it is usable); filled lazily, once per process. */
const missingCache = new Map<Tool, string | null>();

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string): boolean {
  if (binary.includes('/')) return isExecutable(binary);
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  return dirs.some((dir) => isExecutable(join(dir, binary)));
}

function probe(tool: Tool): string | null {
  if (tool === 'libtorrent') {
    const r = spawnSync(PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore', timeout: 20_000 });
    return r.status === 0 ? null : `${PYTHON} cannot import libtorrent`;
  }
  const absent = BINARIES[tool].filter((b) => !onPath(b));
  return absent.length === 0 ? null : `${absent.join(', ')} not found`;
}

/**
 * Why `tool` is unusable on this machine, or `null` if it is usable. Cached per process.
 *
 * @param tool - the tool to check
 * @returns a short reason, or `null`
 */
export function toolMissing(tool: Tool): string | null {
  let reason = missingCache.get(tool);
  if (reason === undefined) {
    reason = probe(tool);
    missingCache.set(tool, reason);
  }
  return reason;
}

/**
 * Skips the current test (or, from a `before` hook, the whole suite) when `tool` is unusable.
 * With `RXTORRENT_REQUIRE_INTEROP=1` it throws instead, naming the tool and its apt package.
 *
 * @param ctx - mocha's `this` inside `it`/`before`/`beforeEach` (use a `function`, not an arrow)
 * @param tool - the tool the test needs
 * @example
 * ```ts
 * before(function () { requireTool(this, 'aria2'); });
 * ```
 */
export function requireTool(ctx: Mocha.Context, tool: Tool): void {
  const reason = toolMissing(tool);
  if (reason === null) return;
  const message = `${tool} unavailable (${reason}); apt-get install ${APT_PACKAGE[tool]}`;
  if (process.env['RXTORRENT_REQUIRE_INTEROP'] === '1') {
    throw new Error(`RXTORRENT_REQUIRE_INTEROP=1 but ${message}`);
  }
  console.log(`      skipped: ${message}`);
  ctx.skip();
}
