/**
 * The choking algorithm (BEP 3, as mainline and libtorrent run it), as a pure state machine: the
 * `chokePeers` operator feeds it peer events and calls {@link Choker.rechoke} every 10 s.
 *
 * Policy:
 * 1. `slots` regular slots go to interested peers, sorted by {@link leechingOrder} (tit-for-tat:
 *    who uploads to us fastest; snubbed peers never get one) or {@link seedingOrder} (round robin:
 *    a holder keeps its slot for `seedTurnRounds` rechokes, then yields to whoever waited
 *    longest; among holders, the fastest downloaders first).
 * 2. `optimisticSlots` optimistic unchokes go to interested peers without a regular slot, drawn
 *    at random, peers that joined within `newPeerMs` three times as likely (mainline's rule, so
 *    newcomers get a first piece to trade). Each lasts `optimisticRounds` rechokes; a holder
 *    that earns a regular slot frees its optimistic one at once.
 * 3. Everyone else is choked, including an unchoked peer that lost interest: it holds no slot
 *    from the moment it says `not-interested`, and is choked at the next rechoke.
 * 4. Quick path: a peer that becomes interested while a regular slot is free is unchoked at once,
 *    not at the next rechoke (a new leecher starts without waiting up to 10 s).
 * A slot freed by a peer leaving is refilled at the next rechoke.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-protocol
 * @module
 */
import { ChokerError } from '../../errors.js';
import type { PeerKey } from '../scheduler/events.js';
import { leechingOrder, seedingOrder, type Candidate } from './rank.js';
import { drawWeighted } from './drawWeighted.js';

/** What the choker needs to know of a peer's traffic at a rechoke. */
export interface PeerStats {
  /** Bytes/s we receive from the peer. */
  readonly downloadRate: number;
  /** Bytes/s we send the peer. */
  readonly uploadRate: number;
  /** It sent us nothing for a long time while we were waiting for blocks from it. */
  readonly snubbed: boolean;
}

/** Whether we still download (tit-for-tat) or only upload (round robin). */
export type ChokerMode = 'leeching' | 'seeding';

/** The changes a rechoke (or an interest change) asks for; peers already so are not listed. */
export interface ChokeDecisions {
  readonly unchoke: PeerKey[];
  readonly choke: PeerKey[];
}

/** Tuning of a {@link Choker}. */
export interface ChokerConfig {
  /** Regular unchoke slots. @default 4 */
  readonly slots?: number;
  /** Optimistic unchoke slots. @default 1 */
  readonly optimisticSlots?: number;
  /** Rechokes an optimistic unchoke lasts (3 × 10 s = 30 s). @default 3 */
  readonly optimisticRounds?: number;
  /** A peer that joined this recently is three times as likely to be unchoked optimistically. @default 60000 */
  readonly newPeerMs?: number;
  /** Seeding: rechokes a peer holds a regular slot before yielding it to a waiting peer. @default 3 */
  readonly seedTurnRounds?: number;
  /** RNG in [0, 1). @default Math.random */
  readonly random?: () => number;
}

/** Weight of a new peer in the optimistic draw (an established one weighs 1). */
export const NEW_PEER_WEIGHT = 3;

interface PeerState {
  readonly seq: number;
  readonly joinedAt: number;
  interested: boolean;
  /** Why it is unchoked; undefined while choked. */
  slot: 'regular' | 'optimistic' | undefined;
  /** Round the current slot was given in. */
  slotSince: number;
  /** Round it was last unchoked in, -1 when never. */
  lastUnchokedRound: number;
}

const none = (): ChokeDecisions => ({ unchoke: [], choke: [] });

/**
 * Decides which peers we upload to.
 *
 * @example
 * ```ts
 * declare const random: () => number;
 * declare function statsOf(peer: PeerKey): PeerStats;
 * const choker = new Choker({ slots: 4, random });
 * choker.join('a', now);
 * choker.interested('a', true);                      // → { unchoke: ['a'], choke: [] }: a slot was free
 * choker.rechoke(now + 10_000, statsOf, 'leeching');  // → the changes to send
 * ```
 */
export class Choker {
  private readonly peers = new Map<PeerKey, PeerState>();
  private readonly slots: number;
  private readonly optimisticSlots: number;
  private readonly optimisticRounds: number;
  private readonly newPeerMs: number;
  private readonly seedTurnRounds: number;
  private readonly random: () => number;
  private round = 0;
  private joined = 0;

  constructor(config: ChokerConfig = {}) {
    this.slots = count('slots', config.slots ?? 4, 0);
    this.optimisticSlots = count('optimisticSlots', config.optimisticSlots ?? 1, 0);
    this.optimisticRounds = count('optimisticRounds', config.optimisticRounds ?? 3, 1);
    this.seedTurnRounds = count('seedTurnRounds', config.seedTurnRounds ?? 3, 1);
    this.newPeerMs = config.newPeerMs ?? 60_000;
    if (!(this.newPeerMs >= 0)) throw new ChokerError('ERR_CHOKER_INVALID_ARGUMENT', `newPeerMs must be ≥ 0, not ${this.newPeerMs}`);
    this.random = config.random ?? Math.random;
  }

  /** Peers we unchoke now, in join order. */
  get unchoked(): PeerKey[] {
    return [...this.peers].filter(([, p]) => p.slot).map(([key]) => key);
  }

  /** Why `peer` is unchoked (`'regular'` or `'optimistic'`), undefined when choked or unknown. */
  slotOf(peer: PeerKey): 'regular' | 'optimistic' | undefined {
    return this.peers.get(peer)?.slot;
  }

  /** A peer connected: choked, not interested (BEP 3). A second join of the same key is ignored. */
  join(peer: PeerKey, now: number): void {
    if (this.peers.has(peer)) return;
    this.peers.set(peer, { seq: this.joined++, joinedAt: now, interested: false, slot: undefined, slotSince: 0, lastUnchokedRound: -1 });
  }

  /** A peer disconnected: forgotten. Its slot is refilled at the next rechoke. */
  leave(peer: PeerKey): void {
    this.peers.delete(peer);
  }

  /**
   * The peer says it is (or is no longer) interested in our data. Unknown peers are ignored.
   *
   * @param peer - the peer
   * @param interested - its new interest
   * @returns an unchoke of `peer` when it became interested while a regular slot is free (the
   *   quick path); otherwise nothing: losing interest frees the slot, the choke waits for the
   *   next rechoke
   */
  interested(peer: PeerKey, interested: boolean): ChokeDecisions {
    const p = this.peers.get(peer);
    if (!p || p.interested === interested) return none();
    p.interested = interested;
    if (!interested || p.slot || this.regularHolders() >= this.slots) return none();
    this.assign(p, 'regular');
    return { unchoke: [peer], choke: [] };
  }

  /**
   * Re-decides every slot: one round of the choking algorithm (every 10 s).
   *
   * @param now - current time in ms (for the new-peer weighting)
   * @param stats - a peer's current rates; called once for each interested peer
   * @param mode - leeching (tit-for-tat) or seeding (round robin)
   * @returns the peers to unchoke (best first) and to choke (join order)
   */
  rechoke(now: number, stats: (peer: PeerKey) => PeerStats, mode: ChokerMode): ChokeDecisions {
    this.round++;
    const candidates: Candidate[] = [];
    for (const [peer, p] of this.peers) {
      if (!p.interested) continue;
      const s = stats(peer);
      // Anti-snubbing: while leeching, a peer that stopped sending to us earns no regular slot.
      if (mode === 'leeching' && s.snubbed) continue;
      const holdsSlot = p.slot === 'regular';
      const turnOver = mode === 'seeding' && holdsSlot && this.round - p.slotSince >= this.seedTurnRounds;
      candidates.push({ peer, seq: p.seq, holdsSlot, turnOver, downloadRate: s.downloadRate, uploadRate: s.uploadRate, lastUnchokedRound: p.lastUnchokedRound });
    }
    candidates.sort(mode === 'leeching' ? leechingOrder : seedingOrder);
    const next = new Map<PeerKey, 'regular' | 'optimistic'>();
    for (const c of candidates.slice(0, this.slots)) next.set(c.peer, 'regular');
    for (const peer of this.optimisticPicks(now, next)) next.set(peer, 'optimistic');

    const unchoke = [...next.keys()].filter((peer) => !this.peers.get(peer)?.slot);
    const choke: PeerKey[] = [];
    for (const [peer, p] of this.peers) {
      const slot = next.get(peer);
      if (p.slot && !slot) choke.push(peer);
      if (!slot) p.slot = undefined;
      else if (p.slot !== slot || this.optimisticExpired(p)) this.assign(p, slot);
      else p.lastUnchokedRound = this.round;
    }
    return { unchoke, choke };
  }

  /** The optimistic unchokes after this rechoke: unexpired holders, then fresh draws. */
  private optimisticPicks(now: number, regular: ReadonlyMap<PeerKey, unknown>): PeerKey[] {
    const kept: PeerKey[] = [];
    const expired: PeerKey[] = [];
    const pool: PeerKey[] = [];
    for (const [peer, p] of this.peers) {
      if (!p.interested || regular.has(peer)) continue;
      if (p.slot !== 'optimistic') pool.push(peer);
      else if (this.optimisticExpired(p)) expired.push(peer);
      else kept.push(peer);
    }
    const picks = kept.slice(0, this.optimisticSlots);
    const weight = (peer: PeerKey): number => (now - (this.peers.get(peer)?.joinedAt ?? now) < this.newPeerMs ? NEW_PEER_WEIGHT : 1);
    picks.push(...drawWeighted(pool, weight, this.optimisticSlots - picks.length, this.random));
    // Too few others waiting: a holder whose turn ended may have another (a fresh turn).
    picks.push(...drawWeighted(expired, weight, this.optimisticSlots - picks.length, this.random));
    return picks;
  }

  /** An optimistic holder whose `optimisticRounds` are over. */
  private optimisticExpired(p: PeerState): boolean {
    return p.slot === 'optimistic' && this.round - p.slotSince >= this.optimisticRounds;
  }

  /** Interested peers holding a regular slot (an uninterested holder has given its slot up). */
  private regularHolders(): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.slot === 'regular' && p.interested) n++;
    return n;
  }

  private assign(p: PeerState, slot: 'regular' | 'optimistic'): void {
    p.slot = slot;
    p.slotSince = this.round;
    p.lastUnchokedRound = this.round;
  }
}

function count(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new ChokerError('ERR_CHOKER_INVALID_ARGUMENT', `${name} must be an integer ≥ ${min}, not ${value}`);
  return value;
}
