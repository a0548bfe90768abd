/**
 * Options of `announceEvery`, their defaults and checks (programmer errors surface at call time).
 *
 * @module
 */
import { asyncScheduler } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { TrackerError } from '../../errors.js';
import { DEFAULT_NUMWANT } from '../../protocol/tracker/announceRequest.js';
import { DEFAULT_MAX_ANNOUNCE_RESPONSE_BYTES } from '../../protocol/tracker/announceResponse.js';
import { DEFAULT_ANNOUNCE_TIMEOUT_MS } from './announce.js';
import type { AnnounceFunction } from './announce.js';

/** What we have transferred, as the tracker wants to hear it (bytes of payload). */
export interface TransferStats {
  readonly uploaded: number;
  readonly downloaded: number;
  /** Bytes still missing; reaching 0 sends one `completed` announce. */
  readonly left: number;
}

/** User options of `announceEvery`. */
export interface AnnounceEveryConfig {
  /** 20 raw bytes. */
  readonly infoHash: Uint8Array;
  /** 20 raw bytes. */
  readonly peerId: Uint8Array;
  /** The port we listen on. */
  readonly port: number;
  /**
   * The host we listen on: announces go out from this address, so the tracker records it.
   * Peers the tracker lists at exactly `host:port` (ourselves) are left out.
   * @default undefined (the OS picks the source address)
   */
  readonly host?: string;
  /**
   * Peers to ask for; a function is read at each announce, so a session can ask for 0 when it
   * is at its connection cap. `stopped` always asks for 0.
   * @default 50
   */
  readonly numwant?: number | (() => number);
  /** Timers and clock. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Uniform in [0, 1): shuffles tiers, jitters back-off, makes the `key`. @default Math.random */
  readonly random?: () => number;
  /** Never announce more often than this, whatever the tracker says (also delays `completed`). @default 30000 */
  readonly minIntervalMs?: number;
  /** Longest wait the tracker may ask for (its `interval` is clamped). @default 86400000 (a day) */
  readonly maxIntervalMs?: number;
  /** Wait after the first round in which every tracker failed; doubles each round. @default 15000 */
  readonly minBackoffMs?: number;
  /** Cap of that back-off. @default 1800000 (30 min) */
  readonly maxBackoffMs?: number;
  /** Timeout of one announce. @default 30000 */
  readonly timeoutMs?: number;
  /** Timeout of the best-effort `stopped` announce on unsubscribe. @default 2000 */
  readonly stopTimeoutMs?: number;
  /** Largest reply accepted, in bytes. @default 256 KiB */
  readonly maxResponseBytes?: number;
}

/** Injected collaborators of `announceEvery`. */
export interface AnnounceEveryComponents {
  /** Sends one announce. @default announce (HTTP through node:http) */
  readonly announce?: AnnounceFunction;
}

/** Every option filled in and checked. */
export interface ResolvedAnnounceEvery {
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  readonly port: number;
  readonly host: string | undefined;
  readonly numwant: () => number;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly timeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly maxResponseBytes: number;
}

/** The longest timer delay Node can run (2^31 − 1 ms); larger ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new TrackerError('ERR_TRACKER_BAD_CONFIG', `${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

const ms = (name: string, value: number, min: number): number => integerIn(name, value, min, MAX_TIMER_MS);

function numwantOf(option: AnnounceEveryConfig['numwant']): () => number {
  const read = typeof option === 'function' ? option : () => option ?? DEFAULT_NUMWANT;
  return () => {
    const n = read();
    return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : DEFAULT_NUMWANT;
  };
}

/**
 * Fills in defaults and checks every option.
 *
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG`.
 * @example
 * ```ts
 * const resolved = resolveAnnounceEvery({ infoHash, peerId, port: 6881 });
 * ```
 */
export function resolveAnnounceEvery(config: AnnounceEveryConfig): ResolvedAnnounceEvery {
  const bad = (why: string): TrackerError => new TrackerError('ERR_TRACKER_BAD_CONFIG', why);
  if (config.infoHash.length !== 20) throw bad(`infoHash must be 20 bytes, got ${config.infoHash.length}`);
  if (config.peerId.length !== 20) throw bad(`peerId must be 20 bytes, got ${config.peerId.length}`);
  if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) throw bad(`port must be 1-65535, got ${config.port}`);
  const minBackoffMs = ms('minBackoffMs', config.minBackoffMs ?? 15_000, 1);
  const minIntervalMs = ms('minIntervalMs', config.minIntervalMs ?? 30_000, 0);
  return {
    infoHash: config.infoHash,
    peerId: config.peerId,
    port: config.port,
    host: config.host,
    numwant: numwantOf(config.numwant),
    scheduler: config.scheduler ?? asyncScheduler,
    random: config.random ?? Math.random,
    minIntervalMs,
    maxIntervalMs: ms('maxIntervalMs', config.maxIntervalMs ?? 86_400_000, Math.max(1, minIntervalMs)),
    minBackoffMs,
    maxBackoffMs: ms('maxBackoffMs', config.maxBackoffMs ?? 1_800_000, minBackoffMs),
    timeoutMs: ms('timeoutMs', config.timeoutMs ?? DEFAULT_ANNOUNCE_TIMEOUT_MS, 1),
    stopTimeoutMs: ms('stopTimeoutMs', config.stopTimeoutMs ?? 2_000, 1),
    maxResponseBytes: integerIn('maxResponseBytes', config.maxResponseBytes ?? DEFAULT_MAX_ANNOUNCE_RESPONSE_BYTES, 1, 2 ** 30),
  };
}
