/**
 * `keepAlive(config)`: a connection's traffic in, the keep-alives to send out; errors when the
 * peer has been silent too long.
 *
 * @module
 */
import { asyncScheduler, type OperatorFunction, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { PeerError } from '../errors.js';
import type { KeepAliveMessage } from '../protocol/wire/index.js';
import { operate } from './internal/operate.js';

/** Default silence on our side before a keep-alive: within BEP 3's "every two minutes", and under libtorrent's 120 s. */
export const DEFAULT_KEEP_ALIVE_MS = 75_000;
/** Default silence of the peer before the connection is dropped. */
export const DEFAULT_IDLE_MS = 180_000;

/** Options of {@link keepAlive}. */
export interface KeepAliveConfig {
  /** Our silence (no `'out'` traffic) after which a keep-alive is emitted. @default 75000 */
  readonly keepAliveMs?: number;
  /** The peer's silence (no `'in'` traffic) after which the output errors; `Infinity` never. @default 180000 */
  readonly idleMs?: number;
  /** Clock and timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** What {@link keepAlive} watches: which way something went over the connection. */
export interface WireActivity {
  readonly direction: 'in' | 'out';
}

/** Longest delay a timer is armed with (setTimeout's limit); a later deadline is re-checked then. */
const MAX_TIMER_MS = 0x7fffffff;
const KEEP_ALIVE: KeepAliveMessage = Object.freeze({ type: 'keep-alive' });

/**
 * Watches a connection's traffic (every message received is `'in'`, every message sent `'out'`)
 * and emits a keep-alive message whenever we have sent nothing for `keepAliveMs`, and errors with
 * {@link PeerError} `ERR_PEER_TIMEOUT` once the peer has sent nothing for `idleMs`. An emitted
 * keep-alive counts as sent, so feeding it back as `'out'` traffic is optional. Each message only
 * updates a timestamp; one timer, re-armed at the nearest deadline, does the rest.
 *
 * ```
 * keepAliveMs: 75s, idleMs: 180s        (x: a message each way at 0 s, then silence)
 * traffic: x------------------------------------------------
 * output:  --- 75s: k --- 150s: k --- 180s: #      (# = PeerError ERR_PEER_TIMEOUT)
 * ```
 *
 * @param config - the two silences and the scheduler
 * @returns an operator from {@link WireActivity} to keep-alive messages; completes with its source
 * @throws {PeerError} `ERR_PEER_INVALID_ARGUMENT` at once, for a duration that is not positive
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @example
 * ```ts
 * declare const traffic$: import('rxjs').Observable<WireActivity>, conn: PeerConnection;
 * declare function drop(err: unknown): void;
 * traffic$.pipe(keepAlive({ keepAliveMs: 75_000 })).subscribe({ next: (m) => conn.send(m), error: drop });
 * ```
 */
export function keepAlive(config: KeepAliveConfig = {}): OperatorFunction<WireActivity, KeepAliveMessage> {
  const keepAliveMs = config.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  const idleMs = config.idleMs ?? DEFAULT_IDLE_MS;
  const scheduler = config.scheduler ?? asyncScheduler;
  for (const [name, ms] of [['keepAliveMs', keepAliveMs], ['idleMs', idleMs]] as const) {
    if (!(ms > 0)) throw new PeerError('ERR_PEER_INVALID_ARGUMENT', `${name} must be positive, not ${ms}`);
  }
  return operate<WireActivity, KeepAliveMessage>((subscriber) => {
    let lastIn = scheduler.now();
    let lastOut = lastIn;
    // Delay to the nearest deadline, capped so that idleMs: Infinity never reaches setTimeout.
    const nextDelay = (now: number): number => Math.min(lastIn + idleMs, lastOut + keepAliveMs, now + MAX_TIMER_MS) - now;
    const timer: Subscription = scheduler.schedule(function (this: SchedulerAction<unknown>) {
      const now = scheduler.now();
      if (now - lastIn >= idleMs) {
        subscriber.error(new PeerError('ERR_PEER_TIMEOUT', `the peer sent nothing for ${now - lastIn} ms`));
        return;
      }
      if (now - lastOut >= keepAliveMs) {
        lastOut = now;
        subscriber.next(KEEP_ALIVE);
      }
      if (!subscriber.closed) this.schedule(undefined, nextDelay(now));
    }, nextDelay(lastIn));
    return {
      next: (activity) => {
        if (activity.direction === 'in') lastIn = scheduler.now();
        else lastOut = scheduler.now();
      },
      teardown: () => timer.unsubscribe(),
    };
  });
}
