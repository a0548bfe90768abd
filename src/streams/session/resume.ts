/**
 * The session's use of resume records: trust a matching record instead of rechecking, and keep
 * the record current while downloading (every few seconds when something changed, after
 * completion, and on stop). Only downloads keep records; seeding given content always rechecks.
 *
 * @module
 */
import type { Bitfield } from '../../protocol/bitfield.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { Priority } from '../../protocol/scheduler/pieceLevels.js';
import { readResumeRecord, resumeMatches, resumePathOf, writeResumeRecord, type FileStorage } from '../storage/index.js';
import type { ProgressBook } from './progressBook.js';
import type { SessionStorage } from './sessionConfig.js';

/** True for storages that can describe their files (file storage, not memory). */
function hasFiles(storage: SessionStorage): storage is SessionStorage & Pick<FileStorage, 'files' | 'flush'> {
  return typeof (storage as Partial<FileStorage>).files === 'function' && typeof (storage as Partial<FileStorage>).flush === 'function';
}

/**
 * The pieces a resume record vouches for, or undefined (recheck then).
 *
 * @example
 * ```ts
 * declare const config: SessionConfig, storage: PieceStorage;
 * const have = await trustedHave(torrent, config.path, storage);
 * ```
 */
export async function trustedHave(torrent: Torrent, path: string, storage: SessionStorage): Promise<Bitfield | undefined> {
  if (!hasFiles(storage)) return undefined;
  const record = await readResumeRecord(resumePathOf(path));
  return record === undefined ? undefined : resumeMatches(record, torrent, await storage.files());
}

/**
 * The file priorities a download's resume record remembers, or undefined (none, or no record).
 *
 * @example
 * ```ts
 * declare const config: SessionConfig;
 * const files = config.files ?? (await rememberedPriorities(config.path)) ?? [];
 * ```
 */
export async function rememberedPriorities(path: string): Promise<readonly Priority[] | undefined> {
  return (await readResumeRecord(resumePathOf(path)))?.priorities;
}

/**
 * Saves resume records for one session.
 *
 * @example
 * ```ts
 * declare const storage: PieceStorage, book: ProgressBook;
 * const saver = new ResumeSaver(torrent, path, storage, book);
 * interval(10_000).subscribe(() => void saver.saveIfChanged());
 * ```
 */
export class ResumeSaver {
  private savedCount = -1;
  private saving: Promise<void> | undefined;

  constructor(
    private readonly torrent: Torrent,
    private readonly path: string,
    private readonly storage: SessionStorage,
    private readonly book: ProgressBook,
    /** The file priorities now (remembered for a restart that names none). */
    private readonly priorities: () => readonly Priority[] = () => [],
  ) {}

  /** Saves when pieces were added since the last save. Never rejects (a record is a shortcut). */
  saveIfChanged(): Promise<void> {
    return this.book.have.count === this.savedCount ? Promise.resolve() : this.save();
  }

  /** Saves now (after any save in progress). Never rejects. */
  async save(): Promise<void> {
    const storage = this.storage;
    if (!hasFiles(storage)) return;
    await this.saving;
    const count = this.book.have.count;
    this.saving = (async () => {
      // Data first, record second: the record never vouches for bytes still in flight.
      await storage.flush();
      const files = await storage.files();
      const have = Buffer.from(this.book.have.toBytes()).toString('base64');
      const priorities = [...this.priorities()];
      await writeResumeRecord(resumePathOf(this.path), { version: 1, infoHash: this.torrent.infoHash, pieceCount: this.torrent.pieceCount, have, files, ...(priorities.length === 0 ? {} : { priorities }) });
      this.savedCount = count;
    })().catch(() => undefined);
    await this.saving;
  }
}
