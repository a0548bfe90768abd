import { expect } from 'chai';
import { UploadQueue } from '../../../src/protocol/upload/uploadQueue.js';

const B = 16384;

describe('UploadQueue', () => {
  const make = (maxQueue = 4) => {
    const q = new UploadQueue({ pieceCount: 3, pieceSize: (i) => (i === 2 ? 100 : 2 * B), have: (i) => i !== 1, maxQueue });
    q.unchoke();
    return q;
  };

  it('refuses with a reason: choked, too large, out of range, a piece we lack, queue full', () => {
    const choked = new UploadQueue({ pieceCount: 1, pieceSize: () => B, have: () => true });
    expect(choked.request({ index: 0, begin: 0, length: B })).to.deep.equal({ type: 'refused', reason: 'choked' });
    const q = make(1);
    const table: [number, number, number, string][] = [
      [0, 0, 0, 'too-large'],
      [0, 0, B + 1, 'too-large'],
      [3, 0, B, 'out-of-range'],
      [-1, 0, B, 'out-of-range'],
      [0, B + 1, B, 'out-of-range'],
      [2, 0, 101, 'out-of-range'],
      [1, 0, B, 'not-have'],
    ];
    for (const [index, begin, length, reason] of table) {
      expect(q.request({ index, begin, length }), `${index}/${begin}/${length}`).to.deep.equal({ type: 'refused', reason });
    }
    expect(q.request({ index: 0, begin: 0, length: B }).type).to.equal('queued');
    expect(q.request({ index: 0, begin: B, length: B })).to.deep.equal({ type: 'refused', reason: 'queue-full' });
  });

  it('serves in order; a cancel removes a waiting request; finish says whether to send', () => {
    const q = make();
    q.request({ index: 0, begin: 0, length: B });
    q.request({ index: 0, begin: B, length: B });
    q.request({ index: 2, begin: 0, length: 100 });
    expect(q.cancel({ index: 0, begin: B, length: B })).to.equal(true);
    const first = q.next()!;
    expect(first).to.deep.equal({ index: 0, begin: 0, length: B });
    expect(q.cancel(first)).to.equal(true); // cancelled while being read
    expect(q.finish(first)).to.equal(false);
    const second = q.next()!;
    expect(q.finish(second)).to.equal(true);
    expect(q.next()).to.equal(undefined);
  });

  it('a choke drops everything waiting or in progress and returns it', () => {
    const q = make();
    q.request({ index: 0, begin: 0, length: B });
    q.request({ index: 0, begin: B, length: B });
    const serving = q.next()!;
    expect(q.choke()).to.deep.equal([serving, { index: 0, begin: B, length: B }]);
    expect(q.finish(serving)).to.equal(false);
    expect(q.request({ index: 0, begin: 0, length: B }).type).to.equal('refused');
  });

  it('a repeated request is not queued twice', () => {
    const q = make();
    q.request({ index: 0, begin: 0, length: B });
    q.request({ index: 0, begin: 0, length: B });
    expect(q.size).to.equal(1);
  });
});
