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

  it('caps connections with one IP address (3 by default; IPv4-mapped is the same address); loopback counts only when asked', () => {
    const limiter = createConnectionLimiter({ maxPeers: 10 });
    const held = [limiter.acquire('203.0.113.5'), limiter.acquire('::ffff:203.0.113.5'), limiter.acquire('203.0.113.5')];
    expect(held.every((s) => s !== undefined)).to.equal(true);
    expect(limiter.acquire('203.0.113.5')).to.equal(undefined);
    expect(limiter.refusal('203.0.113.5')?.code).to.equal('ERR_PEER_OVER_ADDRESS_CAP');
    expect(limiter.acquire('203.0.113.6')).to.not.equal(undefined);
    held[0]!.release();
    expect(limiter.acquire('203.0.113.5')).to.not.equal(undefined);
    for (let i = 0; i < 5; i++) expect(limiter.acquire('127.0.0.1'), 'this machine').to.not.equal(undefined);
    const strict = createConnectionLimiter({ maxPeers: 10, maxPerAddress: 1, limitLoopback: true });
    expect(strict.acquire('127.0.0.1')).to.not.equal(undefined);
    expect(strict.refusal('127.0.0.1')?.code).to.equal('ERR_PEER_OVER_ADDRESS_CAP');
    expect(strict.acquire('127.0.0.2')).to.not.equal(undefined);
    expect(() => createConnectionLimiter({ maxPerAddress: 0 })).to.throw(PeerError);
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
