import { expect } from 'chai';
import { DialPlanner } from '../../../src/protocol/swarm/dialPlanner.js';

const a = (port: number) => ({ host: '127.0.0.1', port });

describe('DialPlanner', () => {
  it('dials up to maxPeers at once and more as room frees up', () => {
    const p = new DialPlanner({ maxPeers: 2 });
    expect(p.add([a(1), a(2), a(3)], 0)).to.deep.equal([a(1), a(2)]);
    expect(p.add([a(1), a(3)], 0)).to.deep.equal([]);
    p.connected(a(1), 0);
    expect(p.ended(a(2), 'failed', 0)).to.deep.equal([a(3)]);
  });

  it('backs off exponentially from failures, up to a cap; a healthy connection resets it', () => {
    const p = new DialPlanner({ maxPeers: 5, retryBaseMs: 1000, retryMaxMs: 4000, healthyMs: 10_000 });
    p.add([a(1)], 0);
    p.ended(a(1), 'failed', 0);
    expect(p.tick(999)).to.deep.equal([]);
    expect(p.tick(1000)).to.deep.equal([a(1)]);
    p.ended(a(1), 'failed', 1000);
    expect(p.tick(2999)).to.deep.equal([]);
    expect(p.tick(3000)).to.deep.equal([a(1)]);
    p.ended(a(1), 'failed', 3000);
    p.ended(a(1), 'failed', 3000);
    expect(p.tick(3000 + 4000)).to.deep.equal([a(1)]); // capped at 4 s
    p.connected(a(1), 10_000);
    p.ended(a(1), 'closed', 30_000);
    expect(p.tick(31_000)).to.deep.equal([a(1)]); // back to the base delay
  });

  it('never dials itself or a banned address again', () => {
    const p = new DialPlanner({ maxPeers: 5, retryBaseMs: 1 });
    p.add([a(1), a(2)], 0);
    p.ended(a(1), 'self', 0);
    p.ban(a(2));
    p.ended(a(2), 'failed', 0);
    expect(p.tick(1000)).to.deep.equal([]);
    expect(p.add([a(1), a(2)], 2000)).to.deep.equal([]);
    expect(p.isBanned(a(2))).to.equal(true);
  });

  it('forgets the oldest idle addresses beyond maxKnown', () => {
    const p = new DialPlanner({ maxPeers: 10, maxKnown: 3 });
    expect(p.add([a(1), a(2), a(3), a(4), a(5)], 0)).to.deep.equal([a(3), a(4), a(5)]);
    expect(p.active).to.equal(3);
  });
});
