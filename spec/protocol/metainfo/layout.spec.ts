import { expect } from 'chai';
import fc from 'fast-check';
import { blockCount, fileSpans, parseMetainfo, piecesOfFile, pieceSize } from '../../../src/protocol/metainfo/index.js';
import { multiFileTorrent } from './fixtures.js';

describe('layout', () => {
  const t = parseMetainfo(multiFileTorrent()); // files: 0, 1000, 40000, 5 bytes; 16 KiB pieces

  it('pieceSize and blockCount: only the last piece is short', () => {
    expect([0, 1, 2].map((i) => pieceSize(t, i))).to.deep.equal([16384, 16384, 41005 - 32768]);
    expect(blockCount(t, 2)).to.equal(1);
    expect(() => pieceSize(t, 3)).to.throw(RangeError);
  });

  it('fileSpans splits a piece across files, skipping empty ones', () => {
    expect(fileSpans(t.files, 0, 16384)).to.deep.equal([
      { fileIndex: 1, fileOffset: 0, rangeOffset: 0, length: 1000 },
      { fileIndex: 2, fileOffset: 0, rangeOffset: 1000, length: 15384 },
    ]);
    expect(fileSpans(t.files, 32768, 41005 - 32768)).to.deep.equal([
      { fileIndex: 2, fileOffset: 31768, rangeOffset: 0, length: 8232 },
      { fileIndex: 3, fileOffset: 0, rangeOffset: 8232, length: 5 },
    ]);
  });

  it('fileSpans covers any range exactly once (property)', () => {
    fc.assert(
      fc.property(fc.nat(t.length - 1), fc.nat(t.length), (offset, len) => {
        const length = Math.min(len, t.length - offset);
        const spans = fileSpans(t.files, offset, length);
        let pos = 0;
        for (const s of spans) {
          expect(s.rangeOffset).to.equal(pos);
          const file = t.files[s.fileIndex]!;
          expect(file.offset + s.fileOffset).to.equal(offset + pos);
          expect(s.fileOffset + s.length).to.be.at.most(file.length);
          pos += s.length;
        }
        expect(pos).to.equal(length);
      }),
    );
  });

  it('piecesOfFile', () => {
    expect(piecesOfFile(t, 0)).to.equal(undefined);
    expect(piecesOfFile(t, 2)).to.deep.equal({ first: 0, last: 2 });
    expect(piecesOfFile(t, 3)).to.deep.equal({ first: 2, last: 2 });
  });
});
