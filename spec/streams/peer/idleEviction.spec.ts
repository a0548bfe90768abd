import { expect } from 'chai';
import { PeerError } from '../../../src/errors.js';
import { createConnectionLimiter, type ConnectionSlot } from '../../../src/streams/peer/index.js';

/** A connection the spec drives: its payload counter and interest, and whether it was closed. */
class FakeConnection {
  bytes = 0;
  interested = false;
  closed = false;
  constructor(readonly slot: ConnectionSlot) {
    slot.watch({ activity: () => this.bytes, interested: () => this.interested, close: () => ((this.closed = true), slot.release()) });
  }
}

describe('ConnectionLimiter: a full cap makes room by dropping the connection useless longest', () => {
  const setup = (config: { maxPeers?: number; maxPerAddress?: number; evictIdleMs?: number } = {}) => {
    let now = 0;
    const limiter = createConnectionLimiter({ maxPeers: 2, evictIdleMs: 1000, now: () => now, ...config });
    const open = (host?: string): FakeConnection => {
      const slot = limiter.admit(host);
      if (slot instanceof PeerError) throw slot;
      return new FakeConnection(slot);
    };
    return { limiter, open, advance: (ms: number) => (now += ms) };
  };

  it('a newcomer at the cap takes the place of the one idle longest, once it has been idle evictIdleMs', () => {
    const { limiter, open, advance } = setup();
    const first = open();
    advance(100);
    const second = open();
    expect(limiter.admit(), 'nobody idle long enough').to.be.instanceOf(PeerError);
    advance(1000);
    const third = limiter.admit();
    expect(third).to.not.be.instanceOf(PeerError);
    expect([first.closed, second.closed]).to.deep.equal([true, false]);
    expect(limiter.size).to.equal(2);
  });

  it('interest either way, or payload moving, keeps a connection', () => {
    const { limiter, open, advance } = setup();
    const waiting = open();
    const busy = open();
    waiting.interested = true;
    advance(5000);
    busy.bytes += 16384;
    expect(limiter.admit()).to.be.instanceOf(PeerError);
    expect([waiting.closed, busy.closed]).to.deep.equal([false, false]);
    // Idle from the check that saw no change: evictable one evictIdleMs after it.
    waiting.interested = false;
    advance(1000);
    busy.bytes += 16384;
    expect(limiter.admit()).to.not.be.instanceOf(PeerError);
    expect([waiting.closed, busy.closed]).to.deep.equal([true, false]);
  });

  it('at an address\'s cap, only that address\'s own idle connections give way', () => {
    const { limiter, open, advance } = setup({ maxPeers: 10, maxPerAddress: 2 });
    const elsewhere = open('198.51.100.1');
    const mine = [open('203.0.113.5'), open('203.0.113.5')];
    advance(2000);
    expect(limiter.admit('203.0.113.5')).to.not.be.instanceOf(PeerError);
    expect([elsewhere.closed, ...mine.map((c) => c.closed)]).to.deep.equal([false, true, false]);
  });

  it('a slot still dialling or handshaking (not watched) is never dropped; evictIdleMs Infinity never drops', () => {
    const { limiter, advance } = setup();
    limiter.admit();
    limiter.admit();
    advance(10_000);
    expect(limiter.admit()).to.be.instanceOf(PeerError);
    const never = setup({ evictIdleMs: Infinity });
    never.open();
    never.open();
    never.advance(1e9);
    expect(never.limiter.admit()).to.be.instanceOf(PeerError);
  });

  it('refuses a negative or NaN evictIdleMs', () => {
    for (const evictIdleMs of [-1, Number.NaN]) expect(() => createConnectionLimiter({ evictIdleMs })).to.throw(PeerError);
  });
});
