/**
 * The two orders in which interested peers compete for the regular unchoke slots. The choker
 * sorts the candidates with one of them and unchokes the first `slots`.
 *
 * @module
 */
import type { PeerKey } from '../scheduler/events.js';

/** What the orders know of one interested peer at a rechoke. */
export interface Candidate {
  readonly peer: PeerKey;
  /** Join order, for a deterministic last tie-break. */
  readonly seq: number;
  /** It holds a regular slot now (an optimistic unchoke does not count). */
  readonly holdsSlot: boolean;
  /** Seeding: it has held its regular slot for `seedTurnRounds` rechokes. */
  readonly turnOver: boolean;
  /** Bytes/s it sends us. */
  readonly downloadRate: number;
  /** Bytes/s we send it. */
  readonly uploadRate: number;
  /** Rechoke round it was last unchoked in (regular or optimistic), -1 when never. */
  readonly lastUnchokedRound: number;
}

/**
 * Leeching: tit-for-tat. Snubbed peers are not candidates at all (anti-snubbing); the choker
 * filters them out before sorting.
 *
 * @param a - one candidate
 * @param b - another
 * @returns negative when `a` deserves a slot more than `b`
 * @example
 * ```ts
 * declare const candidates: Candidate[];
 * const best = [...candidates].sort(leechingOrder).slice(0, 4);
 * ```
 */
export function leechingOrder(a: Candidate, b: Candidate): number {
  return (
    // 1. The peer uploading to us fastest first: reciprocate (BEP 3 tit-for-tat).
    b.downloadRate - a.downloadRate ||
    // 2. On a tie, a peer holding a regular slot keeps it: no flapping between equals.
    Number(b.holdsSlot) - Number(a.holdsSlot) ||
    // 3. Then the one waiting longest since its last unchoke (never unchoked first).
    a.lastUnchokedRound - b.lastUnchokedRound ||
    // 4. Join order: deterministic.
    a.seq - b.seq
  );
}

/**
 * Seeding: round robin weighted by how fast peers take our data. A slot is a turn: its holder
 * keeps it until the turn is over, then yields to whoever waited longest; among holders whose
 * turns are over, the fastest downloaders keep theirs when there are more slots than waiters.
 *
 * @param a - one candidate
 * @param b - another
 * @returns negative when `a` deserves a slot more than `b`
 * @example
 * ```ts
 * declare const candidates: Candidate[];
 * const best = [...candidates].sort(seedingOrder).slice(0, 4);
 * ```
 */
export function seedingOrder(a: Candidate, b: Candidate): number {
  return (
    // 1. A peer whose turn is over goes behind everyone else: when somebody waits, it yields.
    Number(a.turnOver) - Number(b.turnOver) ||
    // 2. A peer holding a regular slot keeps it until its turn is over (a turn, not a race).
    Number(b.holdsSlot) - Number(a.holdsSlot) ||
    // 3. The peer downloading from us fastest first; choked peers count as 0, so data still in
    //    flight after a choke never wins a slot back ahead of peers that waited.
    servedRate(b) - servedRate(a) ||
    // 4. The one waiting longest since its last unchoke (never unchoked first).
    a.lastUnchokedRound - b.lastUnchokedRound ||
    // 5. Join order: deterministic.
    a.seq - b.seq
  );
}

const servedRate = (c: Candidate): number => (c.holdsSlot ? c.uploadRate : 0);
