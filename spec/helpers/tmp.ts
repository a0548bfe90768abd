/**
 * Temporary directories for specs, always under `os.tmpdir()`. Set `RXTORRENT_KEEP_TMP=1` to
 * keep them after the run (their paths are printed) when debugging a failure.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link makeTempDir} and {@link useTempDir}. */
export interface TempDirOptions {
  /**
   * Directory mode after creation. `mkdtemp` makes it 0700; use 0o755 when a program running as
   * another user must read it (opentracker drops to `nobody`).
   * @default 0o700
   */
  mode?: number;
}

/**
 * Creates a fresh empty directory `os.tmpdir()/<prefix>XXXXXX`.
 *
 * @param prefix - start of the directory name
 * @param options - see {@link TempDirOptions}
 * @returns its absolute path
 */
export async function makeTempDir(prefix = 'rxtorrent-', options: TempDirOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (options.mode !== undefined) await chmod(dir, options.mode);
  return dir;
}

/**
 * Removes a directory tree made by {@link makeTempDir} (no-op with `RXTORRENT_KEEP_TMP=1`).
 *
 * @param dir - the directory
 */
export async function removeTempDir(dir: string): Promise<void> {
  if (process.env['RXTORRENT_KEEP_TMP'] === '1') {
    console.log(`      kept temp dir ${dir}`);
    return;
  }
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** A temp dir managed by mocha hooks; read {@link TempDir.path} only inside tests and hooks. */
export interface TempDir {
  /** Absolute path of the current directory; throws outside the hooks' lifetime. */
  readonly path: string;
}

/** Options of {@link useTempDir}. */
export interface UseTempDirOptions extends TempDirOptions {
  /** @default 'rxtorrent-' */
  prefix?: string;
  /**
   * `'each'`: a fresh directory per test (`beforeEach`/`afterEach`); `'all'`: one for the whole
   * `describe` (`before`/`after`).
   * @default 'each'
   */
  scope?: 'each' | 'all';
}

/**
 * Registers hooks in the enclosing `describe` that create a temp dir before each test (or once)
 * and remove it afterwards, even when the test fails.
 *
 * @param options - see {@link UseTempDirOptions}
 * @returns a handle whose `path` is the live directory
 * @example
 * ```ts
 * describe('seeding', () => {
 *   const tmp = useTempDir();
 *   it('writes', async () => { await writePayload(join(tmp.path, 'a.bin'), 1024, 1); });
 * });
 * ```
 */
export function useTempDir(options: UseTempDirOptions = {}): TempDir {
  const { prefix = 'rxtorrent-', scope = 'each', ...rest } = options;
  let current: string | undefined;
  const setUp = async (): Promise<void> => {
    current = await makeTempDir(prefix, rest);
  };
  const tearDown = async (): Promise<void> => {
    const dir = current;
    current = undefined;
    if (dir !== undefined) await removeTempDir(dir);
  };
  if (scope === 'all') {
    before(setUp);
    after(tearDown);
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }
  return {
    get path(): string {
      if (current === undefined) throw new Error('useTempDir().path read outside a test or hook');
      return current;
    },
  };
}
