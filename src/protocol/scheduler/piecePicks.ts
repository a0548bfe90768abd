/**
 * Which block a peer with room in its pipeline is asked for next: the picking rules of the
 * {@link PieceScheduler}, as functions of its state.
 *
 * @module
 */
import type { Availability } from './availability.js';
import type { PartialPiece } from './partialPiece.js';
import type { PeerKey } from './events.js';
import type { PeerSlot } from './peerSlot.js';

/** What the picks read of the scheduler. */
export interface PickState {
  /** Started pieces, by index. */
  readonly partials: ReadonlyMap<number, PartialPiece>;
  readonly availability: Availability;
  /** Pieces with a deadline, most urgent first. */
  readonly deadlines: readonly number[];
  /** True for a piece we lack and do not skip. */
  needs(index: number): boolean;
  /** True while the web seed `key` keeps the free blocks of its run's pieces (joined, not covered). */
  holdsRun(key: PeerKey): boolean;
}

/**
 * A started piece the peer has with a free block: one with a deadline first (most urgent first),
 * else the most complete, leaving the pieces of a web seed's run to it unless `runsToo` (nothing
 * else is left to start).
 *
 * @example
 * ```ts
 * declare const state: PickState, peer: PeerSlot;
 * const pick = pickPartial(state, peer); // [piece, block] or undefined
 * ```
 */
export function pickPartial(state: PickState, peer: PeerSlot, runsToo = false): [PartialPiece, number] | undefined {
  for (const index of state.deadlines) {
    const piece = state.partials.get(index);
    if (piece !== undefined && piece.free > 0 && peer.has.has(index)) return [piece, piece.firstFree()];
  }
  let best: PartialPiece | undefined;
  for (const piece of state.partials.values()) {
    if (piece.free === 0 || !peer.has.has(piece.index)) continue;
    if (!runsToo && piece.runOf !== undefined && state.holdsRun(piece.runOf)) continue;
    if (best === undefined || piece.received > best.received) best = piece;
  }
  return best && [best, best.firstFree()];
}

/**
 * An unstarted piece to start for the peer: the most urgent one with a deadline, else of the
 * highest level the rarest (or, `sequential`, the lowest-indexed).
 *
 * @example
 * ```ts
 * declare const state: PickState, peer: PeerSlot;
 * const index = pickUnstarted(state, peer, false);
 * ```
 */
export function pickUnstarted(state: PickState, peer: PeerSlot, sequential: boolean): number | undefined {
  const urgent = state.deadlines.find((i) => state.needs(i) && state.availability.isUnstarted(i) && peer.has.has(i));
  if (urgent !== undefined) return urgent;
  const has = (i: number): boolean => peer.has.has(i);
  return sequential ? state.availability.pickFirst(has) : state.availability.pickRarest(has);
}

/**
 * In endgame: a block already requested from others that this peer has not been asked for, while
 * fewer than `duplicates` peers have it.
 *
 * @example
 * ```ts
 * declare const state: PickState, peer: PeerSlot;
 * const pick = pickEndgame(state, peer, 2);
 * ```
 */
export function pickEndgame(state: PickState, peer: PeerSlot, duplicates: number): [PartialPiece, number] | undefined {
  for (const piece of state.partials.values()) {
    if (!peer.has.has(piece.index)) continue;
    for (let block = 0; block < piece.blockCount; block++) {
      if (!piece.isRequested(block)) continue;
      if (!piece.isRequestedFrom(block, peer.key) && piece.requesterCount(block) < duplicates) return [piece, block];
    }
  }
  return undefined;
}
