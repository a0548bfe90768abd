import { expect } from 'chai';
import { decodeBencode } from '../../../src/protocol/bencode/index.js';
import { buildMetainfo, choosePieceLength, parseMetainfo, torrentFileOf } from '../../../src/protocol/metainfo/index.js';
import { filesOf, v2Torrent } from './v2Fixtures.js';
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

  describe('v2 and hybrid', () => {
    const files = filesOf([['b/x.bin', 70_000], ['a.bin', 0], ['c', 16_384]]);

    it('writes meta version 2, a byte-sorted file tree, piece layers for files over a piece, and v1 fields only for hybrid', () => {
      for (const version of ['v2', 'hybrid'] as const) {
        const t = parseMetainfo(v2Torrent(files, { version }));
        const info = decodeBencode(t.infoBytes) as Record<string, unknown>;
        expect(info['meta version']).to.equal(2);
        expect('pieces' in info && 'files' in info).to.equal(version === 'hybrid');
        expect(t.files.filter((f) => f.pieceLayer !== undefined).map((f) => f.path.join('/'))).to.deep.equal(['b/x.bin']);
      }
    });

    it('torrentFileOf writes piece layers back, so a magnet\'s .torrent keeps them', () => {
      const t = parseMetainfo(v2Torrent(files));
      const again = parseMetainfo(torrentFileOf(t.infoBytes, [['http://127.0.0.1:1/a']], t.files));
      expect(again.infoHashV2).to.equal(t.infoHashV2);
      expect(again.files.map((f) => f.pieceLayer)).to.deep.equal(t.files.map((f) => f.pieceLayer));
      expect(parseMetainfo(torrentFileOf(t.infoBytes)).files.every((f) => f.pieceLayer === undefined)).to.equal(true);
    });

    it('refuses v2 files out of file-tree order, and a big file without its layer', () => {
      const input = { name: 'n', multiFile: true, pieceLength: 16384, pieces: new Uint8Array(0), version: 'v2' as const };
      expect(() => buildMetainfo({ ...input, files: [{ path: ['b'], length: 1, piecesRoot: new Uint8Array(32) }, { path: ['a'], length: 1, piecesRoot: new Uint8Array(32) }] })).to.throw(RangeError);
      expect(() => buildMetainfo({ ...input, files: [{ path: ['a'], length: 20_000, piecesRoot: new Uint8Array(32) }] })).to.throw(/piece layer/);
    });
  });
});
