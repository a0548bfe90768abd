/**
 * The request strategy, as a pure state machine: `update(event, now) → commands`. No timers, no
 * sockets: the `schedulePieces` operator feeds it events and ticks and sends what it returns.
 *
 * Policy, in the order it is applied when a peer has room in its pipeline:
 * 1. pieces with a deadline (a stream's next bytes), most urgent first, partial or not;
 * 2. partial pieces, so pieces complete instead of all starting;
 * 3. otherwise an unstarted piece the peer has: of the highest priority level, the rarest (random
 *    tie-break), or the lowest-indexed with `sequential`; pieces at level 0 (skipped) never;
 * 4. in endgame — every missing block already requested — blocks requested from other peers,
 *    up to `endgameDuplicates` peers per block; the first arrival cancels the rest.
 *
 * Web seeds (`peer-joined` with `webSeed`) are picked for by the rules of `webSeedPicks`: runs of
 * consecutive pieces peers are not fetching, and less once peers cover the rest.
 *
 * @module
 */
import { Bitfield } from '../bitfield.js';
import { BLOCK_LENGTH } from '../metainfo/layout.js';
import { Availability, MAX_PIECE_LEVEL, type PieceLevel } from './availability.js';
import type { PeerKey, SchedulerCommand, SwarmEvent } from './events.js';
import { PartialPiece } from './partialPiece.js';
import { pickEndgame, pickPartial, pickUnstarted } from './piecePicks.js';
import { holdsRun, pickWebEndgame, pickWebPartial, pickWebUnstarted, steerWebSeed, type WebSeedPickState } from './webSeedPicks.js';
import { PeerSlot, type PipelineConfig } from './peerSlot.js';
import { MAX_PENDING_BYTES, type PieceSchedulerConfig } from './schedulerConfig.js';

export type { PieceSchedulerConfig } from './schedulerConfig.js';

/**
 * Rarest-first block scheduler with partial-pieces-first, adaptive pipelines, timeouts,
 * snubbing and endgame.
 *
 * @example
 * ```ts
 * const s = new PieceScheduler(torrent);
 * s.update({ type: 'peer-joined', peer: 'a' }, now);
 * s.update({ type: 'have-all', peer: 'a' }, now); // → [{ type: 'interested', peer: 'a' }]
 * s.update({ type: 'unchoke', peer: 'a' }, now);  // → 16 requests
 * ```
 */
export class PieceScheduler {
  private readonly have: Bitfield;
  private readonly availability: Availability;
  private readonly partials = new Map<number, PartialPiece>();
  /** Pieces whose blocks all arrived, waiting for their SHA-1 verdict. */
  private readonly verifying = new Set<number>();
  private readonly peers = new Map<PeerKey, PeerSlot>();
  private readonly pipeline: PipelineConfig;
  private readonly blocksPerPiece: number;
  private lastTick: number | undefined;
  private readonly maxPending: number;
  /** Pieces with a deadline, most urgent first. */
  private deadlines: readonly number[] = [];
  /** What the picking rules read. */
  private readonly picks: WebSeedPickState;

  constructor(private readonly config: PieceSchedulerConfig) {
    // A copy: the caller's bitfield must not change under it (each subscription starts afresh).
    this.have = config.have ? Bitfield.fromBytes(config.have.toBytes(), config.pieceCount) : new Bitfield(config.pieceCount);
    this.availability = new Availability(config.pieceCount, config.random ?? Math.random, (i) => !this.have.has(i));
    if (config.levels !== undefined) this.applyLevels(config.levels);
    const scheduler = this;
    this.picks = {
      partials: this.partials,
      availability: this.availability,
      get deadlines() {
        return scheduler.deadlines;
      },
      needs: (i) => this.needs(i),
      holdsRun: (key) => holdsRun(this.peers.get(key)),
      get slots() {
        return scheduler.peers.values();
      },
      pieceLength: config.pieceLength,
    };
    this.blocksPerPiece = Math.ceil(config.pieceLength / BLOCK_LENGTH);
    this.maxPending = config.maxPendingPieces ?? Math.max(8, Math.ceil(MAX_PENDING_BYTES / config.pieceLength));
    this.pipeline = {
      initialPipeline: config.initialPipeline ?? 16,
      minPipeline: config.minPipeline ?? 4,
      maxPipeline: config.maxPipeline ?? 500,
      queueTimeMs: config.queueTimeMs ?? 2000,
    };
  }

  /** True when every missing block is requested: duplicates are allowed now. */
  get endgame(): boolean {
    if (this.availability.unstartedCount > 0) return false;
    for (const piece of this.partials.values()) if (piece.free > 0) return false;
    return this.partials.size > 0;
  }

  /** True when every piece is verified. */
  get complete(): boolean {
    return this.have.isComplete;
  }

  /** Indices of pieces being downloaded (started, not yet verified). */
  downloading(): number[] {
    return [...this.partials.keys(), ...this.verifying];
  }

  /** The scheduler's view of one peer, for state snapshots. */
  peerInfo(peer: PeerKey): { inFlight: number; pipeline: number; snubbed: boolean; rate: number; interested: boolean } | undefined {
    const slot = this.peers.get(peer);
    return slot && { inFlight: slot.outstanding.size, pipeline: slot.target, snubbed: slot.snubbed, rate: slot.rate, interested: slot.interested };
  }

  /**
   * Applies one event.
   *
   * @param event - what happened in the swarm
   * @param now - current time in ms (from the injected scheduler)
   * @returns the commands to carry out, in order
   */
  update(event: SwarmEvent, now: number): SchedulerCommand[] {
    const out: SchedulerCommand[] = [];
    switch (event.type) {
      case 'peer-joined':
        if (!this.peers.has(event.peer)) {
          const max = event.maxRequests ?? this.config.defaultMaxRequests ?? 250;
          const slot = new PeerSlot(event.peer, this.config.pieceCount, max, now, this.pipeline);
          this.peers.set(event.peer, Object.assign(slot, { webSeed: event.webSeed === true }));
        }
        break;
      case 'request-limit':
        this.withPeer(event.peer, (p) => {
          p.maxRequests = Math.max(1, Math.floor(event.maxRequests));
          p.target = Math.min(p.target, p.maxRequests);
        });
        break;
      case 'bitfield':
        this.withPeer(event.peer, (p) => this.setHas(p, event.bitfield, now, out));
        break;
      case 'have-all':
        this.withPeer(event.peer, (p) => this.setHas(p, Bitfield.full(this.config.pieceCount), now, out));
        break;
      case 'have-none':
        this.withPeer(event.peer, (p) => this.setHas(p, new Bitfield(this.config.pieceCount), now, out));
        break;
      case 'have':
        this.withPeer(event.peer, (p) => this.addHave(p, event.index, now, out));
        break;
      case 'unchoke':
        this.withPeer(event.peer, (p) => {
          p.choked = false;
          p.lastDataAt = now;
          this.fill(p, now, out);
        });
        break;
      case 'choke':
        this.withPeer(event.peer, (p) => {
          p.choked = true;
          this.releaseAll(p);
          this.fillAll(now, out);
        });
        break;
      case 'reject':
        this.withPeer(event.peer, (p) => {
          const id = event.index * this.blocksPerPiece + event.begin / BLOCK_LENGTH;
          if (p.outstanding.delete(id)) this.partials.get(event.index)?.release(event.begin / BLOCK_LENGTH, p.key);
          this.fillAll(now, out);
        });
        break;
      case 'block':
        this.withPeer(event.peer, (p) => this.onBlock(p, event.index, event.begin, event.data, now, out));
        break;
      case 'peer-gone':
        this.withPeer(event.peer, (p) => {
          this.releaseAll(p);
          this.availability.forEachShuffled((index) => p.has.has(index) && this.availability.adjust(index, -1));
          this.peers.delete(p.key);
          this.fillAll(now, out);
        });
        break;
      case 'piece-verified':
        this.onVerified(event.index, out);
        // A written piece frees a pending slot: peers idle at the cap can start a new piece now,
        // not at the next tick or block (that pause stalled downloads whose disk lagged).
        this.fillAll(now, out);
        break;
      case 'piece-failed':
        this.onFailed(event.index, now, out);
        break;
      case 'priorities':
        this.applyLevels(event.levels);
        for (const peer of this.peers.values()) {
          peer.wanted = 0;
          for (const index of peer.has) if (this.needs(index)) peer.wanted++;
          this.updateInterest(peer, out);
        }
        this.fillAll(now, out);
        break;
      case 'deadlines':
        this.deadlines = event.pieces.filter((i) => Number.isInteger(i) && i >= 0 && i < this.config.pieceCount);
        this.fillAll(now, out);
        break;
      case 'tick':
        this.onTick(now, out);
        break;
    }
    return out;
  }

  private applyLevels(levels: Uint8Array): void {
    for (let i = 0; i < this.config.pieceCount; i++) this.availability.setLevel(i, Math.min(levels[i] ?? 1, MAX_PIECE_LEVEL) as PieceLevel);
  }

  private withPeer(key: PeerKey, fn: (peer: PeerSlot) => void): void {
    const peer = this.peers.get(key);
    if (peer !== undefined) fn(peer);
  }

  private needs(index: number): boolean {
    return !this.have.has(index) && this.availability.level(index) > 0;
  }

  private setHas(peer: PeerSlot, has: Bitfield, now: number, out: SchedulerCommand[]): void {
    if (has.pieceCount !== this.config.pieceCount) return;
    const old = peer.has;
    peer.has = new Bitfield(this.config.pieceCount);
    peer.wanted = 0;
    this.availability.forEachShuffled((index) => {
      if (old.has(index)) this.availability.adjust(index, -1);
      if (has.has(index)) this.markHas(peer, index);
    });
    this.updateInterest(peer, out);
    this.fill(peer, now, out);
  }

  private addHave(peer: PeerSlot, index: number, now: number, out: SchedulerCommand[]): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.config.pieceCount || peer.has.has(index)) return;
    this.markHas(peer, index);
    this.updateInterest(peer, out);
    // A peer that had nothing we wanted may have room in its pipeline now.
    if (this.needs(index)) this.fill(peer, now, out);
  }

  private markHas(peer: PeerSlot, index: number): void {
    peer.has.set(index);
    this.availability.adjust(index, 1);
    if (this.needs(index)) peer.wanted++;
  }

  private updateInterest(peer: PeerSlot, out: SchedulerCommand[]): void {
    const want = peer.wanted > 0;
    if (want === peer.interested) return;
    peer.interested = want;
    out.push({ type: want ? 'interested' : 'not-interested', peer: peer.key });
  }

  private blockLength(index: number, block: number): number {
    const pieceSize = Math.min(this.config.pieceLength, this.config.length - index * this.config.pieceLength);
    return Math.min(BLOCK_LENGTH, pieceSize - block * BLOCK_LENGTH);
  }

  private startPiece(index: number, by: PeerSlot): PartialPiece {
    const pieceSize = Math.min(this.config.pieceLength, this.config.length - index * this.config.pieceLength);
    const piece = new PartialPiece(index, Math.ceil(pieceSize / BLOCK_LENGTH));
    // A web seed's run goes on after it; peers leave the piece's free blocks to it.
    if (by.webSeed) [piece.runOf, by.runNext] = [by.key, index + 1];
    this.partials.set(index, piece);
    this.availability.markStarted(index);
    return piece;
  }

  /** Tops up one peer's pipeline following the policy in the module comment. */
  private fill(peer: PeerSlot, now: number, out: SchedulerCommand[]): void {
    // Refill in batches: a deep pipeline is topped up once it has drained by a quarter, not after
    // every block, so requests leave in a few large writes (measured: one small write per
    // arriving chunk cost two seconds of syscalls per gigabyte).
    if (peer.webSeed) steerWebSeed(this.picks, peer);
    if (peer.outstanding.size > 0 && peer.outstanding.size > peer.target - Math.floor(peer.target / 4)) return;
    while (peer.canRequest && peer.wanted > 0) {
      const pick = this.pick(peer);
      if (pick === undefined) return;
      const [piece, block] = pick;
      piece.request(block, peer.key);
      peer.outstanding.add(piece.index * this.blocksPerPiece + block, now);
      out.push({ type: 'request', peer: peer.key, index: piece.index, begin: block * BLOCK_LENGTH, length: this.blockLength(piece.index, block) });
    }
  }

  /** The next block to ask `peer` for: rules 1–4 of the module comment, or a web seed's. */
  private pick(peer: PeerSlot): [PartialPiece, number] | undefined {
    const web = peer.webSeed;
    let pick = web ? pickWebPartial(this.picks, peer) : pickPartial(this.picks, peer);
    if (pick === undefined && this.partials.size + this.verifying.size < this.maxPending) {
      const index = web ? pickWebUnstarted(this.picks, peer) : pickUnstarted(this.picks, peer, this.config.sequential === true);
      if (index !== undefined) pick = [this.startPiece(index, peer), 0];
    }
    pick ??= web ? pickWebPartial(this.picks, peer, true) : pickPartial(this.picks, peer, true);
    if (pick !== undefined || !this.endgame) return pick;
    return (web ? pickWebEndgame : pickEndgame)(this.picks, peer, this.config.endgameDuplicates ?? 2);
  }

  private fillAll(now: number, out: SchedulerCommand[]): void {
    for (const peer of this.peers.values()) this.fill(peer, now, out);
  }

  private onBlock(peer: PeerSlot, index: number, begin: number, data: Uint8Array, now: number, out: SchedulerCommand[]): void {
    const block = begin / BLOCK_LENGTH;
    const id = index * this.blocksPerPiece + block;
    const piece = this.partials.get(index);
    const asked = peer.outstanding.delete(id) || peer.late.delete(id);
    const fits = Number.isInteger(block) && data.length === (piece ? this.blockLength(index, block) : -1);
    const others = asked && fits ? piece?.receive(block, peer.key) : undefined;
    if (others === undefined) {
      // Unrequested, malformed, or a duplicate that lost the endgame race: drop it.
      peer.wastedBytes += data.length;
      if (asked) piece?.release(block, peer.key);
    } else {
      peer.bytesSinceTick += data.length;
      peer.lastDataAt = now;
      peer.snubbed = false;
      peer.delivered(this.pipeline);
      out.push({ type: 'block', peer: peer.key, index, begin, data });
      for (const other of others) {
        const slot = this.peers.get(other);
        if (slot?.outstanding.delete(id) === true) out.push({ type: 'cancel', peer: other, index, begin, length: data.length });
      }
      if (piece?.complete === true) {
        this.partials.delete(index);
        this.verifying.add(index);
      }
    }
    this.fill(peer, now, out);
  }

  private onVerified(index: number, out: SchedulerCommand[]): void {
    if (this.have.has(index)) return;
    this.have.set(index);
    this.verifying.delete(index);
    this.dropPartial(index, out);
    this.availability.markStarted(index);
    const wanted = this.availability.level(index) > 0;
    for (const peer of this.peers.values()) {
      if (!wanted || !peer.has.has(index)) continue;
      peer.wanted--;
      this.updateInterest(peer, out);
    }
  }

  private onFailed(index: number, now: number, out: SchedulerCommand[]): void {
    if (this.have.has(index)) return;
    this.verifying.delete(index);
    this.dropPartial(index, out);
    this.availability.markUnstarted(index);
    this.fillAll(now, out);
  }

  /** Forgets a started piece, cancelling what is still in flight for it. */
  private dropPartial(index: number, out: SchedulerCommand[]): void {
    const partial = this.partials.get(index);
    if (partial === undefined) return;
    this.partials.delete(index);
    for (const peer of this.peers.values()) {
      for (let block = 0; block < partial.blockCount; block++) {
        const id = index * this.blocksPerPiece + block;
        peer.late.delete(id);
        if (peer.outstanding.delete(id)) {
          out.push({ type: 'cancel', peer: peer.key, index, begin: block * BLOCK_LENGTH, length: this.blockLength(index, block) });
        }
      }
    }
  }

  /** Returns every block in flight to `peer` to the pool. */
  private releaseAll(peer: PeerSlot): void {
    peer.outstanding.forEach((id) => this.partials.get(Math.floor(id / this.blocksPerPiece))?.release(id % this.blocksPerPiece, peer.key));
    peer.outstanding.clear();
    peer.late.clear();
  }

  private onTick(now: number, out: SchedulerCommand[]): void {
    const elapsed = this.lastTick === undefined ? 0 : now - this.lastTick;
    this.lastTick = now;
    const timeout = this.config.requestTimeoutMs ?? 30_000;
    const snubAfter = this.config.snubTimeoutMs ?? 20_000;
    const timedOut = new Set<PeerSlot>();
    for (const peer of this.peers.values()) {
      peer.outstanding.forEach((id, sentAt) => {
        if (now - sentAt < timeout) return;
        peer.outstanding.delete(id);
        peer.late.add(id);
        timedOut.add(peer);
        this.partials.get(Math.floor(id / this.blocksPerPiece))?.release(id % this.blocksPerPiece, peer.key);
      });
      const waiting = peer.outstanding.size > 0 || peer.late.size > 0;
      if (waiting && now - peer.lastDataAt >= snubAfter) peer.snubbed = true;
      peer.adapt(elapsed, this.pipeline);
    }
    // Peers that just let requests time out refill last, so the blocks freed here go first to
    // peers that deliver: otherwise a stalling peer takes the same block back every tick, and
    // without an endgame duplicate to spare that piece never completes.
    for (const peer of this.peers.values()) if (!timedOut.has(peer)) this.fill(peer, now, out);
    for (const peer of timedOut) this.fill(peer, now, out);
  }
}
