/**
 * How a running session is steered and read from outside while it runs: the user's priorities
 * and the readers' positions go in; once the torrent's pieces are known, the session hands out
 * access to them. A {@link TorrentHandle} is one such control; a plain session has none.
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { Priority, RangePriority } from '../../protocol/scheduler/pieceLevels.js';
import type { ReaderPosition } from '../../protocol/scheduler/readahead.js';

/** What the user wants of a torrent. */
export interface PriorityChoice {
  /** Priority per file (as `rxtorrent info` numbers them, pad files left out); missing: normal. */
  readonly files: readonly Priority[];
  /** Byte ranges with a priority of their own. */
  readonly ranges: readonly RangePriority[];
}

/** Read access to a session's pieces, valid while the session runs. */
export interface TorrentAccess {
  readonly torrent: Torrent;
  /** True once piece `index` is verified and written. */
  has(index: number): boolean;
  /** Each piece as it is written (hot; completes when the session stops). */
  readonly written$: Observable<number>;
  /** Reads verified bytes of one piece. */
  readBlock(index: number, begin: number, length: number): Promise<Uint8Array>;
  /** The session's clock, ms. */
  now(): number;
}

/** A session's steering wheel. */
export interface SessionControl {
  /** The user's priorities, the latest first to each subscriber. */
  readonly priorities$: Observable<PriorityChoice>;
  /** Where the readers are, in the torrent's byte space, the latest first to each subscriber. */
  readonly readers$: Observable<readonly ReaderPosition[]>;
  /** The priorities the resume record remembers, for a restart whose user named none (optional). */
  restore?(files: readonly Priority[]): void;
  /** The session's pieces are known (after the recheck): readers may start. */
  attach(access: TorrentAccess): void;
  /** The session stopped (with its error, if it failed): readers end. */
  detach(error?: unknown): void;
}
