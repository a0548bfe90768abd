/**
 * Open file handles for a torrent's files, opened lazily and capped: a torrent of 10,000 files
 * must not hold 10,000 descriptors. Handles in use are never evicted.
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { toStorageError } from './storageError.js';

/** Most handles kept open at once (the least recently used idle one is closed beyond it). */
export const MAX_OPEN_FILES = 128;

interface Entry {
  handle: Promise<FileHandle>;
  users: number;
  lastUsed: number;
}

/**
 * A small LRU pool of file handles keyed by path.
 *
 * @example
 * ```ts
 * declare const bytes: Uint8Array;
 * const pool = new HandlePool();
 * await pool.use('/data/a.part', 'r+', (fh) => fh.write(bytes, 0, bytes.length, 0));
 * ```
 */
export class HandlePool {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(private readonly maxOpen = MAX_OPEN_FILES) {}

  /** Runs `fn` with an open handle for `path` (opened with `flags` if not open yet). */
  async use<T>(path: string, flags: string, fn: (handle: FileHandle) => Promise<T>): Promise<T> {
    let entry = this.entries.get(path);
    if (entry === undefined) {
      entry = { handle: open(path, flags), users: 0, lastUsed: 0 };
      this.entries.set(path, entry);
      entry.handle.catch(() => this.entries.delete(path));
      this.evictIdle();
    }
    entry.users++;
    entry.lastUsed = ++this.clock;
    try {
      return await fn(await entry.handle.catch((err: unknown) => { throw toStorageError(err, `cannot open ${path}`); }));
    } finally {
      entry.users--;
    }
  }

  /** Closes the handle of `path`, if open. Call it only when nothing is using that path. */
  async closePath(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (entry === undefined) return;
    this.entries.delete(path);
    await (await entry.handle.catch(() => undefined))?.close();
  }

  /**
   * The file at `from` was renamed to `to`: its open handle, if any, now serves `to` (an open
   * descriptor follows its file through a rename).
   */
  rekey(from: string, to: string): void {
    const entry = this.entries.get(from);
    if (entry === undefined || this.entries.has(to)) return;
    this.entries.delete(from);
    this.entries.set(to, entry);
  }

  /** Closes every handle. */
  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((path) => this.closePath(path)));
  }

  private evictIdle(): void {
    while (this.entries.size > this.maxOpen) {
      let victim: [string, Entry] | undefined;
      for (const item of this.entries) {
        if (item[1].users === 0 && (victim === undefined || item[1].lastUsed < victim[1].lastUsed)) victim = item;
      }
      if (victim === undefined) return;
      void this.closePath(victim[0]);
    }
  }
}
