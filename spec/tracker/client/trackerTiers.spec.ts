import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerTiers } from '../../../src/protocol/tracker/trackerTiers.js';

const first = (): number => 0;
/** Fisher–Yates with random() = 0 picks j = 0 each time: [a, b, c] becomes [b, c, a]. */
const TIERS = [['a', 'b', 'c'], ['d'], [], ['e', 'f']];

describe('TrackerTiers (BEP 12)', () => {
  it('keeps tier order, drops empty tiers and repeated URLs', () => {
    const tiers = new TrackerTiers([['a', 'b'], [], ['b', 'c'], ['a']], () => 0.99);
    expect(tiers.snapshot()).to.deep.equal([['a', 'b'], ['c']]);
    expect(tiers.size).to.equal(3);
  });

  it('shuffles only inside each tier, with the injected random (property)', () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 0.9999999, noNaN: true }), { minLength: 1 }), (draws) => {
      let i = 0;
      const tiers = new TrackerTiers(TIERS, () => draws[i++ % draws.length]!);
      const snapshot = tiers.snapshot();
      expect(snapshot.map((t) => [...t].sort())).to.deep.equal([['a', 'b', 'c'], ['d'], ['e', 'f']]);
      expect(tiers.order()).to.deep.equal(snapshot.flat());
    }));
    expect(new TrackerTiers(TIERS, first).order()).to.deep.equal(['b', 'c', 'a', 'd', 'f', 'e']);
  });

  it('promotes the tracker that answered to the front of its own tier only', () => {
    const tiers = new TrackerTiers(TIERS, first);
    tiers.promote('a');
    tiers.promote('e');
    tiers.promote('unknown');
    expect(tiers.snapshot()).to.deep.equal([['a', 'b', 'c'], ['d'], ['e', 'f']]);
    tiers.promote('c');
    expect(tiers.order()).to.deep.equal(['c', 'a', 'b', 'd', 'e', 'f']);
  });
});
