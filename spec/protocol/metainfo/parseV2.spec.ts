import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { BencodeError, MetainfoError } from '../../../src/errors.js';
import { encodeBencode, encodeRawDict, type BencodeInput } from '../../../src/protocol/bencode/index.js';
import { contentLength, magnetOf, parseInfoDict, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { FileMerkleHasher } from '../../../src/protocol/merkle/index.js';
import { codeOf } from '../../helpers/errors.js';
import { concat, fullTree } from '../merkle/reference.js';
import { ascii, filesOf, patch, v2Torrent } from './v2Fixtures.js';

const KiB = 1024;
const FILES = filesOf([['a.bin', 40_000], ['empty', 0], ['sub/b.bin', 16_384], ['z.bin', 100_000], ['one', 32_768]]);

/** A torrent from a raw info dict and raw `piece layers` entries. */
function raw(info: Record<string, BencodeInput>, layers?: [Uint8Array, Uint8Array][]): Uint8Array {
  const entries: [Uint8Array, Uint8Array][] = [[ascii('announce'), encodeBencode('http://127.0.0.1:1/a')], [ascii('info'), encodeBencode(info)]];
  if (layers !== undefined) entries.push([ascii('piece layers'), encodeRawDict(layers)]);
  return encodeRawDict(entries);
}

const leaf = (length: number, root: Uint8Array | undefined = new Uint8Array(32).fill(7)) => ({ '': { length, 'pieces root': root } });
const info = (tree: BencodeInput, extra: Record<string, BencodeInput> = {}) => ({ name: 'n', 'piece length': 16384, 'meta version': 2, 'file tree': tree, ...extra });
const rootOf = (data: Uint8Array) => { const h = new FileMerkleHasher(16384); h.update(data); return h.digest(); };

function infoOf(bytes: Uint8Array): Uint8Array {
  return parseMetainfo(bytes).infoBytes;
}

describe('parseMetainfo: BitTorrent v2 and hybrid (BEP 52)', () => {
  it('a v2-only multi-file torrent: SHA-256 info-hash, truncated swarm id, libtorrent\'s pad files', () => {
    const bytes = v2Torrent(FILES);
    const t = parseMetainfo(bytes);
    const sha256 = createHash('sha256').update(t.infoBytes).digest();
    expect(t.version).to.equal(2);
    expect(t.hybrid).to.equal(false);
    expect(t.infoHashV2).to.equal(sha256.toString('hex'));
    expect(t.infoHash).to.equal(sha256.subarray(0, 20).toString('hex'));
    expect(t.infoHashBytes).to.deep.equal(new Uint8Array(sha256.subarray(0, 20)));
    expect(t.pieces.length).to.equal(0);
    // The layout libtorrent 2.0.8 gives the same files: a pad after each unaligned non-empty file, the last too.
    expect(t.files.map((f) => [f.relativePath, f.length, f.offset, f.pad])).to.deep.equal([
      ['folder/a.bin', 40_000, 0, false],
      ['folder/.pad/25536', 25_536, 40_000, true],
      ['folder/empty', 0, 65_536, false],
      ['folder/one', 32_768, 65_536, false],
      ['folder/sub/b.bin', 16_384, 98_304, false],
      ['folder/.pad/16384', 16_384, 114_688, true],
      ['folder/z.bin', 100_000, 131_072, false],
      ['folder/.pad/31072', 31_072, 231_072, true],
    ]);
    expect(t.length).to.equal(262_144);
    expect(t.pieceCount).to.equal(8);
    expect(t.multiFile).to.equal(true);
  });

  it('roots and piece layers are those of the naive Merkle tree of each file', () => {
    const t = parseMetainfo(v2Torrent(FILES, { pieceLength: 16 * KiB }));
    for (const f of FILES) {
      const file = t.files.find((x) => x.relativePath === `folder/${f.path.join('/')}`)!;
      if (f.data.length === 0) {
        expect(file.piecesRoot).to.equal(undefined);
        continue;
      }
      const naive = fullTree(f.data);
      expect(file.piecesRoot).to.deep.equal(naive.at(-1)![0]);
      if (f.data.length > 16 * KiB) expect(file.pieceLayer).to.deep.equal(concat(naive[0]!.slice(0, Math.ceil(f.data.length / 16384))));
      else expect(file.pieceLayer).to.equal(undefined);
    }
  });

  it('a hybrid multi-file torrent: SHA-1 swarm id, both hashes, pad files in the v1 list', () => {
    const t = parseMetainfo(v2Torrent(FILES, { version: 'hybrid' }));
    expect(t.version).to.equal('hybrid');
    expect(t.hybrid).to.equal(true);
    expect(t.infoHash).to.equal(createHash('sha1').update(t.infoBytes).digest('hex'));
    expect(t.infoHashV2).to.equal(createHash('sha256').update(t.infoBytes).digest('hex'));
    expect(t.pieces.length).to.equal(8 * 20);
    expect(t.files.filter((f) => f.pad).map((f) => f.relativePath)).to.deep.equal(['folder/.pad/25536', 'folder/.pad/16384', 'folder/.pad/31072']);
    expect(t.files.filter((f) => !f.pad && f.length > 0).every((f) => f.piecesRoot?.length === 32)).to.equal(true);
    expect(parseMetainfo(v2Torrent(FILES)).files.map((f) => [f.relativePath, f.offset])).to.deep.equal(t.files.map((f) => [f.relativePath, f.offset]));
  });

  it('single-file torrents, named by their tree key: hybrid has no pad file, v2-only the one libtorrent adds', () => {
    const hybrid = parseMetainfo(v2Torrent(filesOf([['movie.bin', 70_000]]), { version: 'hybrid' }));
    expect(hybrid.files.map((f) => [f.relativePath, f.length, f.pad])).to.deep.equal([['movie.bin', 70_000, false]]);
    expect(hybrid.length).to.equal(70_000);
    const v2 = parseMetainfo(v2Torrent(filesOf([['movie.bin', 70_000]])));
    expect(v2.files.map((f) => [f.relativePath, f.length, f.pad])).to.deep.equal([['movie.bin', 70_000, false], ['movie.bin/.pad/28304', 28_304, true]]);
    expect(v2.length).to.equal(98_304);
    for (const t of [hybrid, v2]) {
      expect(t.multiFile).to.equal(false);
      expect(t.name).to.equal('movie.bin');
      expect(t.pieceCount).to.equal(3);
    }
  });

  it('the content length (shown by info, a magnet\'s xl) leaves out the pad files a v2-only torrent implies; v1 and hybrid list theirs', () => {
    const v2 = parseMetainfo(v2Torrent(FILES));
    const hybrid = parseMetainfo(v2Torrent(FILES, { version: 'hybrid' }));
    const data = FILES.reduce((n, f) => n + f.data.length, 0);
    expect(v2.length).to.be.greaterThan(data);
    expect(contentLength(v2)).to.equal(data);
    expect(new URLSearchParams(magnetOf(v2).slice('magnet:?'.length)).get('xl')).to.equal(String(data));
    expect(contentLength(hybrid)).to.equal(hybrid.length);
  });

  it('keeps the order of the file tree bytes ("10" before "9", which a JS object would swap)', () => {
    const t = parseMetainfo(v2Torrent(filesOf([['9', 10], ['10', 10]])));
    expect(t.files.filter((f) => !f.pad).map((f) => f.relativePath)).to.deep.equal(['folder/10', 'folder/9']);
  });

  it('a bare v2 info dict (BEP 9 metadata) has roots but no piece layers: they are fetched', () => {
    const t = parseInfoDict(infoOf(v2Torrent(FILES)));
    expect(t.version).to.equal(2);
    expect(t.files.every((f) => f.pieceLayer === undefined)).to.equal(true);
    expect(t.files.find((f) => f.relativePath === 'folder/z.bin')!.piecesRoot).to.have.length(32);
  });

  it('a .torrent without piece layers is accepted too (layers to fetch), one with wrong layers is not', () => {
    const t = parseMetainfo(raw({ ...info({ big: leaf(40_000) }) }));
    expect(t.files[0]!.pieceLayer).to.equal(undefined);
  });

  describe('refuses hostile v2 metainfo with a stable code', () => {
    const data = new Uint8Array(40_000).fill(3);
    const { piecesRoot, pieceLayer } = rootOf(data);
    const tooDeep = Array.from({ length: 49 }).reduce<BencodeInput>((tree) => ({ d: tree }), leaf(1));
    const wide: Record<string, BencodeInput> = {};
    const hybridOf = (files: { length: number; path: string[]; attr?: string }[], tree: BencodeInput) => {
      const pieces = Math.ceil(files.reduce((n, f) => n + f.length, 0) / 16384);
      return raw({ ...info(tree), files: files as BencodeInput[], pieces: new Uint8Array(20 * pieces) }, [[piecesRoot, encodeBencode(pieceLayer)]]);
    };
    for (let i = 0; i < 10; i++) wide[`f${i}`] = leaf(0);
    const table: [string, Uint8Array, string][] = [
      ['meta version 3', raw(info({ a: leaf(1) }, { 'meta version': 3 })), 'ERR_METAINFO_UNKNOWN_VERSION'],
      ['meta version 1', raw(info({ a: leaf(1) }, { 'meta version': 1 })), 'ERR_METAINFO_UNKNOWN_VERSION'],
      ['file tree without meta version', raw({ name: 'n', 'piece length': 16384, 'file tree': { a: leaf(1) } }), 'ERR_METAINFO_MISSING_FIELD'],
      ['meta version 2 without file tree', raw({ name: 'n', 'piece length': 16384, 'meta version': 2, length: 5, pieces: new Uint8Array(20) }), 'ERR_METAINFO_MISSING_FIELD'],
      ['piece length not a power of two', raw(info({ a: leaf(1) }, { 'piece length': 3 * 16384 })), 'ERR_METAINFO_BAD_PIECE_LENGTH'],
      ['piece length below 16 KiB', raw(info({ a: leaf(1) }, { 'piece length': 8192 })), 'ERR_METAINFO_BAD_PIECE_LENGTH'],
      ['file tree not a dict', raw(info([])), 'ERR_METAINFO_BAD_FILE_TREE'],
      ['file tree with no file', raw(info({})), 'ERR_METAINFO_NO_FILES'],
      ['an entry that is not a dict', raw(info({ a: 5 })), 'ERR_METAINFO_BAD_FILE_TREE'],
      ['file properties beside folder entries', raw(info({ a: { '': { length: 1 }, b: leaf(1) } })), 'ERR_METAINFO_BAD_FILE_TREE'],
      ['the root itself a file', raw(info({ '': { length: 1 } })), 'ERR_METAINFO_BAD_FILE_TREE'],
      ['nesting deeper than the cap', raw(info(tooDeep)), 'ERR_METAINFO_BAD_FILE_TREE'],
      ['".." as a path segment', raw(info({ '..': { x: leaf(1) } })), 'ERR_METAINFO_BAD_PATH'],
      ['a slash in a segment', raw(info({ 'a/b': leaf(1) })), 'ERR_METAINFO_BAD_PATH'],
      ['a NUL in a segment', raw(info({ 'a\0': leaf(1) })), 'ERR_METAINFO_BAD_PATH'],
      ['a pad file in the tree', raw(info({ a: { '': { length: 1, 'pieces root': piecesRoot, attr: 'p' } } })), 'ERR_METAINFO_BAD_FILE_TREE'],
      ['missing length', raw(info({ a: { '': { 'pieces root': piecesRoot } } })), 'ERR_METAINFO_MISSING_FIELD'],
      ['negative length', raw(info({ a: leaf(-1) })), 'ERR_METAINFO_BAD_LENGTH'],
      ['no pieces root', raw(info({ a: { '': { length: 5 } } })), 'ERR_METAINFO_BAD_PIECES_ROOT'],
      ['a pieces root of 31 bytes', raw(info({ a: leaf(5, new Uint8Array(31).fill(1)) })), 'ERR_METAINFO_BAD_PIECES_ROOT'],
      ['a pieces root of 33 bytes', raw(info({ a: leaf(5, new Uint8Array(33).fill(1)) })), 'ERR_METAINFO_BAD_PIECES_ROOT'],
      ['an all-zero pieces root', raw(info({ a: leaf(5, new Uint8Array(32)) })), 'ERR_METAINFO_BAD_PIECES_ROOT'],
      ['only empty files', raw(info(wide)), 'ERR_METAINFO_BAD_LENGTH'],
      ['piece layers not a dict', patch(raw(info({ a: leaf(1) }), []), ascii('12:piece layersde'), ascii('12:piece layersli1ee')), 'ERR_METAINFO_WRONG_TYPE'],
      ['a piece layer missing', raw(info({ big: leaf(40_000, piecesRoot) }), []), 'ERR_METAINFO_BAD_PIECE_LAYERS'],
      ['a piece layer one hash short', raw(info({ big: leaf(40_000, piecesRoot) }), [[piecesRoot, encodeBencode(pieceLayer.subarray(32))]]), 'ERR_METAINFO_BAD_PIECE_LAYERS'],
      ['a piece layer one byte long', raw(info({ big: leaf(40_000, piecesRoot) }), [[piecesRoot, encodeBencode(pieceLayer.subarray(1))]]), 'ERR_METAINFO_BAD_PIECE_LAYERS'],
      ['a piece layer that is not a string', raw(info({ big: leaf(40_000, piecesRoot) }), [[piecesRoot, encodeBencode(5)]]), 'ERR_METAINFO_BAD_PIECE_LAYERS'],
      ['a piece layer not hashing to the root', raw(info({ big: leaf(40_000, piecesRoot) }), [[piecesRoot, encodeBencode(pieceLayer.map((b, i) => (i === 40 ? b ^ 1 : b)))]]), 'ERR_METAINFO_BAD_PIECE_LAYERS'],
      ['hybrid: a file missing from the tree', hybridOf([{ length: 40_000, path: ['big'] }, { length: 1, path: ['x'] }], { big: leaf(40_000, piecesRoot) }), 'ERR_METAINFO_INCONSISTENT'],
      ['hybrid: other lengths', hybridOf([{ length: 40_001, path: ['big'] }], { big: leaf(40_000, piecesRoot) }), 'ERR_METAINFO_INCONSISTENT'],
      ['hybrid: other names', hybridOf([{ length: 40_000, path: ['bag'] }], { big: leaf(40_000, piecesRoot) }), 'ERR_METAINFO_INCONSISTENT'],
      ['hybrid: a pad file missing', hybridOf([{ length: 1, path: ['a'] }, { length: 40_000, path: ['big'] }], { a: leaf(1), big: leaf(40_000, piecesRoot) }), 'ERR_METAINFO_INCONSISTENT'],
      [
        'hybrid: a pad file too long',
        hybridOf([{ length: 1, path: ['a'] }, { length: 16_384, path: ['.pad', '16384'], attr: 'p' }, { length: 40_000, path: ['big'] }], { a: leaf(1), big: leaf(40_000, piecesRoot) }),
        'ERR_METAINFO_INCONSISTENT',
      ],
      [
        'hybrid: a trailing pad file of a whole piece',
        hybridOf([{ length: 40_000, path: ['big'] }, { length: 25_536, path: ['.pad', '25536'], attr: 'p' }], { big: leaf(40_000, piecesRoot) }),
        'ERR_METAINFO_INCONSISTENT',
      ],
    ];
    for (const [name, bytes, code] of table) it(name, () => expect(codeOf(() => parseMetainfo(bytes))).to.equal(code));
  });

  it('hybrid: files in another order than the tree are inconsistent', () => {
    const a = rootOf(new Uint8Array(1)).piecesRoot;
    const bytes = raw({
      ...info({ a: leaf(1, a), b: leaf(1, a) }),
      files: [{ length: 1, path: ['b'] }, { length: 16_383, path: ['.pad', '16383'], attr: 'p' }, { length: 1, path: ['a'] }],
      pieces: new Uint8Array(40),
    }, []);
    expect(codeOf(() => parseMetainfo(bytes))).to.equal('ERR_METAINFO_INCONSISTENT');
  });

  it('mutated v2 and hybrid torrents fail only with typed errors (property)', () => {
    const seeds = [v2Torrent(FILES), v2Torrent(FILES, { version: 'hybrid' }), v2Torrent(filesOf([['x', 50_000]]))];
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (which, flips) => {
        const bytes = seeds[which]!.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        let t: Torrent | undefined;
        try {
          t = parseMetainfo(bytes);
        } catch (err) {
          expect(err instanceof MetainfoError || err instanceof BencodeError, String(err)).to.equal(true);
          return;
        }
        expect(t.length).to.equal(t.files.at(-1)!.offset + t.files.at(-1)!.length);
      }),
      { numRuns: 1500 },
    );
  });
});
