/**
 * The values that flow down the piece pipeline:
 * block (accepted by the scheduler) → AssembledPiece → PieceVerdict → PieceWritten.
 *
 * @module
 */
import type { PeerKey } from '../scheduler/index.js';

/** A block the scheduler accepted: we asked for it and it arrived first. */
export interface ReceivedBlock {
  readonly peer: PeerKey;
  readonly index: number;
  readonly begin: number;
  readonly data: Uint8Array;
}

/** Every block of a piece, in one buffer, with the peers that sent them. */
export interface AssembledPiece {
  readonly index: number;
  readonly data: Uint8Array;
  /** The distinct peers that sent blocks of this piece. */
  readonly peers: readonly PeerKey[];
  /** The sender of each block, by block index (for smart-ban attribution). */
  readonly blockPeers: readonly PeerKey[];
  /** The SHA-1 of `data`, when the assembler hashed it while the blocks arrived. */
  readonly digest?: Uint8Array;
}

/** The SHA-1 verdict on an assembled piece; both carry the piece, for smart-ban attribution. */
export type PieceVerdict =
  | ({ readonly type: 'verified' } & AssembledPiece)
  | ({ readonly type: 'failed' } & AssembledPiece);

/** Acknowledgement from storage: the piece is on disk. */
export interface PieceWritten {
  readonly index: number;
  readonly length: number;
}
