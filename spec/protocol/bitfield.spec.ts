import { expect } from 'chai';
import fc from 'fast-check';
import { WireError } from '../../src/errors.js';
import { Bitfield, bitfieldByteLength } from '../../src/protocol/bitfield.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(WireError);
    return (err as WireError).code;
  }
}

describe('Bitfield', () => {
  it('takes exactly ⌈pieces / 8⌉ bytes', () => {
    for (const [pieces, bytes] of [[0, 0], [1, 1], [8, 1], [9, 2], [16, 2], [17, 3]] as const) {
      expect(bitfieldByteLength(pieces)).to.equal(bytes);
      expect(new Bitfield(pieces).toBytes()).to.have.length(bytes);
    }
  });

  it('sets and clears bits MSB first, as BEP 3 lays them out', () => {
    const field = new Bitfield(10);
    expect(field.set(0)).to.equal(true);
    expect(field.set(9)).to.equal(true);
    expect(field.toBytes()).to.deep.equal(Uint8Array.of(0x80, 0x40));
    expect(field.has(0)).to.equal(true);
    expect(field.has(1)).to.equal(false);
    expect(field.clear(0)).to.equal(true);
    expect(field.toBytes()).to.deep.equal(Uint8Array.of(0x00, 0x40));
  });

  it('keeps count in step and reports whether a bit changed', () => {
    const field = new Bitfield(3);
    expect(field.count).to.equal(0);
    field.set(1);
    expect(field.set(1)).to.equal(false);
    expect(field.count).to.equal(1);
    expect(field.clear(2)).to.equal(false);
    expect(field.count).to.equal(1);
    field.set(0);
    field.set(2);
    expect(field.isComplete).to.equal(true);
    field.clear(0);
    expect([field.count, field.isComplete]).to.deep.equal([2, false]);
  });

  it('answers has() with false outside the torrent and refuses set/clear there', () => {
    const field = Bitfield.full(4);
    for (const index of [-1, 4, 1.5, Number.NaN]) expect(field.has(index)).to.equal(false);
    expect(code(() => field.set(4))).to.equal('ERR_WIRE_INDEX_OUT_OF_RANGE');
    expect(code(() => field.clear(-1))).to.equal('ERR_WIRE_INDEX_OUT_OF_RANGE');
    expect(code(() => field.set(0.5))).to.equal('ERR_WIRE_INDEX_OUT_OF_RANGE');
  });

  it('refuses an invalid piece count', () => {
    for (const n of [-1, 1.5, Number.NaN]) expect(code(() => new Bitfield(n))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
  });

  it('full(n) sets every piece and keeps spare bits zero', () => {
    for (const n of [0, 1, 7, 8, 9, 17]) {
      const field = Bitfield.full(n);
      expect(field.count).to.equal(n);
      expect(field.isComplete).to.equal(true);
      expect([...field]).to.deep.equal(Array.from({ length: n }, (_, i) => i));
      expect(() => Bitfield.validate(field.toBytes(), n)).not.to.throw();
    }
    expect(Bitfield.full(3).toBytes()).to.deep.equal(Uint8Array.of(0xe0));
  });

  it('toBytes() returns a copy', () => {
    const field = new Bitfield(8);
    field.toBytes().fill(0xff);
    expect(field.count).to.equal(0);
    expect(field.has(0)).to.equal(false);
  });

  it('fromBytes() copies, counts and validates', () => {
    const bytes = Uint8Array.of(0xff, 0x80);
    const field = Bitfield.fromBytes(bytes, 9);
    bytes[0] = 0;
    expect(field.count).to.equal(9);
    expect(field.isComplete).to.equal(true);
    expect(code(() => Bitfield.fromBytes(Uint8Array.of(0xff), 9))).to.equal('ERR_WIRE_BITFIELD_LENGTH');
    expect(code(() => Bitfield.fromBytes(Uint8Array.of(0xff, 0, 0), 9))).to.equal('ERR_WIRE_BITFIELD_LENGTH');
    expect(code(() => Bitfield.fromBytes(Uint8Array.of(0xff, 0x40), 9))).to.equal('ERR_WIRE_BITFIELD_SPARE_BITS');
    expect(code(() => Bitfield.fromBytes(Uint8Array.of(0x01), 7))).to.equal('ERR_WIRE_BITFIELD_SPARE_BITS');
    expect(Bitfield.fromBytes(new Uint8Array(0), 0).count).to.equal(0);
  });

  it('behaves like a set of indices (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.boolean(), fc.nat({ max: n - 1 })), { maxLength: 200 }))),
        ([n, ops]) => {
          const field = new Bitfield(n);
          const model = new Set<number>();
          for (const [add, index] of ops) {
            const changed = add ? field.set(index) : field.clear(index);
            expect(changed).to.equal(add ? !model.has(index) : model.has(index));
            if (add) model.add(index);
            else model.delete(index);
          }
          const sorted = [...model].sort((a, b) => a - b);
          expect(field.count).to.equal(model.size);
          expect([...field]).to.deep.equal(sorted);
          const copy = Bitfield.fromBytes(field.toBytes(), n);
          expect([...copy]).to.deep.equal(sorted);
          expect(copy.count).to.equal(model.size);
        },
      ),
    );
  });
});
