import { expect } from 'chai';
import fc from 'fast-check';
import { Bitfield } from '../../src/protocol/bitfield.js';
import { PieceSet } from '../../src/protocol/pieceSet.js';

describe('PieceSet', () => {
  it('empty, full, of a bitfield: counts, membership, bytes like a Bitfield', () => {
    const full = PieceSet.full(2050);
    expect(full.count).to.equal(2050);
    expect(full.isComplete).to.equal(true);
    expect(full.has(2049)).to.equal(true);
    expect(full.has(2050)).to.equal(false);
    expect(Buffer.from(full.toBytes()).equals(Buffer.from(Bitfield.full(2050).toBytes()))).to.equal(true);
    expect(PieceSet.empty(0).isComplete).to.equal(true);
    expect([...PieceSet.empty(10)]).to.deep.equal([]);
  });

  it('with() never changes the set it is called on, and returns the same set for a piece it holds or outside the torrent', () => {
    const a = PieceSet.empty(5000);
    const b = a.with(4000);
    expect(a.has(4000)).to.equal(false);
    expect(b.has(4000)).to.equal(true);
    expect(b.with(4000)).to.equal(b);
    expect(b.with(5000)).to.equal(b);
    expect(b.with(-1)).to.equal(b);
    expect(b.with(1.5)).to.equal(b);
  });

  it('behaves like a Bitfield for any sequence of additions (fast-check model)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 300 }))), ([n, adds]) => {
        let set = PieceSet.empty(n);
        const model = new Bitfield(n);
        for (const i of adds) {
          set = set.with(i);
          model.set(i);
        }
        expect(set.count).to.equal(model.count);
        expect([...set]).to.deep.equal([...model]);
        expect(Buffer.from(set.toBytes()).equals(Buffer.from(model.toBytes()))).to.equal(true);
        expect(Buffer.from(PieceSet.of(model).toBytes()).equals(Buffer.from(model.toBytes()))).to.equal(true);
      }),
    );
  });

  it('adding every piece of a 262,144-piece torrent one at a time copies chunks, not bitfields', () => {
    // The old model copied the 32 KiB bitfield per have: 8 GiB of copying for this loop.
    let set = PieceSet.empty(262_144);
    for (let i = 0; i < 262_144; i++) set = set.with(i);
    expect(set.isComplete).to.equal(true);
  });
});
