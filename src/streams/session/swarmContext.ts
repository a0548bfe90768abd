/**
 * What every part of a running session shares: the torrent, its options, the client's port,
 * storage, progress, the clock, and the two ways out (fail, finish).
 *
 * @module
 */
import type { SchedulerLike } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { TokenBucket } from '../../protocol/rate/index.js';
import type { AnnounceFunction } from '../../tracker/client/announce.js';
import type { TorrentPeerOptions } from '../peer/index.js';
import type { ProgressBook } from './progressBook.js';
import type { SessionConfig, SwarmPort } from './sessionConfig.js';
import type { SnapshotBuilder } from './snapshotBuilder.js';
import type { SessionStorage } from './startRecheck.js';

/** The shared parts of one running session. */
export interface SwarmContext {
  readonly torrent: Torrent;
  readonly config: SessionConfig;
  readonly port: SwarmPort;
  readonly storage: SessionStorage;
  readonly book: ProgressBook;
  readonly snapshots: SnapshotBuilder;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly announce: AnnounceFunction | undefined;
  /** What every connection of this torrent is opened with. */
  readonly peerOptions: TorrentPeerOptions;
  /** Rate limits (client-wide and per torrent), unlimited ones left out. */
  readonly buckets: { readonly upload: readonly TokenBucket[]; readonly download: readonly TokenBucket[] };
  /** Ends the session with an error (disk failure, listener failure). */
  readonly fail: (err: unknown) => void;
}
