/**
 * Creating a folder and its parents, one level at a time. Node's `mkdir(path, { recursive: true })`
 * never settles for some paths (under `/proc`, seen on Node 20: `-o /proc/nope` spun at 90 % CPU and
 * ignored SIGTERM); this walks up to the first folder that exists and creates each level below it,
 * so every failure is an ordinary error.
 *
 * @module
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Creates `dir` and any missing parents.
 *
 * @throws the file system's error (`ENOENT`, `EACCES`, `ENOTDIR` when a parent is a file, …)
 * @example
 * ```ts
 * await makeDirs('downloads/album/disc 1');
 * ```
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = await stat(at).catch(() => undefined);
    if (found !== undefined) {
      if (!found.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}' (${at} is a file)`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const level of missing.reverse()) {
    await mkdir(level).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}
