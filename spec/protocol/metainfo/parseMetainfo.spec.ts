import { expect } from 'chai';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { BencodeError, MetainfoError } from '../../../src/errors.js';
import { encodeBencode } from '../../../src/protocol/bencode/index.js';
import { parseInfoDict, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { filesOf, v2Torrent } from './v2Fixtures.js';
import { malformedTorrents, multiFileTorrent, rawTorrent, singleInfo } from './fixtures.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function codeOf(bytes: Uint8Array): string | undefined {
  try {
    parseMetainfo(bytes);
    return undefined;
  } catch (err) {
    expect(err).to.satisfy((e: unknown) => e instanceof MetainfoError || e instanceof BencodeError);
    return (err as MetainfoError).code;
  }
}

describe('parseMetainfo', () => {
  it('parses a multi-file torrent: files, offsets, tiers, fields', () => {
    const t = parseMetainfo(multiFileTorrent());
    expect(t.name).to.equal('folder');
    expect(t.multiFile).to.equal(true);
    expect(t.files.map((f) => [f.relativePath, f.length, f.offset])).to.deep.equal([
      ['folder/f0.bin', 0, 0],
      ['folder/f1.bin', 1000, 0],
      ['folder/sub/f2.bin', 40000, 1000],
      ['folder/f3.bin', 5, 41000],
    ]);
    expect(t.length).to.equal(41005);
    expect(t.pieceCount).to.equal(3);
    expect(t.announce).to.deep.equal([
      ['http://127.0.0.1:1/announce'],
      ['udp://127.0.0.1:2/announce', 'http://127.0.0.1:3/announce'],
    ]);
    expect(t.comment).to.equal('a comment');
    expect(t.createdBy).to.equal('rxtorrent spec');
    expect(t.creationDate?.getTime()).to.equal(1_700_000_000_000);
    expect(t.private).to.equal(false);
  });

  it('hashes the raw info bytes, not a re-encoding (unsorted keys keep their order)', () => {
    const info = singleInfo();
    const canonical = encodeBencode(info);
    // Swap two keys by hand: a non-canonical but valid dict.
    const text = Buffer.from(canonical).toString('latin1').replace('6:lengthi20000e4:name5:a.bin', '4:name5:a.bin6:lengthi20000e');
    const infoBytes = Buffer.from(text, 'latin1');
    expect(infoBytes.equals(Buffer.from(canonical))).to.equal(false);
    const torrent = Buffer.concat([enc('d4:info'), infoBytes, enc('e')]);
    const t = parseMetainfo(torrent);
    expect(t.infoHash).to.equal(createHash('sha1').update(infoBytes).digest('hex'));
    expect(Buffer.from(t.infoBytes).equals(infoBytes)).to.equal(true);
  });

  it('prefers name.utf-8 and path.utf-8, and reads private, url-list and BEP 47 pad files', () => {
    const data = singleInfo();
    const t = parseMetainfo(
      rawTorrent(
        {
          name: 'x',
          'name.utf-8': 'Ünïcødé',
          'piece length': 16384,
          pieces: data.pieces,
          private: 1,
          files: [
            { length: 16000, path: ['bad'], 'path.utf-8': ['ファイル.bin'] },
            { length: 384, path: ['.pad', '384'], attr: 'p' },
            { length: 3616, path: ['b.bin'] },
          ],
        },
        { 'url-list': 'http://127.0.0.1/seed' },
      ),
    );
    expect(t.name).to.equal('Ünïcødé');
    expect(t.files.map((f) => [f.relativePath, f.pad])).to.deep.equal([
      ['Ünïcødé/ファイル.bin', false],
      ['Ünïcødé/.pad/384', true],
      ['Ünïcødé/b.bin', false],
    ]);
    expect(t.private).to.equal(true);
    expect(t.urlList).to.deep.equal(['http://127.0.0.1/seed']);
  });

  it('reads hybrid v1+v2 torrents as hybrid, with both info-hashes', () => {
    const t = parseMetainfo(v2Torrent(filesOf([['a.bin', 20000]]), { version: 'hybrid', pieceLength: 16384 }));
    expect(t.hybrid).to.equal(true);
    expect(t.version).to.equal('hybrid');
    expect(t.pieceCount).to.equal(2);
    expect(t.infoHashV2).to.have.length(64);
  });

  it('ignores a piece layers dict keyed by binary hashes beside a v1 info dict', () => {
    const layers = Buffer.concat([enc('d32:'), Buffer.alloc(32, 0xff), enc('0:e')]);
    const t = rawTorrent(singleInfo());
    const withLayers = Buffer.concat([t.subarray(0, t.length - 1), enc('12:piece layers'), layers, enc('e')]);
    expect(parseMetainfo(withLayers).infoHash).to.equal(parseMetainfo(t).infoHash);
    expect(parseMetainfo(withLayers).version).to.equal(1);
  });

  it('parses a bare info dict (BEP 9 metadata)', () => {
    const infoBytes = encodeBencode(singleInfo());
    const t = parseInfoDict(infoBytes);
    expect(t.infoHash).to.equal(createHash('sha1').update(infoBytes).digest('hex'));
    expect(t.announce).to.deep.equal([]);
  });

  describe('malformed torrents', () => {
    const table = malformedTorrents();
    for (const [name, bytes, code] of table) it(name, () => expect(codeOf(bytes)).to.equal(code));
  });

  describe('property: mutations and truncations of a valid torrent', () => {
    const valid = multiFileTorrent();
    it('truncated at any point throws only typed errors', () => {
      for (let n = 0; n < valid.length; n++) expect(codeOf(valid.subarray(0, n))).to.be.a('string');
    });
    it('random byte edits parse or throw only typed errors', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
          const bytes = valid.slice();
          for (const [i, b] of edits) bytes[i] = b;
          codeOf(bytes);
        }),
        { numRuns: 3000 },
      );
    });
    it('random insertions and deletions throw only typed errors', () => {
      fc.assert(
        fc.property(fc.nat(valid.length), fc.nat(40), fc.uint8Array({ maxLength: 40 }), (at, drop, insert) => {
          const bytes = Buffer.concat([valid.subarray(0, at), insert, valid.subarray(Math.min(valid.length, at + drop))]);
          codeOf(bytes);
        }),
        { numRuns: 3000 },
      );
    });
  });
});
