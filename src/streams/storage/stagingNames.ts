/**
 * The names file storage gives files on disk, checked before anything is created. A file is
 * staged as `<name>.part`, which a torrent may also list (`x` beside `x.part`, or a folder
 * `x.part/`): staging `x` would then write over the other file, and finalize would leave it
 * missing with `x` holding the wrong bytes. Such a torrent is refused. So are names the platform
 * cannot hold (`con`, `a:b` on Windows; `A` beside `a` on Windows and macOS).
 *
 * @module
 */
import { StorageError } from '../../errors.js';
import { foldName, nameProblems, problemKindsFor, type Torrent } from '../../protocol/metainfo/index.js';

/** Suffix of a staging file: `<final name>.part` while the file is incomplete. */
export const STAGING_SUFFIX = '.part';

/**
 * The staging name of a file at `finalPath`.
 *
 * @example
 * ```ts
 * stagingPathOf('downloads/album/x'); // 'downloads/album/x.part'
 * ```
 */
export function stagingPathOf(finalPath: string): string {
  return `${finalPath}${STAGING_SUFFIX}`;
}

/** Options of {@link checkStorageNames}. */
export interface StorageNamesOptions {
  /** A `process.platform` value: Windows names are checked on `win32`, case folds on `win32` and `darwin`. @default process.platform */
  readonly platform?: string;
  /** False when nothing will be staged (seeding): staging names cannot collide then. @default true */
  readonly staging?: boolean;
}

/**
 * Throws when `torrent` cannot be staged and finalized safely on `platform`.
 *
 * @param torrent - the torrent about to be opened.
 * @param options - the platform, and whether files will be staged (not when seeding).
 * @throws {@link StorageError} `ERR_STORAGE_NAME_COLLISION` when a file's staging name is
 *   another file's or folder's name; `ERR_STORAGE_UNSAFE_NAME` for a name `platform` cannot hold.
 * @example
 * ```ts
 * checkStorageNames(torrent, { platform: process.platform, staging: true });
 * ```
 */
export function checkStorageNames(torrent: Pick<Torrent, 'name' | 'files' | 'multiFile'>, options: StorageNamesOptions = {}): void {
  const { platform = process.platform, staging = true } = options;
  const kinds = problemKindsFor(platform);
  const unsafe = kinds.size === 0 ? undefined : nameProblems(torrent).find((p) => kinds.has(p.kind));
  if (unsafe !== undefined) {
    throw new StorageError('ERR_STORAGE_UNSAFE_NAME', `${unsafe.path}: ${unsafe.detail}; refused on ${platform}`);
  }
  if (!torrent.multiFile || !staging) return;
  const fold = kinds.has('case-collision') ? foldName : (s: string): string => s;
  // Every name as a node `<parent id>/<name>`: linear in the paths, no full-path strings.
  const nodes = new Map<string, number>();
  for (const file of torrent.files) {
    if (file.pad) continue;
    let parent = 0;
    for (const segment of file.path) {
      const key = `${parent}/${fold(segment)}`;
      let id = nodes.get(key);
      if (id === undefined) nodes.set(key, (id = nodes.size + 1));
      parent = id;
    }
  }
  for (const file of torrent.files) {
    if (file.pad || file.length === 0) continue;
    const parent = lastParent(file.path, nodes, fold);
    const staged = fold(file.path[file.path.length - 1]! + STAGING_SUFFIX);
    if (nodes.has(`${parent}/${staged}`)) {
      const shown = [torrent.name, ...file.path].join('/');
      throw new StorageError('ERR_STORAGE_NAME_COLLISION', `${shown} would be staged as ${shown}${STAGING_SUFFIX}, which the torrent also names`);
    }
  }
}

function lastParent(path: readonly string[], nodes: ReadonlyMap<string, number>, fold: (s: string) => string): number {
  let parent = 0;
  for (let j = 0; j < path.length - 1; j++) parent = nodes.get(`${parent}/${fold(path[j]!)}`)!;
  return parent;
}
