/**
 * Geometry and tuning of the piece scheduler.
 *
 * @module
 */
import type { Bitfield } from '../bitfield.js';
import type { PipelineConfig } from './peerSlot.js';

/** Default bytes of pieces started but not yet on disk (see `maxPendingPieces`). */
export const MAX_PENDING_BYTES = 8 * 1024 * 1024;

/** Geometry and tuning of a {@link PieceScheduler}. */
export interface PieceSchedulerConfig extends Partial<PipelineConfig> {
  readonly pieceCount: number;
  readonly pieceLength: number;
  /** Total content length in bytes. */
  readonly length: number;
  /** Pieces we already have (verified on disk). */
  readonly have?: Bitfield;
  /** RNG in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Fetch pieces in index order instead of rarest first (within a priority level). @default false */
  readonly sequential?: boolean;
  /** Initial priority level of each piece (0 skip, 1 normal, 2 high). @default every piece normal */
  readonly levels?: Uint8Array;
  /** A request unanswered this long returns to the pool. @default 30000 */
  readonly requestTimeoutMs?: number;
  /** A peer that sends nothing this long while we wait is snubbed (pipeline of 1). @default 20000 */
  readonly snubTimeoutMs?: number;
  /** Most peers asked for the same block in endgame. @default 2 */
  readonly endgameDuplicates?: number;
  /** A peer that sends no BEP 10 `reqq` gets this many requests at most. @default 250 */
  readonly defaultMaxRequests?: number;
  /**
   * Pieces started but not yet verified and written, at most: no new piece starts beyond it, so
   * the memory held for pieces in flight is bounded whatever the disk's speed. 8 MiB keeps a
   * loopback transfer from libtorrent at full speed (measured: 16 MiB was no faster, and only
   * held 8 MiB more while the disk lagged).
   * @default enough pieces for 8 MiB (at least 8)
   */
  readonly maxPendingPieces?: number;
}
