/**
 * The policy core of `announceEvery`, free of timers and I/O: which tracker to try next, with
 * which `event`, and how long to wait after a reply or a failed round. The RxJS shell runs it.
 *
 * @see https://www.bittorrent.org/beps/bep_0012.html
 * @module
 */
import type { AnnounceEvent } from '../../protocol/tracker/announceRequest.js';
import type { AnnounceResponse } from '../../protocol/tracker/announceResponse.js';
import type { TrackerTiers } from '../../protocol/tracker/trackerTiers.js';

/** Timing rules of the loop, all in ms. */
export interface AnnouncePolicy {
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Uniform in [0, 1); jitters the back-off. */
  readonly random: () => number;
}

/** The next announce to send. */
export interface AnnounceStep {
  readonly tracker: string;
  readonly event: AnnounceEvent;
  /** The `tracker id` this tracker gave us, to send back. */
  readonly trackerId: Uint8Array | undefined;
}

/** Back-off delays are lowered by up to this fraction at random, so clients do not retry in step. */
const BACKOFF_JITTER = 0.25;

/**
 * One announce loop's state. A round walks the trackers in BEP 12 order until one answers.
 *
 * Events: a tracker that has not yet answered us gets `started`; once `left` drops to 0 (having
 * been above 0), the next announce that a tracker answers carries `completed` (or is a `started`
 * with `left=0`, which tells a new tracker the same); every other announce has no event.
 *
 * @example
 * ```ts
 * declare const tiers: string[][], policy: AnnouncePolicy, stats: TransferStats, response: AnnounceResponse;
 * const state = new AnnounceState(new TrackerTiers(tiers, Math.random), policy);
 * state.updateLeft(stats.left);
 * state.beginRound();
 * const step = state.next(); // { tracker, event: 'started', trackerId: undefined }
 * const waitMs = state.succeeded(step!, response, stats.left, now); // or state.failed()
 * ```
 */
export class AnnounceState {
  /** Trackers that answered us at least once: they get no second `started`, and a `stopped`. */
  private readonly known = new Set<string>();
  private readonly trackerIds = new Map<string, Uint8Array>();
  private queue: string[] = [];
  private lastLeft: number | undefined;
  private completedTriggered = false;
  private completedDue = false;
  private failedRounds = 0;
  private lastOkMs: number | undefined;
  private gapMs = 0;
  private intervalMs = 0;

  constructor(
    private readonly tiers: TrackerTiers,
    private readonly policy: AnnouncePolicy,
  ) {}

  /** Rounds in a row in which every tracker failed. */
  get failures(): number {
    return this.failedRounds;
  }

  /**
   * Records the latest `left`.
   *
   * @returns true when this update makes the one `completed` announce due, and the loop is
   *   idle between regular announces (so the caller should re-plan with {@link delayMs}).
   */
  updateLeft(left: number): boolean {
    const crossed = this.lastLeft !== undefined && this.lastLeft > 0 && left === 0 && !this.completedTriggered;
    this.lastLeft = left;
    if (!crossed) return false;
    this.completedTriggered = true;
    this.completedDue = true;
    return this.lastOkMs !== undefined && this.failedRounds === 0 && this.queue.length === 0;
  }

  /** Starts a round: every tracker, in the current BEP 12 order. */
  beginRound(): void {
    this.queue = this.tiers.order();
  }

  /** The next tracker of this round, or `undefined` when the round is over. */
  next(): AnnounceStep | undefined {
    const tracker = this.queue.shift();
    if (tracker === undefined) return undefined;
    const event: AnnounceEvent = !this.known.has(tracker) ? 'started' : this.completedDue ? 'completed' : 'none';
    return { tracker, event, trackerId: this.trackerIds.get(tracker) };
  }

  /**
   * A tracker answered: promote it, end the round, and plan the next announce.
   *
   * @param left - the `left` this announce carried.
   * @returns ms until the next announce.
   */
  succeeded(step: AnnounceStep, response: AnnounceResponse, left: number, nowMs: number): number {
    this.tiers.promote(step.tracker);
    this.known.add(step.tracker);
    if (response.trackerId !== undefined) this.trackerIds.set(step.tracker, response.trackerId);
    if (left === 0) this.completedDue = false;
    this.queue = [];
    this.failedRounds = 0;
    this.lastOkMs = nowMs;
    const clamp = (value: number): number => Math.min(this.policy.maxIntervalMs, value);
    this.gapMs = clamp(Math.max((response.minInterval ?? 0) * 1000, this.policy.minIntervalMs));
    this.intervalMs = clamp(Math.max(response.interval * 1000, this.gapMs));
    return this.delayMs(nowMs);
  }

  /**
   * An announce failed.
   *
   * @returns `undefined` when another tracker of this round is to be tried now, else the
   *   back-off (ms) before the next round.
   */
  failed(): number | undefined {
    if (this.queue.length > 0) return undefined;
    this.failedRounds++;
    const doubled = this.policy.minBackoffMs * 2 ** Math.min(this.failedRounds - 1, 40);
    const capped = Math.min(this.policy.maxBackoffMs, doubled);
    return Math.round(capped * (1 - BACKOFF_JITTER * this.policy.random()));
  }

  /**
   * Ms until the next announce after the last answered one: its interval, or — with `completed`
   * due — the minimum gap (`min interval`, at least `minIntervalMs`).
   */
  delayMs(nowMs: number): number {
    const wait = this.completedDue ? this.gapMs : this.intervalMs;
    return Math.max(0, (this.lastOkMs ?? nowMs) + wait - nowMs);
  }

  /**
   * Trackers to tell `stopped`: those that know us, plus one whose `started` is in flight.
   */
  /** True while a `completed` announce is owed (left reached 0, no tracker told yet). */
  get completedPending(): boolean {
    return this.completedDue;
  }

  stopTargets(startedInFlight?: string): string[] {
    const targets = new Set(this.known);
    if (startedInFlight !== undefined) targets.add(startedInFlight);
    return [...targets];
  }

  /** The `tracker id` a tracker gave us. */
  trackerIdOf(tracker: string): Uint8Array | undefined {
    return this.trackerIds.get(tracker);
  }
}
