/**
 * Pieces on disk. While downloading, each file lives as `<name>.part` (sparse, full size);
 * `finalize()` fsyncs and renames them, so a final name appears only when every wanted piece is
 * verified. Existing final files of the right size are used in place (a later recheck decides
 * what they hold). BEP 47 pad files are never written: they read as zeros. Files not wanted
 * (`wanted`, `want()`) are never created: the bytes of theirs that share a piece with a wanted
 * file go to the parts file (`partsFile.ts`), and are copied out of it if they are wanted later.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { StorageError } from '../../errors.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { DiskStorage, type FileStorage, type Slot } from './diskStorage.js';
import { partsPathOf } from './partsFile.js';
import { prepareStaging } from './staging.js';
import { checkStorageNames } from './stagingNames.js';

/** Options of {@link openFileStorage}. */
export interface FileStorageConfig {
  /** The content path: the file of a single-file torrent, the top folder of a multi-file one. */
  readonly path: string;
  /**
   * `'download'`: missing files are staged as `.part`; `'seed'`: every file must already exist
   * with its exact size, and nothing is ever written. @default 'download'
   */
  readonly mode?: 'download' | 'seed';
  /** Which of `torrent.files` are wanted (missing entries: wanted); see {@link FileStorage.want}. @default all */
  readonly wanted?: readonly boolean[];
}

export type { FileState, FileStorage, Slot } from './diskStorage.js';

/**
 * Opens (and in download mode creates) the files of `torrent` under `config.path`.
 *
 * @param torrent - the torrent whose files these are
 * @param config - content path and mode
 * @returns the storage
 * @throws {@link StorageError} `ERR_STORAGE_NAME_COLLISION` / `ERR_STORAGE_UNSAFE_NAME` (see
 *   `checkStorageNames`), `ERR_STORAGE_CONFLICT` when a final file exists with another size,
 *   `ERR_STORAGE_MISSING` in seed mode when a file is absent, or an I/O code
 * @example
 * ```ts
 * import { join } from 'node:path';
 * const storage = await openFileStorage(torrent, { path: join('downloads', torrent.name) });
 * ```
 */
export async function openFileStorage(torrent: Torrent, config: FileStorageConfig): Promise<FileStorage> {
  const seed = config.mode === 'seed';
  checkStorageNames(torrent, { staging: !seed });
  const slots: Slot[] = [];
  const partsPath = partsPathOf(config.path);
  let existing = !seed && (await stat(partsPath).then((s) => s.size > 0, () => false));
  for (const [index, file] of torrent.files.entries()) {
    const finalPath = torrent.multiFile ? join(config.path, ...file.path) : config.path;
    const size = await stat(finalPath).then((s) => (s.isFile() ? s.size : -1), () => undefined);
    if (size === -1) throw new StorageError('ERR_STORAGE_CONFLICT', `${finalPath} exists and is not a regular file`);
    if (size !== undefined && size !== file.length && !file.pad) {
      throw new StorageError('ERR_STORAGE_CONFLICT', `${finalPath} exists with ${size} bytes; the torrent says ${file.length}`);
    }
    if (seed && size === undefined && !file.pad && file.length > 0) {
      throw new StorageError('ERR_STORAGE_MISSING', `${finalPath} is missing: nothing to seed`);
    }
    existing ||= size !== undefined && file.length > 0 && !file.pad;
    const wanted = seed || config.wanted?.[index] !== false;
    // A skipped file is staged only if an earlier run left its `.part`.
    const data = !file.pad && file.length > 0;
    const staging = size === undefined && !seed && data && (wanted || (await stat(`${finalPath}.part`).then(() => true, () => false)));
    if (staging) existing ||= await prepareStaging(finalPath, file.length);
    slots.push({ file, finalPath, staging, wanted, present: size !== undefined || staging });
  }
  return new DiskStorage(torrent, slots, seed, existing, partsPath);
}
