/**
 * What the scheduler tracks per peer: its pieces, choke state, requests in flight and the
 * adaptive depth of its request pipeline.
 *
 * @module
 */
import { Bitfield } from '../bitfield.js';
import type { PeerKey } from './events.js';
import { RequestQueue } from './requestQueue.js';

/** Pipeline tuning, all in one place. */
export interface PipelineConfig {
  /** Requests a new peer gets before its rate is known. @default 16 */
  readonly initialPipeline: number;
  /** Fewest requests in flight to an unsnubbed peer. @default 4 */
  readonly minPipeline: number;
  /** Most requests in flight to one peer (also capped by its BEP 10 `reqq`). @default 500 */
  readonly maxPipeline: number;
  /** Keep this much of the peer's measured rate in flight (bandwidth-delay product). @default 2000 */
  readonly queueTimeMs: number;
}

/** Mutable per-peer state owned by the scheduler. */
export class PeerSlot {
  /** Pieces the peer has. */
  has: Bitfield;
  /** Pieces the peer has that we still need: interest is `wanted > 0`. */
  wanted = 0;
  /** Whether we told the peer we are interested. */
  interested = false;
  /** Whether the peer is choking us (initially true, BEP 3). */
  choked = true;
  /** Block id → time the request was sent, oldest first. */
  readonly outstanding = new RequestQueue();
  /** Blocks whose requests timed out: accepted if they still arrive. */
  readonly late = new Set<number>();
  /** Current pipeline depth. */
  target: number;
  /** Measured download rate from this peer, bytes/s (smoothed). */
  rate = 0;
  /** Bytes received since the last tick. */
  bytesSinceTick = 0;
  /** Last time a block arrived, or the time we started waiting. */
  lastDataAt: number;
  /** No data for a long time while requests were in flight. */
  snubbed = false;
  /** Blocks that arrived without being requested (or as duplicates). */
  wastedBytes = 0;
  /** An HTTP server (BEP 19), picked for by `webSeedPicks`. */
  webSeed = false;
  /** A web seed: the piece after the last one it started (its run goes on there), or -1. */
  runNext = -1;
  /** A web seed: peers cover the rest, so it only gets pieces no peer has (set at each fill). */
  covered = false;
  /**
   * Slow start, as TCP (and libtorrent's request queue) do: until the measured rate stops
   * growing, every block that arrives adds one request to the pipeline, so a fast peer is not held
   * at the initial depth until the first rate sample, at the second tick (measured over loopback: a
   * 1 GiB download spent its first second at about half speed).
   */
  slowStart = true;
  /** The previous tick's rate sample, to see whether the rate still grows. */
  private lastInstant = 0;

  constructor(
    readonly key: PeerKey,
    pieceCount: number,
    /** The peer's own cap on our requests (BEP 10 `reqq`). */
    public maxRequests: number,
    now: number,
    config: PipelineConfig,
  ) {
    this.has = new Bitfield(pieceCount);
    this.target = Math.min(config.initialPipeline, maxRequests);
    this.lastDataAt = now;
  }

  /** True when we may send requests. */
  get canRequest(): boolean {
    return !this.choked && this.outstanding.size < this.target;
  }

  /** A block we asked for arrived: in slow start, the pipeline grows by one. */
  delivered(config: PipelineConfig): void {
    if (this.slowStart && !this.snubbed) this.target = Math.min(this.maxRequests, config.maxPipeline, this.target + 1);
  }

  /**
   * Re-derives the pipeline depth from the smoothed rate (called once per tick). An idle tick
   * (nothing was asked of the peer) says nothing about its speed and changes nothing. Slow start
   * ends at the first tick whose rate is not 10 % above the previous one, or when the peer is
   * snubbed; until then the depth only grows.
   */
  adapt(elapsedMs: number, config: PipelineConfig): void {
    const measured = elapsedMs > 0 && (this.bytesSinceTick > 0 || this.outstanding.size > 0);
    let instant = 0;
    if (measured) {
      instant = (this.bytesSinceTick * 1000) / elapsedMs;
      this.rate = this.rate === 0 ? instant : this.rate * 0.6 + instant * 0.4;
    }
    this.bytesSinceTick = 0;
    if (this.snubbed) {
      this.slowStart = false;
      this.target = 1;
      return;
    }
    if (!measured) return;
    const wanted = Math.ceil((this.rate * config.queueTimeMs) / 1000 / 16384);
    // Never shrink below what is in flight by more than half at once: a dip in rate is often noise.
    const floor = this.slowStart ? this.target : Math.max(config.minPipeline, Math.floor(this.target / 2));
    this.target = Math.min(this.maxRequests, config.maxPipeline, Math.max(floor, wanted));
    if (this.slowStart && instant <= this.lastInstant * 1.1) this.slowStart = false;
    this.lastInstant = instant;
  }
}
