import { expect } from 'chai';
import { buildMetainfo, choosePieceLength, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { content, hashes } from './fixtures.js';

describe('buildMetainfo / choosePieceLength', () => {
  it('choosePieceLength aims at 1,000–2,000 pieces within 16 KiB–16 MiB', () => {
    expect(choosePieceLength(0)).to.equal(16384);
    expect(choosePieceLength(1000)).to.equal(16384);
    for (const size of [64 * 2 ** 20, 1024 ** 3, 3 * 1024 ** 3 + 5]) {
      const pieces = size / choosePieceLength(size);
      expect(pieces).to.be.within(1000, 2000);
    }
    expect(choosePieceLength(2 ** 50)).to.equal(16 * 2 ** 20);
  });

  it('builds a single-file torrent that parses back', () => {
    const data = content(50_000);
    const bytes = buildMetainfo({
      name: 'x.bin', multiFile: false, files: [{ path: ['x.bin'], length: data.length }],
      pieceLength: 32768, pieces: hashes(data, 32768), trackers: [['http://127.0.0.1:9/announce']], private: true,
    });
    const t = parseMetainfo(bytes);
    expect(t.multiFile).to.equal(false);
    expect(t.private).to.equal(true);
    expect(t.files).to.deep.equal([{ path: ['x.bin'], relativePath: 'x.bin', length: 50_000, offset: 0, pad: false }]);
    expect(t.announce).to.deep.equal([['http://127.0.0.1:9/announce']]);
    expect(t.creationDate).to.equal(undefined);
  });
});
