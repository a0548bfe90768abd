/**
 * The resume record: which pieces were verified, and the size and mtime of every file when
 * that was true. A restart whose files still match skips the recheck; any mismatch means a full
 * recheck (the record is a shortcut, never a source of truth). Written atomically: a temporary
 * file, fsync, rename, fsync of the directory.
 *
 * @module
 */
import { open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Bitfield } from '../../protocol/bitfield.js';
import type { Priority } from '../../protocol/scheduler/pieceLevels.js';
import type { FileState } from './fileStorage.js';

/** What a resume record holds. */
export interface ResumeRecord {
  readonly version: 1;
  readonly infoHash: string;
  readonly pieceCount: number;
  /** The verified pieces, as base64 of the bitfield bytes. */
  readonly have: string;
  readonly files: readonly FileState[];
  /** The file priorities the download ran with (as `rxtorrent info` numbers files); a restart that names none uses them. */
  readonly priorities?: readonly Priority[];
}

/** Largest record read (a million pieces is 125 KiB of bitfield; files add a little each). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * Where the record of a content path lives: a hidden sibling, `.<name>.rxresume`.
 *
 * @example
 * ```ts
 * resumePathOf('downloads/ubuntu.iso'); // 'downloads/.ubuntu.iso.rxresume'
 * ```
 */
export function resumePathOf(contentPath: string): string {
  return join(dirname(contentPath), `.${basename(contentPath)}.rxresume`);
}

/**
 * Reads a record; a missing, oversized or malformed one reads as undefined (then: full recheck).
 *
 * @example
 * ```ts
 * const record = await readResumeRecord(resumePathOf(path));
 * ```
 */
export async function readResumeRecord(path: string): Promise<ResumeRecord | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    if (text.length > MAX_RECORD_BYTES) return undefined;
    const value = JSON.parse(text) as Partial<ResumeRecord>;
    const valid =
      value.version === 1 && typeof value.infoHash === 'string' && Number.isSafeInteger(value.pieceCount) &&
      typeof value.have === 'string' && Array.isArray(value.files) &&
      value.files.every((f) => typeof f?.path === 'string' && Number.isSafeInteger(f.size) && Number.isFinite(f.mtimeMs)) &&
      (value.priorities === undefined || (Array.isArray(value.priorities) && value.priorities.every((p) => p === 'skip' || p === 'normal' || p === 'high')));
    return valid ? (value as ResumeRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a record atomically.
 *
 * @example
 * ```ts
 * declare const have: ResumeRecord['have'], files: ResumeRecord['files'];
 * await writeResumeRecord(resumePathOf(path), { version: 1, infoHash: torrent.infoHash, pieceCount, have, files });
 * ```
 */
export async function writeResumeRecord(path: string, record: ResumeRecord): Promise<void> {
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(record));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * The pieces a record vouches for, if it matches the torrent and every file on disk now.
 *
 * @param record - what was saved
 * @param expected - the torrent's info-hash and piece count
 * @param files - the files as they are now
 * @returns the verified pieces, or undefined when anything differs
 * @example
 * ```ts
 * declare const record: ResumeRecord, storage: FileStorage;
 * declare function recheck(): Promise<Bitfield>;
 * const have = resumeMatches(record, torrent, await storage.files()) ?? (await recheck());
 * ```
 */
export function resumeMatches(
  record: ResumeRecord | undefined,
  expected: { readonly infoHash: string; readonly pieceCount: number },
  files: readonly FileState[],
): Bitfield | undefined {
  if (record === undefined || record.infoHash !== expected.infoHash || record.pieceCount !== expected.pieceCount) return undefined;
  if (record.files.length !== files.length) return undefined;
  const same = record.files.every((f, i) => {
    const now = files[i];
    return now !== undefined && now.path === f.path && now.size === f.size && now.mtimeMs === f.mtimeMs;
  });
  if (!same) return undefined;
  try {
    return Bitfield.fromBytes(new Uint8Array(Buffer.from(record.have, 'base64')), expected.pieceCount);
  } catch {
    return undefined;
  }
}
