/**
 * `dialPeers(dial, config)`: peer addresses in, open connections out, under a cap, with back-off
 * for addresses that fail. A thin shell over the pure {@link DialPlanner}; the dial itself is
 * injected (the client's `connectPeer`), so this operator does no I/O of its own.
 *
 * @module
 */
import { asyncScheduler, type Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { isRxTorrentError } from '../errors.js';
import type { PeerAddress } from '../protocol/peerAddress.js';
import { DialPlanner, type DialOutcome, type DialPlannerConfig } from '../protocol/swarm/dialPlanner.js';
import { operate } from './internal/operate.js';

/** What `dialPeers` is told: new addresses, or an address never to dial again. */
export type DialCommand =
  | { readonly type: 'add'; readonly addresses: readonly PeerAddress[] }
  | { readonly type: 'ban'; readonly address: PeerAddress };

/** Options of {@link dialPeers}. */
export interface DialPeersConfig extends DialPlannerConfig {
  /** How often back-offs are re-examined. @default 1000 */
  readonly tickMs?: number;
  /** @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * Dials addresses as room allows. Each dial observable emits its connection once and completes
 * when the connection ends; its end (or error) frees room for the next address.
 *
 * ```
 * commands: -a(A,B)----------------|
 * dial(A):   --cA--------|
 * dial(B):   ----#                      (fails: B backs off)
 * out:      ---cA---------------------|
 * ```
 *
 * @param dial - opens one connection (cold; unsubscribing closes it)
 * @param config - cap, back-off, scheduler
 * @returns the operator; it completes with its source, closing the dials still open
 * @example
 * ```ts
 * declare const addresses$: import('rxjs').Observable<readonly PeerAddress[]>, options: ConnectPeerOptions;
 * addresses$.pipe(map((addresses) => ({ type: 'add' as const, addresses })), dialPeers((a) => connectPeer(a, options), { maxPeers: 30 }));
 * ```
 */
export function dialPeers<C>(dial: (address: PeerAddress) => Observable<C>, config: DialPeersConfig): OperatorFunction<DialCommand, C> {
  const scheduler = config.scheduler ?? asyncScheduler;
  return operate<DialCommand, C>((subscriber) => {
    const planner = new DialPlanner(config);
    const open = new Set<Subscription>();
    const start = (addresses: PeerAddress[]): void => {
      for (const address of addresses) {
        let connected = false;
        let subscription: Subscription | undefined;
        const end = (outcome: DialOutcome): void => {
          if (subscription !== undefined) open.delete(subscription);
          if (!subscriber.closed) start(planner.ended(address, outcome, scheduler.now()));
        };
        subscription = dial(address).subscribe({
          next: (connection) => {
            if (!connected) planner.connected(address, scheduler.now());
            connected = true;
            subscriber.next(connection);
          },
          error: (err: unknown) => end(isRxTorrentError(err, 'ERR_PEER_SELF') ? 'self' : 'failed'),
          complete: () => end(connected ? 'closed' : 'failed'),
        });
        if (!subscription.closed) open.add(subscription);
      }
    };
    const tick = scheduler.schedule(function (this: { schedule(state?: unknown, delay?: number): void }) {
      start(planner.tick(scheduler.now()));
      this.schedule(undefined, config.tickMs ?? 1000);
    }, config.tickMs ?? 1000);
    return {
      next: (command) => {
        if (command.type === 'add') start(planner.add(command.addresses, scheduler.now()));
        else planner.ban(command.address);
      },
      teardown: () => {
        tick.unsubscribe();
        for (const subscription of open) subscription.unsubscribe();
        open.clear();
      },
    };
  });
}
