/**
 * `chokePeers(config)`: peer events in, choke and unchoke commands out. A thin shell over the
 * pure {@link Choker}; it adds the rechoke timer and reads the live rates and mode at each round.
 *
 * @module
 */
import { asyncScheduler, type OperatorFunction, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { ChokerError } from '../errors.js';
import { Choker, type ChokeCommand, type ChokeDecisions, type ChokerConfig, type ChokerEvent, type ChokerMode, type PeerStats } from '../protocol/choker/index.js';
import type { PeerKey } from '../protocol/scheduler/index.js';
import { operate } from './internal/operate.js';

/** Time between rechokes (BEP 3: "every ten seconds"). */
export const RECHOKE_INTERVAL_MS = 10_000;

/** Options of {@link chokePeers}. */
export interface ChokePeersConfig extends ChokerConfig {
  /** Time between rechokes. @default 10000 */
  readonly intervalMs?: number;
  /** A peer's current rates, read at each rechoke for every interested peer. */
  readonly stats: (peer: PeerKey) => PeerStats;
  /** Whether we are still downloading, read at each rechoke. */
  readonly mode: () => ChokerMode;
  /** Clock and timers. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Runs the choking algorithm over a swarm: every `intervalMs` the regular slots go to the best
 * interested peers (tit-for-tat while leeching, round robin while seeding) and every
 * `optimisticRounds` rechokes the optimistic unchoke moves on; a peer that becomes interested
 * while a slot is free is unchoked at once. Chokes come before unchokes in each round.
 *
 * ```
 * slots 1, no optimistic slot       a, b: peer a, then b, says interested (b uploads to us faster)
 * events:   a b ---------- 10s -----|
 * commands: +a ----------- -a+b ----|    +a at once (a free slot); at 10 s choke a, unchoke b
 * ```
 *
 * @param config - slots and rounds, the live `stats` and `mode`, the scheduler and RNG
 * @returns an operator from {@link ChokerEvent} to {@link ChokeCommand}; completes with its source
 * @throws {ChokerError} `ERR_CHOKER_INVALID_ARGUMENT` at once for an impossible slot count, round
 *   count or interval
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-protocol
 * @example
 * ```ts
 * declare const chokerEvents$: import('rxjs').Observable<ChokerEvent>, rates: { of(peer: PeerKey): PeerStats }, done: boolean;
 * declare const connections: Map<PeerKey, PeerConnection>;
 * chokerEvents$.pipe(chokePeers({ stats: (p) => rates.of(p), mode: () => (done ? 'seeding' : 'leeching') }))
 *   .subscribe(({ type, peer }) => connections.get(peer)?.send({ type }));
 * ```
 */
export function chokePeers(config: ChokePeersConfig): OperatorFunction<ChokerEvent, ChokeCommand> {
  const scheduler = config.scheduler ?? asyncScheduler;
  const intervalMs = config.intervalMs ?? RECHOKE_INTERVAL_MS;
  if (!(intervalMs > 0 && intervalMs < Infinity)) throw new ChokerError('ERR_CHOKER_INVALID_ARGUMENT', `intervalMs must be positive, not ${intervalMs}`);
  new Choker(config); // validates the rest at factory time
  return operate<ChokerEvent, ChokeCommand>((subscriber) => {
    const choker = new Choker(config);
    const emit = ({ choke, unchoke }: ChokeDecisions): void => {
      for (const peer of choke) subscriber.next({ type: 'choke', peer });
      for (const peer of unchoke) subscriber.next({ type: 'unchoke', peer });
    };
    const timer = scheduler.schedule(function (this: SchedulerAction<unknown>) {
      try {
        emit(choker.rechoke(scheduler.now(), config.stats, config.mode()));
      } catch (err) {
        subscriber.error(err);
        return;
      }
      if (!subscriber.closed) this.schedule(undefined, intervalMs);
    }, intervalMs);
    return {
      next: (event) => {
        switch (event.type) {
          case 'peer-joined':
            return choker.join(event.peer, scheduler.now());
          case 'peer-gone':
            return choker.leave(event.peer);
          case 'interested':
          case 'not-interested':
            return emit(choker.interested(event.peer, event.type === 'interested'));
        }
      },
      teardown: () => timer.unsubscribe(),
    };
  });
}
