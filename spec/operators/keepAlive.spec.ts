import { expect } from 'chai';
import { Subject } from 'rxjs';
import { PeerError } from '../../src/errors.js';
import { keepAlive, type WireActivity } from '../../src/operators/keepAlive.js';
import { testScheduler } from './marbles.js';
import { errorCodes } from './wireHelpers.js';

const values = { i: { direction: 'in' }, o: { direction: 'out' } } as const;
const k = { type: 'keep-alive' } as const;
const TIMEOUT = 'PeerError:ERR_PEER_TIMEOUT';

describe('keepAlive', () => {
  it('never: keep-alives every keepAliveMs of our silence, then ERR_PEER_TIMEOUT after idleMs of the peer\'s', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const traffic = cold<WireActivity>('-');
      expectObservable(traffic.pipe(keepAlive({ keepAliveMs: 75_000, idleMs: 180_000, scheduler }), errorCodes()))
        .toBe('75s k 74999ms k 29999ms #', { k }, TIMEOUT);
    });
  });

  it('empty: completes at once, no timer left', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<WireActivity>('|').pipe(keepAlive())).toBe('|');
    });
  });

  it('error passes through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<WireActivity>('-#', undefined, 'boom').pipe(keepAlive())).toBe('-#', undefined, 'boom');
    });
  });

  it('one: a send postpones our keep-alive, a receive postpones the timeout', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const traffic = cold<WireActivity>('50s (oi)', values);
      expectObservable(traffic.pipe(keepAlive({ keepAliveMs: 75_000, idleMs: 180_000, scheduler }), errorCodes()))
        .toBe('125s k 74999ms k 29999ms #', { k }, TIMEOUT);
    });
  });

  it('many: steady inbound traffic never times out; outbound traffic suppresses keep-alives', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // i at 0 s, o at 60 s, i at 90 s and 150 s, complete at 200 s
      const traffic = cold<WireActivity>('i 59999ms o 29999ms i 59999ms i 49999ms |', values);
      expectObservable(traffic.pipe(keepAlive({ keepAliveMs: 75_000, idleMs: 100_000, scheduler })))
        .toBe('135s k 64999ms |', { k });
    });
  });

  it('uses the configured durations', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<WireActivity>('-').pipe(keepAlive({ keepAliveMs: 10, idleMs: 25, scheduler }), errorCodes()))
        .toBe('10ms k 9ms k 4ms #', { k }, TIMEOUT);
    });
  });

  it('idleMs: Infinity never times out', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<WireActivity>('-').pipe(keepAlive({ keepAliveMs: 100_000, idleMs: Infinity, scheduler })), '^ 350s !')
        .toBe('100s k 99999ms k 99999ms k', { k });
    });
  });

  it('stops its timer on early unsubscribe', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const traffic = cold<WireActivity>('-');
      expectObservable(traffic.pipe(keepAlive({ keepAliveMs: 75_000, scheduler })), '^ 100s !').toBe('75s k', { k });
      expectSubscriptions(traffic.subscriptions).toBe('^ 100s !');
    });
    expect(scheduler.actions).to.have.length(0);
  });

  it('stops when the consumer unsubscribes while handling a keep-alive (throwing consumer case)', () => {
    const scheduler = testScheduler();
    scheduler.run(() => {
      const traffic = new Subject<WireActivity>();
      let n = 0;
      const sub = traffic.pipe(keepAlive({ keepAliveMs: 10, scheduler })).subscribe(() => {
        n++;
        sub.unsubscribe();
      });
    });
    expect(scheduler.actions).to.have.length(0);
  });

  it('refuses a duration that is not positive at factory time', () => {
    expect(() => keepAlive({ keepAliveMs: 0 })).to.throw(PeerError).with.property('code', 'ERR_PEER_INVALID_ARGUMENT');
    expect(() => keepAlive({ idleMs: Number.NaN })).to.throw(PeerError);
  });
});
