/**
 * `schedulePieces(config)`: swarm events in, requests (and accepted blocks) out. A thin shell
 * over the pure {@link PieceScheduler}; it adds the clock tick that drives timeouts, snubbing and
 * pipeline adaptation.
 *
 * @module
 */
import { asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { PieceScheduler, type PieceSchedulerConfig, type SchedulerCommand, type SwarmEvent } from '../protocol/scheduler/index.js';
import { operate } from './internal/operate.js';

/** Options of {@link schedulePieces}. */
export interface SchedulePiecesConfig extends PieceSchedulerConfig {
  /** Time between ticks. @default 1000 */
  readonly tickMs?: number;
  /** Clock and timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Schedules block requests over a swarm: rarest-first, partial pieces first, adaptive per-peer
 * pipelines, request timeouts, snubbing, endgame with cancels.
 *
 * ```
 * events:   -peer-joined-have-all-unchoke---------block-------|
 * commands: -----------interested-request×16-------block,request|
 * ```
 *
 * @param config - torrent geometry, pieces already had, tuning, scheduler
 * @returns an operator from {@link SwarmEvent} to {@link SchedulerCommand}; completes with its source
 * @example
 * ```ts
 * declare const swarmEvents$: import('rxjs').Observable<SwarmEvent>;
 * declare function dispatch(command: SchedulerCommand): void;
 * swarmEvents$.pipe(schedulePieces(torrent)).subscribe(dispatch);
 * ```
 */
export function schedulePieces(config: SchedulePiecesConfig): OperatorFunction<SwarmEvent, SchedulerCommand> {
  const scheduler = config.scheduler ?? asyncScheduler;
  const tickMs = config.tickMs ?? 1000;
  return operate<SwarmEvent, SchedulerCommand>((subscriber) => {
    const core = new PieceScheduler(config);
    const apply = (event: SwarmEvent): void => {
      for (const command of core.update(event, scheduler.now())) subscriber.next(command);
    };
    const tick = scheduler.schedule(function (this: { schedule(state?: unknown, delay?: number): void }) {
      try {
        apply({ type: 'tick' });
      } catch (err) {
        subscriber.error(err);
        return;
      }
      this.schedule(undefined, tickMs);
    }, tickMs);
    return { next: apply, teardown: () => tick.unsubscribe() };
  });
}
