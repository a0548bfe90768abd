import { expect } from 'chai';
import { PartialPiece } from '../../../src/protocol/scheduler/partialPiece.js';

describe('PartialPiece', () => {
  it('tracks free, requested and received blocks', () => {
    const piece = new PartialPiece(3, 4);
    expect([piece.free, piece.firstFree()]).to.deep.equal([4, 0]);
    piece.request(0, 'a');
    piece.request(1, 'a');
    expect([piece.free, piece.firstFree(), piece.isRequested(0)]).to.deep.equal([2, 2, true]);
    expect(piece.receive(0, 'a')).to.deep.equal([]);
    expect([piece.received, piece.isReceived(0), piece.requesterCount(0)]).to.deep.equal([1, true, 0]);
    expect(piece.receive(0, 'a')).to.equal(undefined); // a duplicate
  });

  it('endgame: a block asked of several peers names the others on arrival, once each', () => {
    const piece = new PartialPiece(0, 1);
    piece.request(0, 'a');
    piece.request(0, 'b');
    piece.request(0, 'c');
    piece.request(0, 'b'); // asked again: still one entry
    expect(piece.requesterCount(0)).to.equal(3);
    expect(['a', 'b', 'c', 'd'].map((p) => piece.isRequestedFrom(0, p))).to.deep.equal([true, true, true, false]);
    expect(piece.receive(0, 'b')).to.deep.equal(['a', 'c']);
    expect(piece.complete).to.equal(true);
  });

  it('a released block stays requested while another peer still has it, and is free after the last', () => {
    const piece = new PartialPiece(0, 2);
    piece.request(1, 'a');
    piece.request(1, 'b');
    piece.release(1, 'a');
    expect([piece.isRequested(1), piece.isRequestedFrom(1, 'b'), piece.requesterCount(1)]).to.deep.equal([true, true, 1]);
    piece.release(1, 'x'); // never asked: no effect
    expect(piece.isRequested(1)).to.equal(true);
    piece.release(1, 'b');
    expect([piece.isRequested(1), piece.free, piece.firstFree()]).to.deep.equal([false, 2, 0]);
    piece.request(1, 'c');
    expect(piece.receive(1, 'd')).to.deep.equal(['c']); // arrived from someone else: cancel c
  });
});
