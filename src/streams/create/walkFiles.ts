/**
 * Lists the files a new torrent will hold: one file, or a folder walked recursively in a stable
 * sorted order. Symlinks and special files are refused: a torrent must not depend on where a
 * link happens to point.
 *
 * @module
 */
import { lstat, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CreateTorrentError } from '../../errors.js';
import { checkSegment } from '../../protocol/metainfo/index.js';

/** A file found on disk, with its path below the torrent's top folder. */
export interface SourceFile {
  readonly absolutePath: string;
  /** Segments below the top folder (`[name]` for a single-file torrent). */
  readonly path: readonly string[];
  readonly length: number;
  readonly mtimeMs: number;
}

/** What a path on disk turns into. */
export interface SourceLayout {
  readonly name: string;
  readonly multiFile: boolean;
  readonly files: readonly SourceFile[];
  readonly totalLength: number;
}

/**
 * Walks `root` (a file or a folder).
 *
 * @param root - the content to share
 * @returns the name, the files in layout order and the total length
 * @throws {@link CreateTorrentError} for a missing path, a symlink, a special file, no content
 * @example
 * ```ts
 * const { files, totalLength } = await walkFiles('./album');
 * ```
 */
export async function walkFiles(root: string): Promise<SourceLayout> {
  const stats = await statOrThrow(root);
  const name = checkSegment(basename(root), 'name');
  let files: SourceFile[];
  if (stats.isDirectory()) files = await walkDir(root, []);
  else files = [{ absolutePath: root, path: [name], length: stats.size, mtimeMs: stats.mtimeMs }];
  const totalLength = files.reduce((sum, f) => sum + f.length, 0);
  if (files.length === 0 || totalLength === 0) {
    throw new CreateTorrentError('ERR_CREATE_EMPTY', `${root} holds no data: a torrent needs at least one byte`);
  }
  return { name, multiFile: stats.isDirectory(), files, totalLength };
}

async function walkDir(dir: string, prefix: readonly string[]): Promise<SourceFile[]> {
  const names = (await readdir(dir)).sort(compareNames);
  const out: SourceFile[] = [];
  for (const entry of names) {
    const absolutePath = join(dir, entry);
    const stats = await statOrThrow(absolutePath);
    const path = [...prefix, checkSegment(entry, absolutePath)];
    if (stats.isDirectory()) out.push(...(await walkDir(absolutePath, path)));
    else out.push({ absolutePath, path, length: stats.size, mtimeMs: stats.mtimeMs });
  }
  return out;
}

async function statOrThrow(path: string) {
  let stats;
  try {
    stats = await lstat(path);
  } catch (cause) {
    throw new CreateTorrentError('ERR_CREATE_NOT_FOUND', `cannot read ${path}`, { cause });
  }
  if (stats.isSymbolicLink()) {
    throw new CreateTorrentError('ERR_CREATE_SYMLINK', `${path} is a symbolic link; copy the data or share the target`);
  }
  if (!stats.isFile() && !stats.isDirectory()) {
    throw new CreateTorrentError('ERR_CREATE_NOT_A_FILE', `${path} is neither a regular file nor a folder`);
  }
  return stats;
}

/** Code-point order, independent of locale: the same tree gives the same torrent everywhere. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
