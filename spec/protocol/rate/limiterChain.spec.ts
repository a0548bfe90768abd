import { expect } from 'chai';
import fc from 'fast-check';
import { LimiterChain, TokenBucket, takeAll } from '../../../src/protocol/rate/index.js';

const B = 1000;

describe('LimiterChain', () => {
  it('takes from every bucket or none; the item waits in line meanwhile', () => {
    const client = new TokenBucket({ rate: 2 * B, burst: B });
    const torrent = new TokenBucket({ rate: B, burst: B });
    const chain = new LimiterChain([client, torrent]);
    expect(chain.take(B, 0)).to.equal(0);
    expect(chain.take(B, 0)).to.equal(1000);
    expect(chain.waiting).to.equal(true);
    expect([client.queued, torrent.queued]).to.deep.equal([1, 1]);
    expect(client.available(600)).to.equal(B); // nothing spent while waiting on the torrent
    expect(chain.take(B, 1000)).to.equal(0);
    expect(chain.waiting).to.equal(false);
    expect([client.queued, torrent.queued]).to.deep.equal([0, 0]);
  });

  it('streams sharing a bucket go in the order they started waiting', () => {
    const shared = new TokenBucket({ rate: B, burst: B });
    const one = new LimiterChain([shared]);
    const two = new LimiterChain([shared]);
    expect(one.take(B, 0)).to.equal(0);
    expect(two.take(B, 0)).to.equal(1000); // two waits first
    expect(one.take(B, 0)).to.equal(2000); // one waits behind two
    // one asks first when the tokens are back, but two is ahead in line.
    expect(one.take(B, 1000)).to.be.greaterThan(0);
    expect(two.take(B, 1000)).to.equal(0);
    expect(one.take(B, 2000)).to.equal(0);
  });

  it('a stream blocked by its own torrent limit holds nothing back at the shared client bucket', () => {
    const client = new TokenBucket({ rate: B, burst: B });
    const slowTorrent = new TokenBucket({ rate: B / 10, burst: B });
    const x = new LimiterChain([client, slowTorrent]);
    const y = new LimiterChain([client]);
    expect(x.take(B, 0)).to.equal(0);
    expect(x.take(B, 0)).to.equal(10_000); // waits for its torrent
    expect(y.take(B, 1000)).to.equal(0); // the client's tokens are y's meanwhile
    expect(y.take(B, 9000)).to.equal(0);
    // Once x's torrent bucket can give, x is ahead of y at the client bucket.
    expect(y.take(B, 10_000)).to.be.greaterThan(0);
    expect(x.take(B, 10_000)).to.equal(0);
  });

  it('cancel leaves the line; newcomers (takeAll, tryTake) leave queued bytes alone', () => {
    const shared = new TokenBucket({ rate: B, burst: B });
    const one = new LimiterChain([shared]);
    shared.tryTake(B, 0);
    expect(one.take(B, 0)).to.equal(1000);
    expect(takeAll([shared], B, 1000)).to.equal(1000);
    expect(shared.tryTake(1, 1000)).to.equal(false);
    one.cancel();
    expect(shared.queued).to.equal(0);
    expect(takeAll([shared], B, 1000)).to.equal(0);
  });

  it('a new item size replaces the waiting claim (the old item is gone)', () => {
    const shared = new TokenBucket({ rate: B, burst: B });
    const chain = new LimiterChain([shared]);
    shared.tryTake(B, 0);
    chain.take(B, 0);
    chain.take(B / 2, 0);
    expect(shared.queued).to.equal(1);
    expect(chain.take(B / 2, 500)).to.equal(0);
  });

  it('property: streams polling at the times they are told share the buckets fairly, and none of the bandwidth idles', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (streams, itemBlocks, seed) => {
          let s = seed || 1;
          const random = (): number => ((s = (s * 48271) % 2147483647) / 2147483647);
          const client = new TokenBucket({ rate: 10 * B, burst: 4 * B });
          const chains = Array.from({ length: streams }, () => new LimiterChain([client]));
          const nextAt = chains.map(() => 0);
          const granted = chains.map(() => 0);
          const grants: { at: number; bytes: number }[] = [];
          const bytes = itemBlocks * B;
          for (let now = 0; now <= 30_000; now++) {
            // Streams due at the same ms poll in a random order (timers of unrelated peers).
            const due = chains.map((_, i) => i).filter((i) => nextAt[i]! <= now).sort(() => random() - 0.5);
            for (const i of due) {
              const wait = chains[i]!.take(bytes, now);
              if (wait === 0) {
                granted[i]!++;
                grants.push({ at: now, bytes });
              } else nextAt[i] = now + Math.ceil(wait);
            }
          }
          expect(Math.max(...granted) - Math.min(...granted)).to.be.at.most(1);
          const total = grants.reduce((sum, g) => sum + g.bytes, 0);
          expect(total).to.be.at.most(4 * B + 10 * 30 * B);
          expect(total).to.be.at.least(10 * 30 * B - streams * bytes); // no bandwidth idles
        },
      ),
      { numRuns: 100 },
    );
  });
});
