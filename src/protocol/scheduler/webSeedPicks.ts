/**
 * What a web seed (BEP 19) is asked for. HTTP prefers few long ranges, and a server is a fallback
 * beside peers, so the {@link PieceScheduler} picks for it differently from a peer:
 *
 * 1. pieces no peer has come first (only the web seeds can give them); unless peers cover the rest
 *    ({@link peersCover}), any other unstarted piece after them; higher priority levels first;
 * 2. a run goes on: the piece after the last one it started, if it may still take it; else a new
 *    run at the start of the longest stretch of such pieces, or at its middle when the piece before
 *    the stretch is being fetched (another run may be advancing into it);
 * 3. a started piece only if it is its own run's, or nobody is fetching it, or nothing is left to
 *    start; pieces with a deadline (a stream's next bytes) as peers do;
 * 4. in endgame only blocks no faster peer is fetching (none, when peers cover the rest).
 *
 * Peers, in turn, leave the free blocks of a run's pieces to its web seed while it is not covered
 * (see `pickPartial`), so its ranges are not cut into pieces.
 *
 * @module
 */
import { MAX_PIECE_LEVEL, type PieceLevel } from './availability.js';
import { BLOCK_LENGTH } from '../metainfo/layout.js';
import type { PartialPiece } from './partialPiece.js';
import type { PeerSlot } from './peerSlot.js';
import type { PickState } from './piecePicks.js';

/** A web seed this many times slower than the peers together only gets pieces no peer has. */
export const SLOW_WEB_SEED_FACTOR = 8;

/** What {@link peersCover} weighs. */
export interface WebSeedSteering {
  /** Bytes/s of the unchoked, unsnubbed peers (not web seeds) together. */
  readonly peerRate: number;
  /** Bytes/s of this web seed. */
  readonly seedRate: number;
  /** Bytes still to fetch. */
  readonly remainingBytes: number;
  readonly pieceLength: number;
}

/**
 * True when the peers cover what is left, so a web seed is not asked for what they deliver: it is
 * {@link SLOW_WEB_SEED_FACTOR} times slower than they are, or they would fetch all that is left
 * before it delivered one more piece. Never while either rate is unknown (0: no peer delivers, or
 * the web seed has not been measured — a stalled one is snubbed and its requests time out).
 *
 * @param s - rates and what is left
 * @returns whether the web seed only gets pieces no peer has
 * @example
 * ```ts
 * peersCover({ peerRate: 50e6, seedRate: 1e6, remainingBytes: 1 << 30, pieceLength: 1 << 18 }); // true: 50 times faster
 * peersCover({ peerRate: 1e6, seedRate: 2e6, remainingBytes: 1 << 30, pieceLength: 1 << 18 }); // false
 * ```
 */
export function peersCover(s: WebSeedSteering): boolean {
  if (s.peerRate <= 0 || s.seedRate <= 0) return false;
  if (s.seedRate * SLOW_WEB_SEED_FACTOR <= s.peerRate) return true;
  return s.remainingBytes * s.seedRate <= s.peerRate * s.pieceLength;
}

/** What the web seed picks read besides {@link PickState}. */
export interface WebSeedPickState extends PickState {
  /** Every slot, peers and web seeds. */
  readonly slots: Iterable<PeerSlot>;
  readonly pieceLength: number;
}

/**
 * Sets `web.covered` from the rates of the peers beside it (call before picking for it).
 *
 * @example
 * ```ts
 * declare const state: WebSeedPickState, slot: PeerSlot;
 * steerWebSeed(state, slot); // slot.covered: peers deliver the rest
 * ```
 */
export function steerWebSeed(state: WebSeedPickState, web: PeerSlot): void {
  let peerRate = 0;
  for (const slot of state.slots) if (!slot.webSeed && !slot.choked && !slot.snubbed) peerRate += slot.rate;
  let remainingBytes = state.availability.unstartedCount * state.pieceLength;
  for (const piece of state.partials.values()) remainingBytes += (piece.blockCount - piece.received) * BLOCK_LENGTH;
  web.covered = peersCover({ peerRate, seedRate: web.rate, remainingBytes, pieceLength: state.pieceLength });
}

/**
 * True while a web seed keeps the free blocks of its run's pieces from peers: it is joined, not
 * covered by peers and not snubbed.
 *
 * @example
 * ```ts
 * declare const slots: Map<PeerKey, PeerSlot>, piece: PartialPiece;
 * holdsRun(piece.runOf === undefined ? undefined : slots.get(piece.runOf)); // peers skip the piece's free blocks
 * ```
 */
export function holdsRun(web: PeerSlot | undefined): boolean {
  return web !== undefined && web.webSeed && !web.covered && !web.snubbed;
}

/** Web seeds that have every piece: a piece exactly this many have, no peer has. */
function fullWebSeeds(state: WebSeedPickState): number {
  let n = 0;
  for (const slot of state.slots) if (slot.webSeed && slot.has.isComplete) n++;
  return n;
}

/** True when `web` may fetch piece `index` at all: it has it, and no peer does unless it is not covered. */
function mayTake(state: WebSeedPickState, web: PeerSlot, index: number, webSeeds: number): boolean {
  return web.has.has(index) && (!web.covered || state.availability.count(index) <= webSeeds);
}

/**
 * A started piece for the web seed: one with a deadline, its own run's, or one nobody fetches;
 * with `anyPiece` (nothing is left to start) any it may take, so it does not wait on slow peers.
 *
 * @example
 * ```ts
 * declare const state: WebSeedPickState, slot: PeerSlot;
 * const pick = pickWebPartial(state, slot); // [piece, block] or undefined
 * ```
 */
export function pickWebPartial(state: WebSeedPickState, web: PeerSlot, anyPiece = false): [PartialPiece, number] | undefined {
  const webSeeds = fullWebSeeds(state);
  const ok = (piece: PartialPiece | undefined): piece is PartialPiece => piece !== undefined && piece.free > 0 && mayTake(state, web, piece.index, webSeeds);
  for (const index of state.deadlines) {
    const piece = state.partials.get(index);
    if (ok(piece)) return [piece, piece.firstFree()];
  }
  const own = state.partials.get(web.runNext - 1);
  if (ok(own)) return [own, own.firstFree()];
  for (const piece of state.partials.values()) if ((anyPiece || piece.idle) && ok(piece)) return [piece, piece.firstFree()];
  return undefined;
}

/**
 * An unstarted piece for the web seed (the rules of the module comment); it becomes its run's.
 *
 * @example
 * ```ts
 * declare const state: WebSeedPickState, slot: PeerSlot;
 * const index = pickWebUnstarted(state, slot);
 * ```
 */
export function pickWebUnstarted(state: WebSeedPickState, web: PeerSlot): number | undefined {
  const { availability } = state;
  const webSeeds = fullWebSeeds(state);
  const urgent = state.deadlines.find((i) => state.needs(i) && availability.isUnstarted(i) && mayTake(state, web, i, webSeeds));
  if (urgent !== undefined) return urgent;
  for (let level = MAX_PIECE_LEVEL as PieceLevel; level >= 1; level--) {
    // First the pieces only web seeds have, then (not covered) the rest.
    for (const exclusive of web.covered ? [true] : [true, false]) {
      if (availability.unstartedAt(level, exclusive ? webSeeds : undefined) === 0) continue;
      const fits = (i: number): boolean => availability.isUnstarted(i) && availability.level(i) === level && web.has.has(i) &&
        availability.count(i) > 0 && (!exclusive || availability.count(i) <= webSeeds);
      if (web.runNext >= 0 && web.runNext < availability.pieceCount && fits(web.runNext)) return web.runNext;
      const start = longestStretch(availability.pieceCount, fits);
      if (start === undefined) continue;
      const [first, length] = start;
      const before = first - 1;
      const advancing = before >= 0 && state.needs(before) && !availability.isUnstarted(before);
      return advancing ? first + Math.floor(length / 2) : first;
    }
  }
  return undefined;
}

/** The first and the length of the longest stretch of consecutive pieces that `fits` (the lowest on ties). */
function longestStretch(pieceCount: number, fits: (index: number) => boolean): [number, number] | undefined {
  let best: [number, number] | undefined;
  let start = -1;
  for (let i = 0; i <= pieceCount; i++) {
    if (i < pieceCount && fits(i)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && (best === undefined || i - start > best[1])) best = [start, i - start];
    start = -1;
  }
  return best;
}

/**
 * In endgame: a block requested from others, fewer than `duplicates` times, none of them a peer
 * measured at least as fast as this web seed; nothing when peers cover the rest, but pieces only
 * web seeds have.
 *
 * @example
 * ```ts
 * declare const state: WebSeedPickState, slot: PeerSlot;
 * const pick = pickWebEndgame(state, slot, 2);
 * ```
 */
export function pickWebEndgame(state: WebSeedPickState, web: PeerSlot, duplicates: number): [PartialPiece, number] | undefined {
  const webSeeds = fullWebSeeds(state);
  const slots = new Map<string, PeerSlot>();
  for (const slot of state.slots) slots.set(slot.key, slot);
  const faster = (key: string): boolean => {
    const slot = slots.get(key);
    return slot !== undefined && !slot.webSeed && !slot.snubbed && slot.rate > 0 && slot.rate >= web.rate;
  };
  for (const piece of state.partials.values()) {
    if (!mayTake(state, web, piece.index, webSeeds)) continue;
    for (let block = 0; block < piece.blockCount; block++) {
      if (!piece.isRequested(block) || piece.isRequestedFrom(block, web.key) || piece.requesterCount(block) >= duplicates) continue;
      if (!piece.requestersOf(block).some(faster)) return [piece, block];
    }
  }
  return undefined;
}
