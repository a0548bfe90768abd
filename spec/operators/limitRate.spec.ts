import { expect } from 'chai';
import { catchError, merge, Subject, throwError, type MonoTypeOperatorFunction } from 'rxjs';
import { RateLimitError, RxTorrentError } from '../../src/errors.js';
import { limitRate } from '../../src/operators/limitRate.js';
import { TokenBucket } from '../../src/protocol/rate/index.js';
import { testScheduler } from './marbles.js';

const KiB = 1024;
const BLOCK = 16 * KiB;
/** Items named by a letter; `x` weighs 32 KiB, `z` nothing, the others one 16 KiB block. */
const cost = (item: string): number => (item === 'x' ? 2 * BLOCK : item === 'z' ? 0 : BLOCK);

/** `'<Class>:<code>'` for an rxtorrent error, so marbles name errors by their stable code. */
function errorCodes<T>(): MonoTypeOperatorFunction<T> {
  return catchError((err: unknown) => throwError(() => (err instanceof RxTorrentError ? `${err.name}:${err.code}` : err)));
}

describe('limitRate', () => {
  it('16 KiB items at 32 KiB/s with a one-block burst: two per second, in order', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 32 * KiB, burst: BLOCK });
      expectObservable(cold('(abcd|)').pipe(limitRate([bucket], { cost, scheduler }))).toBe('a 499ms b 499ms c 499ms (d|)');
    });
  });

  it('the default burst (one second of rate) starts with one block: the first second keeps the rate', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 32 * KiB });
      expectObservable(cold('(abcd|)').pipe(limitRate([bucket], { cost, scheduler }))).toBe('a 499ms b 499ms c 499ms (d|)');
    });
  });

  it('waits by each item\'s cost; later items queue behind a heavy one (FIFO)', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 32 * KiB, burst: 2 * BLOCK });
      // a (16 KiB) at 0 takes the starting block; x (32 KiB) needs a full bucket: 1 s; b and z
      // (free) wait behind it.
      expectObservable(cold('(axbz)').pipe(limitRate([bucket], { cost, scheduler }))).toBe('a 999ms x 499ms (bz)');
    });
  });

  it('items spaced wider than the rate pass at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 32 * KiB, burst: BLOCK });
      expectObservable(cold('a 999ms b 999ms c|').pipe(limitRate([bucket], { cost, scheduler }))).toBe('a 999ms b 999ms c|');
    });
  });

  it('chained buckets: the per-torrent limit paces even though the client limit is higher', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const client = new TokenBucket({ rate: 64 * KiB, burst: BLOCK });
      const torrent = new TokenBucket({ rate: 16 * KiB, burst: BLOCK });
      expectObservable(cold('(abc|)').pipe(limitRate([client, torrent], { cost, scheduler }))).toBe('a 999ms b 999ms (c|)');
    });
  });

  it('two streams sharing the client bucket share its rate', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const client = new TokenBucket({ rate: 32 * KiB, burst: BLOCK });
      const one = cold('(abc|)').pipe(limitRate([client], { cost, scheduler }));
      const two = cold('(def|)').pipe(limitRate([client], { cost, scheduler }));
      // 6 blocks at 2 per second. The streams take turns: b was in line before d, d before c, …
      expectObservable(merge(one, two)).toBe('a 499ms b 499ms d 499ms c 499ms e 499ms (f|)');
    });
  });

  it('an unlimited bucket (or none) passes everything at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('(abcd|)').pipe(limitRate([new TokenBucket({ rate: Infinity })], { cost, scheduler }))).toBe('(abcd|)');
      expectObservable(cold('(ab|)').pipe(limitRate<string>([], { cost, scheduler }))).toBe('(ab|)');
    });
  });

  it('never: emits nothing, arms no timer', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('-').pipe(limitRate([new TokenBucket({ rate: 1000 })], { cost, scheduler }))).toBe('-');
    });
  });

  it('empty: completes at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<string>('|').pipe(limitRate([new TokenBucket({ rate: 1000 })], { cost, scheduler }))).toBe('|');
    });
  });

  it('completion waits for the queue to drain', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 16 * KiB, burst: BLOCK });
      expectObservable(cold('(ab|)').pipe(limitRate([bucket], { cost, scheduler }))).toBe('a 999ms (b|)');
    });
  });

  it('a source error is passed on at once and drops the queue', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 16 * KiB, burst: BLOCK });
      expectObservable(cold('(ab) 96ms #', undefined, 'boom').pipe(limitRate([bucket], { cost, scheduler }))).toBe('a 99ms #', undefined, 'boom');
    });
    expect(scheduler.actions).to.have.length(0);
  });

  it('errors with ERR_RATE_QUEUE_FULL when more than maxQueue items wait', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 16 * KiB, burst: BLOCK });
      // a goes, b and c wait (2 = maxQueue), d is one too many.
      expectObservable(cold('(abcd)').pipe(limitRate([bucket], { cost, maxQueue: 2, scheduler }), errorCodes()))
        .toBe('(a#)', undefined, 'RateLimitError:ERR_RATE_QUEUE_FULL');
    });
  });

  it('errors with ERR_RATE_BAD_COST for a cost that is not a finite number ≥ 0, and passes a throwing cost on', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const bucket = new TokenBucket({ rate: 1000 });
      for (const bad of [Number.NaN, -1, Infinity]) {
        expectObservable(cold('a').pipe(limitRate([bucket], { cost: () => bad, scheduler }), errorCodes()))
          .toBe('#', undefined, 'RateLimitError:ERR_RATE_BAD_COST');
      }
      const throwing = limitRate<string>([bucket], { cost: () => { throw new Error('bad item'); }, scheduler });
      expectObservable(cold('-a').pipe(throwing)).toBe('-#', undefined, new Error('bad item'));
    });
  });

  it('early unsubscribe: stops its timer and leaves the queued items\' tokens in the bucket', () => {
    const scheduler = testScheduler();
    const bucket = new TokenBucket({ rate: 16 * KiB, burst: BLOCK });
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('(abcd)');
      expectObservable(source.pipe(limitRate([bucket], { cost, scheduler })), '^ 1500ms !').toBe('a 999ms b');
      expectSubscriptions(source.subscriptions).toBe('^ 1500ms !');
    });
    expect(scheduler.actions).to.have.length(0);
    // b went at 1000 ms; by 1500 ms half a block is back and nothing was reserved for c or d.
    expect(bucket.available(1500)).to.equal(BLOCK / 2);
  });

  it('keeps order when the consumer feeds the source while an item is being emitted', () => {
    const scheduler = testScheduler();
    scheduler.run(() => {
      const source = new Subject<string>();
      const bucket = new TokenBucket({ rate: Infinity });
      const seen: string[] = [];
      source.pipe(limitRate([bucket], { cost, scheduler })).subscribe((item) => {
        seen.push(item);
        if (item === 'a') source.next('c');
      });
      source.next('a');
      source.next('b');
      expect(seen).to.deep.equal(['a', 'c', 'b']);
    });
  });

  it('refuses a negative or fractional maxQueue at factory time', () => {
    expect(() => limitRate([], { cost, maxQueue: -1 })).to.throw(RateLimitError).with.property('code', 'ERR_RATE_INVALID_ARGUMENT');
    expect(() => limitRate([], { cost, maxQueue: 1.5 })).to.throw(RateLimitError);
    expect(() => limitRate([], { cost, maxQueue: Infinity })).to.not.throw();
  });
});
