/**
 * Staging files on disk: `<name>.part` while a file downloads, and the directory flush that makes
 * a rename durable.
 *
 * @module
 */
import { makeDirs } from './makeDirs.js';
import { open, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { toStorageError } from './storageError.js';

/**
 * Creates or resizes `<finalPath>.part` (and its folders).
 *
 * @returns true when it already held data
 * @throws StorageError with an I/O code
 * @example
 * ```ts
 * const hadData = await prepareStaging('downloads/a/b.bin', 1 << 20);
 * ```
 */
export async function prepareStaging(finalPath: string, length: number): Promise<boolean> {
  const partPath = `${finalPath}.part`;
  try {
    await makeDirs(dirname(finalPath));
    const before = await stat(partPath).then((s) => s.size, () => undefined);
    if (before === undefined) await (await open(partPath, 'wx')).close();
    if (before !== length) await truncate(partPath, length);
    return before !== undefined;
  } catch (err) {
    throw toStorageError(err, `cannot prepare ${partPath}`);
  }
}

/**
 * Flushes a directory, so renames inside it survive a crash.
 *
 * @example
 * ```ts
 * await syncDir('downloads/a');
 * ```
 */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
