/**
 * The storage `openFileStorage` returns: positional reads and writes over the torrent's files
 * (through a capped handle pool), the parts file for skipped files' shares of pieces, and the
 * renames of `finalize`.
 *
 * @module
 */
import { makeDirs } from './makeDirs.js';
import { open, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StorageError } from '../../errors.js';
import { fileSpans, pieceSize, piecesOfFile, type Torrent, type TorrentFile } from '../../protocol/metainfo/index.js';
import { HandlePool } from './fileHandles.js';
import type { PieceStorage } from './pieceStorage.js';
import { PartsFile } from './partsFile.js';
import { prepareStaging, syncDir } from './staging.js';
import { toStorageError } from './storageError.js';

/** A file on disk as a resume record remembers it. */
export interface FileState {
  /** Where it is now (the `.part` name while staging). */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** A file storage, with what a session needs to know about the files on disk. */
export interface FileStorage extends PieceStorage {
  /** True once every file on disk, and every wanted one, has its final name. */
  readonly finalized: boolean;
  /** True when some content already existed on disk (worth a recheck before downloading). */
  readonly hasExistingData: boolean;
  /** Flushes written data to disk (fsync of every staging file). */
  flush(): Promise<void>;
  /** Size and modification time of every data file on disk (pad, empty and absent files left out). */
  files(): Promise<FileState[]>;
  /**
   * Which of `torrent.files` are wanted now. A newly wanted file is created (`.part`) and what the
   * parts file holds of it is copied in before any later write; files no longer wanted stay as
   * they are. Writes and reads wait for it.
   */
  want(wanted: readonly boolean[]): Promise<void>;
}

/** One file of a {@link DiskStorage}. */
export interface Slot {
  readonly file: TorrentFile;
  readonly finalPath: string;
  /** On disk, as `.part` or under its final name (false: never created, its bytes in the parts file). */
  present: boolean;
  staging: boolean;
  wanted: boolean;
  /** Set while finalize renames `.part` to the final name: paths are not known until it settles. */
  moving?: Promise<void>;
}

/** A span of a piece inside one file. */
type SpanFn = (slot: Slot, fileOffset: number, rangeOffset: number, length: number) => Promise<void>;

/**
 * Files on disk for one torrent (made by `openFileStorage`, which checks what exists).
 *
 * @example
 * ```ts
 * const storage = await openFileStorage(torrent, { path: 'downloads/album', wanted: [true, false] });
 * ```
 */
export class DiskStorage implements FileStorage {
  private readonly pool = new HandlePool();
  private readonly parts: PartsFile;
  /** Settles after every `want()` so far: writes and reads wait for it. */
  private gate: Promise<void> = Promise.resolve();
  private readonly staged = new Map<Slot, Promise<void>>();
  private finalizing: Promise<void> = Promise.resolve();
  private closed = false;
  finalized: boolean;

  constructor(
    private readonly torrent: Torrent,
    private readonly slots: Slot[],
    private readonly readOnly: boolean,
    readonly hasExistingData: boolean,
    partsPath: string,
  ) {
    this.parts = new PartsFile(torrent, partsPath, this.pool);
    this.finalized = slots.every((s) => s.file.pad || s.file.length === 0 || (!s.staging && (s.present || !s.wanted)));
  }

  async readBlock(index: number, begin: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    await this.readInto(index, begin, out);
    return out;
  }

  async readInto(index: number, begin: number, target: Uint8Array): Promise<void> {
    await this.gate;
    await this.forEachSpan(index, begin, target.length, async (slot, fileOffset, rangeOffset, spanLength) => {
      const span = target.subarray(rangeOffset, rangeOffset + spanLength);
      // Pad files, and a skipped file's bytes not in the parts file, were never written: zeros.
      if (slot.file.pad) return void span.fill(0);
      if (!slot.present) return this.parts.holds(index) ? this.parts.read(index, begin + rangeOffset, target, rangeOffset, spanLength) : void span.fill(0);
      const path = await this.settledPath(slot);
      await this.pool.use(path, this.readOnly ? 'r' : 'r+', async (fh) => {
        for (let done = 0; done < spanLength; ) {
          const { bytesRead } = await fh.read(target, rangeOffset + done, spanLength - done, fileOffset + done);
          if (bytesRead === 0) throw new StorageError('ERR_STORAGE_CHANGED', `${path} is shorter than expected`);
          done += bytesRead;
        }
      });
    });
  }

  async writePiece(index: number, data: Uint8Array): Promise<void> {
    if (this.readOnly) throw new StorageError('ERR_STORAGE_READ_ONLY', 'this storage is opened for seeding only');
    await this.gate;
    let parted = false;
    await this.forEachSpan(index, 0, data.length, async (slot, fileOffset, rangeOffset, spanLength) => {
      if (slot.file.pad) return;
      if (!slot.present) {
        // A shared piece keeps the skipped file's share in the parts file; a piece of the skipped
        // file alone (nothing asks for one, but no verified byte is dropped) creates the file.
        if (this.parts.holds(index)) {
          if (parted) return;
          parted = true;
          return this.parts.write(index, data);
        }
        await this.stage(slot);
      }
      await this.pool.use(await this.settledPath(slot), 'r+', async (fh) => {
        for (let done = 0; done < spanLength; ) {
          const { bytesWritten } = await fh.write(data, rangeOffset + done, spanLength - done, fileOffset + done);
          done += bytesWritten;
        }
      });
    });
  }

  want(wanted: readonly boolean[]): Promise<void> {
    const run = this.gate.then(async () => {
      this.assertOpen();
      for (const [i, slot] of this.slots.entries()) {
        slot.wanted = wanted[i] !== false;
        if (!slot.wanted || slot.present || slot.file.pad) continue;
        if (slot.file.length > 0) await this.unpark(i, slot);
        this.finalized = false;
      }
    });
    this.gate = run.catch(() => undefined);
    return run;
  }

  finalize(): Promise<void> {
    // One at a time: a second call (more files complete) renames what the first did not.
    const run = this.finalizing.then(() => this.finalizeNow());
    this.finalizing = run.catch(() => undefined);
    return run;
  }

  private async finalizeNow(): Promise<void> {
    this.assertOpen();
    await this.gate;
    const dirs = new Set<string>();
    for (const slot of this.slots) {
      if (slot.file.pad) continue;
      if (slot.file.length === 0) {
        if (!slot.wanted && !slot.present) continue;
        await makeDirs(dirname(slot.finalPath));
        await (await open(slot.finalPath, 'a')).close();
        slot.present = true;
      } else if (slot.staging) {
        const part = this.pathOf(slot);
        // The open handle survives the rename and moves to the final name with it, so reads in
        // flight go on, and reads and stats that start meanwhile (from the fsync on: a stat issued
        // just before the rename may run after it) wait for `moving`, then use the final name.
        slot.moving = this.pool.use(part, 'r+', (fh) => fh.sync()).then(() => rename(part, slot.finalPath)).then(() => {
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
    // Every file is on disk: nothing is parked any more.
    if (this.slots.every((s) => s.present || s.file.pad || s.file.length === 0)) await this.parts.remove();
    this.finalized = true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.gate;
    await this.pool.closeAll();
  }

  async flush(): Promise<void> {
    this.assertOpen();
    for (const slot of this.slots) {
      const path = await this.settledPath(slot);
      if (slot.staging) await this.pool.use(path, 'r+', (fh) => fh.datasync());
    }
    await this.parts.flush();
  }

  async files(): Promise<FileState[]> {
    const out: FileState[] = [];
    for (const slot of this.slots) {
      if (slot.file.pad || slot.file.length === 0 || !slot.present) continue;
      const path = await this.settledPath(slot);
      const stats = await stat(path).catch((err: unknown) => {
        throw toStorageError(err, `cannot stat ${path}`);
      });
      out.push({ path, size: stats.size, mtimeMs: stats.mtimeMs });
    }
    // The parts file holds verified bytes too: a record vouches for it only as it was.
    const parts = await stat(this.parts.path).catch(() => undefined);
    if (parts !== undefined) out.push({ path: this.parts.path, size: parts.size, mtimeMs: parts.mtimeMs });
    return out;
  }

  /** Creates a skipped file's `.part` and copies in what the parts file holds of it. */
  private async unpark(fileIndex: number, slot: Slot): Promise<void> {
    await this.stage(slot);
    const range = piecesOfFile(this.torrent, fileIndex);
    if (range === undefined) return;
    const file = slot.file;
    for (const index of range.first === range.last ? [range.first] : [range.first, range.last]) {
      if (!this.parts.holds(index)) continue;
      const pieceStart = index * this.torrent.pieceLength;
      const start = Math.max(file.offset, pieceStart);
      const end = Math.min(file.offset + file.length, pieceStart + pieceSize(this.torrent, index));
      const bytes = new Uint8Array(end - start);
      await this.parts.read(index, start - pieceStart, bytes, 0, bytes.length);
      await this.pool.use(this.pathOf(slot), 'r+', async (fh) => {
        for (let done = 0; done < bytes.length; ) done += (await fh.write(bytes, done, bytes.length - done, start - file.offset + done)).bytesWritten;
      });
    }
  }

  /** Creates the `.part` of a file not on disk yet (once, however many writes ask at once). */
  private stage(slot: Slot): Promise<void> {
    let staging = this.staged.get(slot);
    if (staging === undefined) {
      staging = prepareStaging(slot.finalPath, slot.file.length).then(() => {
        slot.staging = true;
        slot.present = true;
        this.finalized = false;
      });
      this.staged.set(slot, staging);
      staging.catch(() => this.staged.delete(slot));
    }
    return staging;
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

  private async forEachSpan(index: number, begin: number, length: number, fn: SpanFn): Promise<void> {
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
