import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerError } from '../../../src/errors.js';
import { UdpConnectionIds } from '../../../src/protocol/tracker/udpConnectionId.js';

const SECRET = new Uint8Array(32).fill(0x5a);
const T0 = 1_700_000_000_000;

describe('UDP connection ids', () => {
  const ids = new UdpConnectionIds(SECRET);

  it('accepts an id for two minutes from its issue, for the IP it was issued to', () => {
    const id = ids.issue('192.0.2.7', T0);
    expect(id).to.have.length(8);
    for (const later of [0, 1, 59_999, 60_000, 119_999]) expect(ids.verify(id, '192.0.2.7', T0 + later)).to.equal(true);
    expect(ids.verify(id, '192.0.2.7', T0 + 121_000)).to.equal(false);
    expect(ids.verify(id, '192.0.2.7', T0 + 256_000)).to.equal(false);
    expect(ids.verify(id, '192.0.2.8', T0)).to.equal(false);
    expect(ids.verify(ids.issue('2001:db8::1', T0), '2001:db8::1', T0 + 30_000)).to.equal(true);
  });

  it('accepts an id from a clock up to 5 s ahead (another machine), not more', () => {
    const id = ids.issue('192.0.2.7', T0 + 5_000);
    expect(ids.verify(id, '192.0.2.7', T0)).to.equal(true);
    expect(ids.verify(ids.issue('192.0.2.7', T0 + 7_000), '192.0.2.7', T0)).to.equal(false);
  });

  it('is accepted by another holder of the secret, refused under another secret', () => {
    const id = ids.issue('192.0.2.7', T0);
    expect(new UdpConnectionIds(SECRET.slice()).verify(id, '192.0.2.7', T0 + 1000)).to.equal(true);
    expect(new UdpConnectionIds(new Uint8Array(32).fill(1)).verify(id, '192.0.2.7', T0 + 1000)).to.equal(false);
  });

  it('refuses forged ids (property): any other 8 bytes fail', () => {
    const real = ids.issue('192.0.2.7', T0);
    fc.assert(fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 120_000 }), (forged, later) => {
      fc.pre(Buffer.compare(forged, real) !== 0);
      expect(ids.verify(forged, '192.0.2.7', T0 + later)).to.equal(false);
    }), { numRuns: 5000 });
  });

  it('refuses a flipped bit anywhere in a real id', () => {
    const real = ids.issue('192.0.2.7', T0);
    for (let bit = 0; bit < 64; bit++) {
      const flipped = real.slice();
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(ids.verify(flipped, '192.0.2.7', T0 + 1000), `bit ${bit}`).to.equal(false);
    }
  });

  it('refuses a secret shorter than 16 bytes', () => {
    expect(() => new UdpConnectionIds(new Uint8Array(15))).to.throw(TrackerError).with.property('code', 'ERR_TRACKER_BAD_CONFIG');
  });
});
