/**
 * The parts file: where the bytes of skipped files go when a piece is shared with a wanted file
 * (as libtorrent's `.parts`). The wanted file's bytes go to the wanted file; the whole piece goes
 * here too, so the skipped file never appears on disk, and if it is wanted later its bytes are
 * copied out of here instead of fetched again.
 *
 * Layout: slot `k` (at `k × pieceLength`) holds the `k`-th shared piece, a piece that holds bytes
 * of two or more files. Slots are fixed by the torrent alone, so the file needs no index: what a
 * slot holds is known from the session's verified pieces. The file is sparse; only slots of
 * pieces actually written take space.
 *
 * @module
 */
import { makeDirs } from './makeDirs.js';
import { access, open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { HandlePool } from './fileHandles.js';
import { toStorageError } from './storageError.js';

/**
 * Where the parts file of a content path lives: a hidden sibling, `.<name>.rxparts` (beside the
 * resume record, outside the content, so no torrent file name can collide with it).
 *
 * @example
 * ```ts
 * partsPathOf('downloads/album'); // 'downloads/.album.rxparts'
 * ```
 */
export function partsPathOf(contentPath: string): string {
  return join(dirname(contentPath), `.${basename(contentPath)}.rxparts`);
}

/**
 * The pieces that hold bytes of two or more (non-pad, non-empty) files, ascending. Only a file's
 * first and last piece can be shared, so this is linear in the number of files.
 *
 * @example
 * ```ts
 * sharedPieces(torrent); // [9, 16] for three files meeting inside pieces 9 and 16
 * ```
 */
export function sharedPieces(torrent: Pick<Torrent, 'files' | 'pieceLength'>): number[] {
  const owners = new Map<number, number>();
  for (const file of torrent.files) {
    if (file.pad || file.length === 0) continue;
    const first = Math.floor(file.offset / torrent.pieceLength);
    const last = Math.floor((file.offset + file.length - 1) / torrent.pieceLength);
    owners.set(first, (owners.get(first) ?? 0) + 1);
    if (last !== first) owners.set(last, (owners.get(last) ?? 0) + 1);
  }
  return [...owners].filter(([, n]) => n > 1).map(([piece]) => piece).sort((a, b) => a - b);
}

/**
 * One torrent's parts file.
 *
 * @example
 * ```ts
 * declare const pool: HandlePool, pieceBytes: Uint8Array;
 * const parts = new PartsFile(torrent, partsPathOf(path), pool);
 * if (parts.holds(9)) await parts.write(9, pieceBytes);
 * ```
 */
export class PartsFile {
  private readonly slots: readonly number[];
  private created = false;

  constructor(
    private readonly torrent: Pick<Torrent, 'files' | 'pieceLength'>,
    readonly path: string,
    private readonly pool: HandlePool,
  ) {
    this.slots = sharedPieces(torrent);
  }

  /** True for a shared piece (one this file has a slot for). */
  holds(index: number): boolean {
    return this.slotOf(index) >= 0;
  }

  /** Stores a whole shared piece in its slot. */
  async write(index: number, data: Uint8Array): Promise<void> {
    const at = this.offsetOf(index);
    await this.create();
    await this.pool.use(this.path, 'r+', async (fh) => {
      for (let done = 0; done < data.length; ) done += (await fh.write(data, done, data.length - done, at + done)).bytesWritten;
    });
  }

  /**
   * Reads `length` bytes at `begin` of a shared piece's slot into `out` at `outOffset`. What was
   * never written reads as zeros (`out` is expected zeroed there).
   */
  async read(index: number, begin: number, out: Uint8Array, outOffset: number, length: number): Promise<void> {
    const at = this.offsetOf(index) + begin;
    if (!this.created && !(await access(this.path).then(() => true, () => false))) return;
    this.created = true;
    await this.pool.use(this.path, 'r+', async (fh) => {
      for (let done = 0; done < length; ) {
        const { bytesRead } = await fh.read(out, outOffset + done, length - done, at + done);
        if (bytesRead === 0) return;
        done += bytesRead;
      }
    });
  }

  /** Flushes what was written (if anything was). */
  async flush(): Promise<void> {
    if (this.created) await this.pool.use(this.path, 'r+', (fh) => fh.datasync());
  }

  /** Removes the file (once no file of the torrent is skipped any more). */
  async remove(): Promise<void> {
    await this.pool.closePath(this.path);
    await rm(this.path, { force: true }).catch((err: unknown) => {
      throw toStorageError(err, `cannot remove ${this.path}`);
    });
    this.created = false;
  }

  private async create(): Promise<void> {
    if (this.created) return;
    try {
      await makeDirs(dirname(this.path));
      await (await open(this.path, 'a')).close();
    } catch (err) {
      throw toStorageError(err, `cannot create ${this.path}`);
    }
    this.created = true;
  }

  private offsetOf(index: number): number {
    const slot = this.slotOf(index);
    if (slot < 0) throw new RangeError(`piece ${index} is not shared by two files`);
    return slot * this.torrent.pieceLength;
  }

  private slotOf(index: number): number {
    let lo = 0;
    let hi = this.slots.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.slots[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    return this.slots[lo] === index ? lo : -1;
  }
}
