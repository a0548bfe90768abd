import { expect } from 'chai';
import { PeerError, WireError } from '../../../src/errors.js';
import {
  initialPeerWireState, MAX_PIECE_ANNOUNCEMENTS, MAX_UNSIZED_HAVES, nextPeerWireState, sizePeerWireState, type PeerWireState, type WireMessage,
} from '../../../src/protocol/wire/index.js';

const inn = (message: WireMessage) => ({ direction: 'in' as const, message });
const fold = (state: PeerWireState, ...messages: WireMessage[]): PeerWireState => messages.reduce((s, m) => nextPeerWireState(s, inn(m)), state);

describe('peer wire state (pure model)', () => {
  it('a repeated have counts once, and returns a state with the same pieces', () => {
    const once = fold(initialPeerWireState(16), { type: 'have', index: 3 });
    const twice = fold(once, { type: 'have', index: 3 });
    expect(twice.peerPieces.count).to.equal(1);
    expect(twice.peerPieces).to.equal(once.peerPieces);
    expect(twice.messagesReceived).to.equal(2);
  });

  it('a later announcement replaces the pieces; have-all/have-none past the cap is a protocol error', () => {
    const s = fold(initialPeerWireState(8), { type: 'have-all' }, { type: 'have-none' }, { type: 'bitfield', bytes: new Uint8Array([0b1000_0000]) });
    expect([...s.peerPieces]).to.deep.equal([0]);
    expect(s.announcements).to.equal(3);
    expect(s.shortAnnouncements).to.equal(2);
    const full = fold(s, { type: 'have-all' }, { type: 'have-none' });
    expect(() => fold(full, { type: 'have-all' })).to.throw(PeerError).with.property('code', 'ERR_PEER_UNEXPECTED_MESSAGE');
    expect(full.shortAnnouncements).to.equal(MAX_PIECE_ANNOUNCEMENTS);
  });

  it('bitfields are not capped: aria2 sends one whenever it has gathered pieces', () => {
    const updates = Array.from({ length: 3 * MAX_PIECE_ANNOUNCEMENTS }, (_, i): WireMessage => ({ type: 'bitfield', bytes: new Uint8Array([(0xff << (7 - (i % 8))) & 0xff]) }));
    const s = fold(initialPeerWireState(8), { type: 'have-none' }, ...updates);
    expect(s.announcements).to.equal(updates.length + 1);
    expect(s.peerPieces.count).to.equal(((updates.length - 1) % 8) + 1);
  });

  it('without a piece count (a magnet), announcements are kept and applied once the count is known', () => {
    const unsized = fold(initialPeerWireState(), { type: 'bitfield', bytes: new Uint8Array([0b0100_0000, 0]) }, { type: 'have', index: 9 }, { type: 'unchoke' });
    expect(unsized.peerPiecesKnown).to.equal(true);
    const sized = sizePeerWireState(unsized, 10);
    expect([...sized.peerPieces]).to.deep.equal([1, 9]);
    expect(sized.unsized).to.equal(undefined);
    expect(sized.peerChoking).to.equal(false);
    expect(sizePeerWireState(sized, 10)).to.equal(sized);
  });

  it('sizing refuses what does not fit: a bitfield of the wrong size, a have out of range', () => {
    const bad = fold(initialPeerWireState(), { type: 'bitfield', bytes: new Uint8Array([0, 0, 0]) });
    expect(() => sizePeerWireState(bad, 10)).to.throw(WireError);
    const far = fold(initialPeerWireState(), { type: 'have', index: 10 });
    expect(() => sizePeerWireState(far, 10)).to.throw(WireError).with.property('code', 'ERR_WIRE_INDEX_OUT_OF_RANGE');
    const allSized = sizePeerWireState(fold(initialPeerWireState(), { type: 'have-all' }, { type: 'have', index: 2 }), 4);
    expect(allSized.peerPieces.count).to.equal(4);
  });

  it(`more than ${MAX_UNSIZED_HAVES} haves before the metadata is a protocol error (bounded memory)`, () => {
    let s = initialPeerWireState();
    for (let i = 0; i < MAX_UNSIZED_HAVES; i++) s = nextPeerWireState(s, inn({ type: 'have', index: i }));
    expect(() => nextPeerWireState(s, inn({ type: 'have', index: 0 }))).to.throw(PeerError);
  });
});
