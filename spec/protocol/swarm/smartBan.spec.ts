import { expect } from 'chai';
import { SmartBan } from '../../../src/protocol/swarm/smartBan.js';
import type { AssembledPiece } from '../../../src/protocol/pieces/index.js';

const B = 16384;

function piece(index: number, blocks: [string, number][]): AssembledPiece {
  const data = new Uint8Array(blocks.length * B);
  blocks.forEach(([, fill], b) => data.fill(fill, b * B, (b + 1) * B));
  const blockPeers = blocks.map(([peer]) => peer);
  return { index, data, peers: [...new Set(blockPeers)], blockPeers };
}

describe('SmartBan', () => {
  it('a peer that alone sends bad pieces is banned at the threshold', () => {
    const ban = new SmartBan(2);
    expect(ban.failed(piece(0, [['a', 1], ['a', 1]]))).to.deep.equal([]);
    expect(ban.failed(piece(1, [['a', 1], ['a', 1]]))).to.deep.equal(['a']);
    expect(ban.failed(piece(2, [['a', 1]]))).to.deep.equal([]); // banned once only
  });

  it('a shared failure splits the strike', () => {
    const ban = new SmartBan(2);
    ban.failed(piece(0, [['a', 1], ['b', 2]]));
    expect(ban.strikesOf('a')).to.equal(0.5);
    expect(ban.strikesOf('b')).to.equal(0.5);
  });

  it('when the piece later passes, the peer whose block differed is banned at once', () => {
    const ban = new SmartBan(10);
    ban.failed(piece(5, [['good', 7], ['evil', 66], ['good', 9]]));
    expect(ban.verified(piece(5, [['other', 7], ['other', 8], ['other', 9]]))).to.deep.equal(['evil']);
    expect(ban.verified(piece(5, [['other', 7], ['other', 8], ['other', 9]]))).to.deep.equal([]);
  });

  it('a piece never failed proves nothing', () => {
    expect(new SmartBan(2).verified(piece(3, [['a', 1]]))).to.deep.equal([]);
  });
});
