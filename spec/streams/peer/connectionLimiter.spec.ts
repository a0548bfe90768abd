import { expect } from 'chai';
import { PeerError } from '../../../src/errors.js';
import { createConnectionLimiter } from '../../../src/streams/peer/index.js';

const ih = new Uint8Array(20).fill(1);
const other = new Uint8Array(20).fill(2);
const id = (n: number): Uint8Array => new Uint8Array(20).fill(n);

describe('createConnectionLimiter', () => {
  it('counts slots up to the cap, and frees them once', () => {
    const limiter = createConnectionLimiter({ maxPeers: 2 });
    const a = limiter.acquire();
    const b = limiter.acquire();
    expect(a).to.not.equal(undefined);
    expect(b).to.not.equal(undefined);
    expect(limiter.acquire()).to.equal(undefined);
    expect(limiter.size).to.equal(2);
    a!.release();
    a!.release();
    expect(limiter.size).to.equal(1);
    expect(limiter.available).to.equal(1);
    expect(limiter.acquire()).to.not.equal(undefined);
  });

  it('allows a peer id once per torrent', () => {
    const limiter = createConnectionLimiter({ maxPeers: 10 });
    const a = limiter.acquire()!;
    expect(a.claim(ih, id(7))).to.equal(true);
    expect(a.claim(ih, id(7))).to.equal(true);
    expect(limiter.acquire()!.claim(ih, id(7))).to.equal(false);
    expect(limiter.acquire()!.claim(other, id(7))).to.equal(true);
    expect(limiter.has(ih, id(7))).to.equal(true);
    a.release();
    expect(limiter.has(ih, id(7))).to.equal(false);
    expect(limiter.acquire()!.claim(ih, id(7))).to.equal(true);
  });

  it('a released slot claims nothing', () => {
    const limiter = createConnectionLimiter();
    const a = limiter.acquire()!;
    a.release();
    expect(a.claim(ih, id(1))).to.equal(false);
    expect(limiter.has(ih, id(1))).to.equal(false);
  });

  it('defaults to 50 and refuses a bad cap', () => {
    expect(createConnectionLimiter().maxPeers).to.equal(50);
    expect(() => createConnectionLimiter({ maxPeers: -1 })).to.throw(PeerError).with.property('code', 'ERR_PEER_INVALID_ARGUMENT');
    expect(() => createConnectionLimiter({ maxPeers: 1.5 })).to.throw(PeerError);
  });
});
