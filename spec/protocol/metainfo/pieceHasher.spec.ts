import { expect } from 'chai';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { PieceHasher } from '../../../src/protocol/metainfo/index.js';
import { content } from './fixtures.js';

function reference(data: Uint8Array, pieceLength: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += pieceLength) out.push(createHash('sha1').update(data.subarray(i, i + pieceLength)).digest());
  return Buffer.concat(out);
}

describe('PieceHasher', () => {
  const data = content(100_000, 7);

  it('gives the same hashes for any chunking (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 64, max: 40_000 }), fc.array(fc.nat(data.length), { maxLength: 20 }), (pieceLength, cuts) => {
        const points = [...new Set([0, ...cuts, data.length])].sort((a, b) => a - b);
        const hasher = new PieceHasher(pieceLength);
        for (let i = 1; i < points.length; i++) hasher.update(data.subarray(points[i - 1], points[i]));
        expect(Buffer.from(hasher.digest()).equals(reference(data, pieceLength))).to.equal(true);
        expect(hasher.bytesHashed).to.equal(data.length);
      }),
      { numRuns: 200 },
    );
  });

  it('no input gives no pieces', () => expect(new PieceHasher(16).digest()).to.have.length(0));
  it('refuses a bad piece length', () => expect(() => new PieceHasher(0)).to.throw(RangeError));
});
