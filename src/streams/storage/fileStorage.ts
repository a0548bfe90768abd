/**
 * Pieces on disk. While downloading, each file lives as `<name>.part` (sparse, full size);
 * `finalize()` fsyncs and renames them, so a final name appears only when the whole torrent is
 * verified. Existing final files of the right size are used in place (a later recheck decides
 * what they hold). BEP 47 pad files are never written: they read as zeros.
 *
 * @module
 */
import { mkdir, open, rename, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { StorageError } from '../../errors.js';
import { fileSpans, pieceSize, type Torrent, type TorrentFile } from '../../protocol/metainfo/index.js';
import { HandlePool } from './fileHandles.js';
import type { PieceStorage } from './pieceStorage.js';
import { toStorageError } from './storageError.js';

/** Options of {@link openFileStorage}. */
export interface FileStorageConfig {
  /** The content path: the file of a single-file torrent, the top folder of a multi-file one. */
  readonly path: string;
  /**
   * `'download'`: missing files are staged as `.part`; `'seed'`: every file must already exist
   * with its exact size, and nothing is ever written. @default 'download'
   */
  readonly mode?: 'download' | 'seed';
}

/** A file on disk as a resume record remembers it. */
export interface FileState {
  /** Where it is now (the `.part` name while staging). */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** A file storage, with what a session needs to know about the files on disk. */
export interface FileStorage extends PieceStorage {
  /** True once every file has its final name. */
  readonly finalized: boolean;
  /** True when some content already existed on disk (worth a recheck before downloading). */
  readonly hasExistingData: boolean;
  /** Flushes written data to disk (fsync of every staging file). */
  flush(): Promise<void>;
  /** Size and modification time of every data file (pad and empty files left out). */
  files(): Promise<FileState[]>;
}

interface Slot {
  readonly file: TorrentFile;
  readonly finalPath: string;
  staging: boolean;
  /** Set while finalize renames `.part` to the final name: paths are not known until it settles. */
  moving?: Promise<void>;
}

/**
 * Opens (and in download mode creates) the files of `torrent` under `config.path`.
 *
 * @param torrent - the torrent whose files these are
 * @param config - content path and mode
 * @returns the storage
 * @throws {@link StorageError} `ERR_STORAGE_CONFLICT` when a final file exists with another size,
 *   `ERR_STORAGE_MISSING` in seed mode when a file is absent, or an I/O code
 * @example
 * ```ts
 * const storage = await openFileStorage(torrent, { path: join('downloads', torrent.name) });
 * ```
 */
export async function openFileStorage(torrent: Torrent, config: FileStorageConfig): Promise<FileStorage> {
  const seed = config.mode === 'seed';
  const slots: Slot[] = [];
  let existing = false;
  for (const file of torrent.files) {
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
    const staging = size === undefined && !seed && !file.pad && file.length > 0;
    if (staging) existing ||= await prepareStaging(finalPath, file.length);
    slots.push({ file, finalPath, staging });
  }
  return new DiskStorage(torrent, slots, seed, existing);
}

/** Creates or resizes `<path>.part`; returns true when it already held data. */
async function prepareStaging(finalPath: string, length: number): Promise<boolean> {
  const partPath = `${finalPath}.part`;
  try {
    await mkdir(dirname(finalPath), { recursive: true });
    const before = await stat(partPath).then((s) => s.size, () => undefined);
    if (before === undefined) await (await open(partPath, 'wx')).close();
    if (before !== length) await truncate(partPath, length);
    return before !== undefined;
  } catch (err) {
    throw toStorageError(err, `cannot prepare ${partPath}`);
  }
}

class DiskStorage implements FileStorage {
  private readonly pool = new HandlePool();
  private closed = false;
  finalized: boolean;

  constructor(
    private readonly torrent: Torrent,
    private readonly slots: Slot[],
    private readonly readOnly: boolean,
    readonly hasExistingData: boolean,
  ) {
    this.finalized = slots.every((s) => !s.staging);
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    await this.forEachSpan(index, begin, length, async (slot, fileOffset, rangeOffset, spanLength) => {
      if (slot.file.pad) return;
      const path = await this.settledPath(slot);
      await this.pool.use(path, this.readOnly ? 'r' : 'r+', async (fh) => {
        for (let done = 0; done < spanLength; ) {
          const { bytesRead } = await fh.read(out, rangeOffset + done, spanLength - done, fileOffset + done);
          if (bytesRead === 0) throw new StorageError('ERR_STORAGE_CHANGED', `${path} is shorter than expected`);
          done += bytesRead;
        }
      });
    });
    return out;
  }

  async writePiece(index: number, data: Uint8Array): Promise<void> {
    if (this.readOnly) throw new StorageError('ERR_STORAGE_READ_ONLY', 'this storage is opened for seeding only');
    await this.forEachSpan(index, 0, data.length, async (slot, fileOffset, rangeOffset, spanLength) => {
      if (slot.file.pad) return;
      await this.pool.use(await this.settledPath(slot), 'r+', async (fh) => {
        for (let done = 0; done < spanLength; ) {
          const { bytesWritten } = await fh.write(data, rangeOffset + done, spanLength - done, fileOffset + done);
          done += bytesWritten;
        }
      });
    });
  }

  async finalize(): Promise<void> {
    this.assertOpen();
    const dirs = new Set<string>();
    for (const slot of this.slots) {
      if (slot.file.pad) continue;
      if (slot.file.length === 0) {
        await mkdir(dirname(slot.finalPath), { recursive: true });
        await (await open(slot.finalPath, 'a')).close();
      } else if (slot.staging) {
        const part = this.pathOf(slot);
        await this.pool.use(part, 'r+', (fh) => fh.sync());
        // The open handle survives the rename and moves to the final name with it, so reads in
        // flight go on, and reads that start meanwhile wait for `moving`, then use the final name.
        slot.moving = rename(part, slot.finalPath).then(() => {
          this.pool.rekey(part, slot.finalPath);
          slot.staging = false;
        });
        try {
          await slot.moving;
        } finally {
          slot.moving = undefined;
        }
      } else {
        continue;
      }
      dirs.add(dirname(slot.finalPath));
    }
    // The renames are durable only once their directories are flushed too.
    for (const dir of dirs) await syncDir(dir);
    this.finalized = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool.closeAll();
  }

  async flush(): Promise<void> {
    this.assertOpen();
    for (const slot of this.slots) {
      const path = await this.settledPath(slot);
      if (slot.staging) await this.pool.use(path, 'r+', (fh) => fh.datasync());
    }
  }

  async files(): Promise<FileState[]> {
    const out: FileState[] = [];
    for (const slot of this.slots) {
      if (slot.file.pad || slot.file.length === 0) continue;
      const path = await this.settledPath(slot);
      const stats = await stat(path).catch((err: unknown) => {
        throw toStorageError(err, `cannot stat ${path}`);
      });
      out.push({ path, size: stats.size, mtimeMs: stats.mtimeMs });
    }
    return out;
  }

  private pathOf(slot: Slot): string {
    return slot.staging ? `${slot.finalPath}.part` : slot.finalPath;
  }

  /** The slot's path once any rename in progress has settled (failed renames leave `.part`). */
  private async settledPath(slot: Slot): Promise<string> {
    if (slot.moving !== undefined) await slot.moving.catch(() => undefined);
    return this.pathOf(slot);
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('ERR_STORAGE_CLOSED', 'storage is closed');
  }

  private async forEachSpan(
    index: number, begin: number, length: number,
    fn: (slot: Slot, fileOffset: number, rangeOffset: number, length: number) => Promise<void>,
  ): Promise<void> {
    this.assertOpen();
    const size = index >= 0 && index < this.torrent.pieceCount ? pieceSize(this.torrent, index) : -1;
    if (!Number.isInteger(begin) || begin < 0 || length < 0 || begin + length > size) {
      throw new StorageError('ERR_STORAGE_OUT_OF_RANGE', `piece ${index} [${begin}, +${length}) is outside the torrent`);
    }
    const spans = fileSpans(this.torrent.files, index * this.torrent.pieceLength + begin, length);
    try {
      await Promise.all(spans.map((s) => fn(this.slots[s.fileIndex] as Slot, s.fileOffset, s.rangeOffset, s.length)));
    } catch (err) {
      throw toStorageError(err, `piece ${index}`);
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
