import { expect } from 'chai';
import fc from 'fast-check';
import { RateLimitError } from '../../../src/errors.js';
import { TokenBucket, takeAll, timeUntilAll } from '../../../src/protocol/rate/index.js';

const KiB = 1024;
const BLOCK = 16 * KiB;

/** Sends `bytes` as often as the buckets allow, polling every `stepMs` until `untilMs`; returns the send times. */
function saturate(take: (now: number) => boolean, stepMs: number, untilMs: number): number[] {
  const sent: number[] = [];
  for (let now = 0; now <= untilMs; now += stepMs) while (take(now)) sent.push(now);
  return sent;
}

/** Most bytes granted in any window [t, t + T] over the grants, minus what the limit allows. */
function worstExcess(grants: { at: number; bytes: number }[], rate: number, burst: number): number {
  let worst = -Infinity;
  for (let i = 0; i < grants.length; i++) {
    let sum = 0;
    for (let j = i; j < grants.length; j++) {
      sum += grants[j]!.bytes;
      worst = Math.max(worst, sum - (burst + (rate * (grants[j]!.at - grants[i]!.at)) / 1000));
    }
  }
  return worst;
}

describe('TokenBucket', () => {
  it('starts with one block, not full: the first second lets through the rate plus one block', () => {
    const bucket = new TokenBucket({ rate: 32 * KiB, burst: 32 * KiB });
    const sent = saturate((now) => bucket.tryTake(BLOCK, now), 100, 2000);
    expect(sent).to.deep.equal([0, 500, 1000, 1500, 2000]);
    // --download-rate 1MiB: a full 1 MiB bucket let 2 MiB through in the first second.
    const mib = new TokenBucket({ rate: 1024 * KiB });
    const firstSecond = saturate((now) => mib.tryTake(BLOCK, now), 10, 999).length * BLOCK;
    expect(firstSecond).to.be.at.most(1024 * KiB + BLOCK);
    expect(firstSecond).to.be.at.least(1024 * KiB - 2 * BLOCK);
    // After a quiet spell, a second lets through at most 1.25 × the rate (the burst is 1/4 s).
    let later = 0;
    for (let now = 19_000; now < 20_000; now += 10) while (mib.tryTake(BLOCK, now)) later += BLOCK;
    expect(later).to.be.at.most(1024 * KiB * 1.25 + BLOCK);
  });

  it('a burst smaller than a block starts full', () => {
    expect(new TokenBucket({ rate: 1000, burst: 2000 }).available(0)).to.equal(2000);
  });

  it('burst defaults to a quarter second of rate, and to one block at least', () => {
    expect(new TokenBucket({ rate: 100 * KiB }).burst).to.equal(25 * KiB);
    expect(new TokenBucket({ rate: 1000 }).burst).to.equal(BLOCK);
  });

  it('timeUntil says how long until the bytes are there, without taking them', () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 2000 });
    expect(bucket.timeUntil(2000, 0)).to.equal(0);
    expect(bucket.tryTake(1500, 0)).to.equal(true);
    expect(bucket.timeUntil(1000, 0)).to.equal(500);
    expect(bucket.timeUntil(1000, 0)).to.equal(500);
    expect(bucket.tryTake(1000, 499)).to.equal(false);
    expect(bucket.available(499)).to.be.closeTo(999, 1e-9);
    expect(bucket.tryTake(1000, 500)).to.equal(true);
    expect(bucket.available(500)).to.be.closeTo(0, 1e-9);
  });

  it('refills with elapsed time, up to the burst only', () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 2000 });
    bucket.tryTake(2000, 0);
    expect(bucket.available(1000)).to.equal(1000);
    expect(bucket.available(60_000)).to.equal(2000);
  });

  it('a clock going backwards neither adds nor removes tokens', () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 2000 });
    bucket.tryTake(2000, 5000);
    expect(bucket.available(1000)).to.equal(0);
    expect(bucket.available(5500)).to.equal(500);
  });

  it('an item larger than the burst goes once the bucket is full, and leaves it in debt', () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 1000 });
    expect(bucket.tryTake(3000, 0)).to.equal(true);
    expect(bucket.available(0)).to.equal(-2000);
    expect(bucket.timeUntil(1000, 0)).to.equal(3000);
    expect(bucket.timeUntil(0, 1000)).to.equal(1000);
  });

  it('Infinity is unlimited', () => {
    const bucket = new TokenBucket({ rate: Infinity });
    expect(bucket.unlimited).to.equal(true);
    for (let i = 0; i < 100; i++) expect(bucket.tryTake(1e9, 0)).to.equal(true);
    expect(bucket.timeUntil(1e12, 0)).to.equal(0);
    expect(bucket.available(0)).to.equal(Infinity);
  });

  it('setLimit keeps the tokens earned, up to the new burst; unlimited → limited starts with one block', () => {
    const bucket = new TokenBucket({ rate: 1000, burst: 4000 });
    bucket.tryTake(1000, 0);
    bucket.setLimit({ rate: 100, burst: 2000 }, 0);
    expect(bucket.available(0)).to.equal(2000);
    expect(bucket.timeUntil(2100, 0)).to.equal(0); // capped at the burst: a full bucket
    bucket.tryTake(2000, 0);
    expect(bucket.timeUntil(100, 0)).to.equal(1000);
    const open = new TokenBucket({ rate: Infinity });
    open.setLimit({ rate: 1000 }, 0);
    expect(open.available(0)).to.equal(BLOCK);
  });

  it('refuses a rate that is not positive and a burst below one byte', () => {
    for (const config of [{ rate: 0 }, { rate: -1 }, { rate: Number.NaN }, { rate: 1000, burst: 0.5 }, { rate: 1000, burst: Infinity }]) {
      expect(() => new TokenBucket(config)).to.throw(RateLimitError).with.property('code', 'ERR_RATE_INVALID_ARGUMENT');
    }
  });

  describe('chains: takeAll', () => {
    it('takes from every bucket or from none, and reports the longest wait', () => {
      const client = new TokenBucket({ rate: 1000, burst: 1000 });
      const torrent = new TokenBucket({ rate: 500, burst: 1000 });
      expect(takeAll([client, torrent], 1000, 0)).to.equal(0);
      expect(timeUntilAll([client, torrent], 1000, 0)).to.equal(2000);
      expect(takeAll([client, torrent], 1000, 1000)).to.equal(1000);
      // Waiting on the torrent bucket spent nothing of the client bucket.
      expect(client.available(1000)).to.equal(1000);
      expect(torrent.available(1000)).to.equal(500);
      expect(takeAll([client, torrent], 1000, 2000)).to.equal(0);
      expect(client.available(2000)).to.equal(0);
      expect(torrent.available(2000)).to.equal(0);
    });

    it('the slower bucket sets the pace; the client bucket is shared with other streams', () => {
      const client = new TokenBucket({ rate: 4 * BLOCK, burst: BLOCK });
      const torrentA = new TokenBucket({ rate: BLOCK, burst: BLOCK });
      const a: number[] = [];
      const b: number[] = [];
      for (let now = 0; now <= 3000; now += 50) {
        if (takeAll([client, torrentA], BLOCK, now) === 0) a.push(now);
        if (takeAll([client], BLOCK, now) === 0) b.push(now); // a second torrent, no torrent limit
      }
      expect(a).to.deep.equal([0, 1000, 2000, 3000]);
      // The client's 4 blocks/s: 13 in 3 s (one burst + 12), of which b got what a left.
      expect(a.length + b.length).to.equal(13);
    });

    it('a bucket listed twice is charged once', () => {
      const bucket = new TokenBucket({ rate: 1000, burst: 1000 });
      expect(takeAll([bucket, bucket], 600, 0)).to.equal(0);
      expect(bucket.available(0)).to.equal(400);
    });

    it('no buckets: nothing to wait for', () => {
      expect(takeAll([], 1e9, 0)).to.equal(0);
    });
  });

  describe('property: bytes granted in any window of T s ≤ burst + rate·T', () => {
    const limits = fc.record({ rate: fc.integer({ min: 100, max: 100_000 }), burst: fc.integer({ min: 1, max: 100_000 }) });

    it('for one bucket, over any sequence of takes at any times', () => {
      fc.assert(
        fc.property(limits, fc.array(fc.record({ dtMs: fc.nat(2000), size: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 120 }), ({ rate, burst }, takes) => {
          const bucket = new TokenBucket({ rate, burst });
          const grants: { at: number; bytes: number }[] = [];
          let now = 0;
          for (const { dtMs, size } of takes) {
            now += dtMs;
            const bytes = Math.max(1, Math.round(size * burst)); // items that fit the burst
            if (bucket.tryTake(bytes, now)) grants.push({ at: now, bytes });
          }
          expect(worstExcess(grants, rate, burst)).to.be.at.most(1e-6);
        }),
        { numRuns: 300 },
      );
    });

    it('for a chain sharing its client bucket with a direct stream: no tokens leak between buckets', () => {
      fc.assert(
        fc.property(limits, limits, fc.array(fc.record({ dtMs: fc.nat(500), chained: fc.boolean(), size: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 150 }), (c, t, takes) => {
          const client = new TokenBucket(c);
          const torrent = new TokenBucket(t);
          const viaClient: { at: number; bytes: number }[] = [];
          const viaTorrent: { at: number; bytes: number }[] = [];
          let now = 0;
          for (const { dtMs, chained, size } of takes) {
            now += dtMs;
            const bytes = Math.max(1, Math.round(size * Math.min(c.burst, t.burst)));
            if (chained ? takeAll([client, torrent], bytes, now) === 0 : client.tryTake(bytes, now)) {
              viaClient.push({ at: now, bytes });
              if (chained) viaTorrent.push({ at: now, bytes });
            }
          }
          expect(worstExcess(viaClient, c.rate, c.burst)).to.be.at.most(1e-6);
          expect(worstExcess(viaTorrent, t.rate, t.burst)).to.be.at.most(1e-6);
        }),
        { numRuns: 300 },
      );
    });

    it('waiting exactly timeUntil is always enough', () => {
      fc.assert(
        fc.property(limits, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }), ({ rate, burst }, sizes) => {
          const bucket = new TokenBucket({ rate, burst });
          let now = 0;
          for (const size of sizes) {
            const bytes = Math.max(1, Math.round(size * burst));
            now += bucket.timeUntil(bytes, now);
            expect(bucket.tryTake(bytes, now)).to.equal(true);
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
