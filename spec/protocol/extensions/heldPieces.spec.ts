import { expect } from 'chai';
import { PeerError } from '../../../src/errors.js';
import { HeldPieces } from '../../../src/protocol/extensions/index.js';
import { Bitfield } from '../../../src/protocol/wire/index.js';
import { errorCode, extCode } from './extFixtures.js';

describe('HeldPieces (announcements before the metadata)', () => {
  it('holds a bitfield and haves, then checks them against the piece count', () => {
    const held = new HeldPieces();
    const bytes = Uint8Array.of(0b1010_0000);
    expect(held.announced).to.equal(false);
    expect(held.hold({ type: 'bitfield', bytes })).to.equal(true);
    bytes[0] = 0xff; // the held bitfield is a copy
    expect(held.hold({ type: 'have', index: 3 })).to.equal(true);
    expect(held.hold({ type: 'unchoke' })).to.equal(false);
    const r = held.resolve(4);
    expect(r.ok && [...r.bitfield]).to.deep.equal([0, 2, 3]);
    expect(r.ok && r.announced).to.equal(true);
  });

  it('have-all, have-none, haves only, or nothing at all', () => {
    const all = new HeldPieces();
    all.hold({ type: 'have-all' });
    const a = all.resolve(10);
    expect(a.ok && a.bitfield.isComplete).to.equal(true);
    const none = new HeldPieces();
    none.hold({ type: 'have-none' });
    none.hold({ type: 'have', index: 9 });
    const n = none.resolve(10);
    expect(n.ok && [...n.bitfield]).to.deep.equal([9]);
    const silent = new HeldPieces().resolve(10);
    expect(silent.ok && silent.announced).to.equal(false);
    expect(silent.ok && silent.bitfield.count).to.equal(0);
  });

  describe('invalid once the piece count is known', () => {
    const table: [string, (h: HeldPieces) => void, number, string][] = [
      ['bitfield too short', (h) => h.hold({ type: 'bitfield', bytes: new Uint8Array(1) }), 9, 'ERR_WIRE_BITFIELD_LENGTH'],
      ['bitfield too long', (h) => h.hold({ type: 'bitfield', bytes: new Uint8Array(3) }), 9, 'ERR_WIRE_BITFIELD_LENGTH'],
      ['spare bits set', (h) => h.hold({ type: 'bitfield', bytes: Uint8Array.of(0, 1) }), 9, 'ERR_WIRE_BITFIELD_SPARE_BITS'],
      ['have out of range', (h) => h.hold({ type: 'have', index: 9 }), 9, 'ERR_WIRE_INDEX_OUT_OF_RANGE'],
    ];
    for (const [name, feed, pieceCount, code] of table) {
      it(name, () => {
        const held = new HeldPieces();
        feed(held);
        const r = held.resolve(pieceCount);
        expect(r.ok).to.equal(false);
        expect(!r.ok && r.error.code).to.equal(code);
      });
    }
  });

  it('caps what it holds', () => {
    const held = new HeldPieces({ maxBitfieldLength: 4, maxHaves: 2 });
    expect(extCode(() => held.hold({ type: 'bitfield', bytes: new Uint8Array(5) }))).to.equal('ERR_EXT_HELD_OVERFLOW');
    held.hold({ type: 'have', index: 1 });
    held.hold({ type: 'have', index: 2 });
    held.hold({ type: 'have', index: 2 }); // a repeat costs nothing
    expect(extCode(() => held.hold({ type: 'have', index: 3 }))).to.equal('ERR_EXT_HELD_OVERFLOW');
    expect(extCode(() => new HeldPieces({ maxHaves: -1 }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
  });

  it('a second whole-set announcement is unexpected, as for a known torrent', () => {
    for (const first of [{ type: 'bitfield', bytes: new Uint8Array(1) }, { type: 'have-all' }, { type: 'have', index: 0 }] as const) {
      const held = new HeldPieces();
      held.hold(first);
      expect(errorCode(() => held.hold({ type: 'have-none' }), PeerError)).to.equal('ERR_PEER_UNEXPECTED_MESSAGE');
    }
  });

  it('resolves to a Bitfield like Bitfield.fromBytes', () => {
    const held = new HeldPieces();
    held.hold({ type: 'bitfield', bytes: Uint8Array.of(0xff, 0x80) });
    const r = held.resolve(9);
    expect(r.ok && r.bitfield.toBytes()).to.deep.equal(Bitfield.fromBytes(Uint8Array.of(0xff, 0x80), 9).toBytes());
  });
});
