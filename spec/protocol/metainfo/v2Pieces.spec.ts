import { expect } from 'chai';
import { toHex } from '../../../src/protocol/bytes.js';
import {
  checkPiece, expectedPieceHashV2, fileGeometry, hasPieceHashes, fileSpans, fileTreeOf, filesByRoot, parseInfoDict, parseMetainfo, pieceInFile, pieceSize, verifyPieceV2,
  type Torrent,
} from '../../../src/protocol/metainfo/index.js';
import { PieceLayerFetch, serveHashes } from '../../../src/protocol/merkle/index.js';
import { filesOf, v2Torrent, type FixtureFile } from './v2Fixtures.js';

const FILES = filesOf([['a.bin', 40_000], ['empty', 0], ['sub/b.bin', 16_384], ['z.bin', 100_000], ['one', 32_768]]);

/** Piece `i` as a downloader assembles it: the bytes of its files, zeros for pad files. */
function assemble(t: Torrent, files: readonly FixtureFile[], i: number): Uint8Array {
  const out = new Uint8Array(pieceSize(t, i));
  for (const span of fileSpans(t.files, i * t.pieceLength, out.length)) {
    const file = t.files[span.fileIndex]!;
    if (file.pad) continue;
    const data = files.find((f) => f.path.join('/') === file.path.join('/'))!.data;
    out.set(data.subarray(span.fileOffset, span.fileOffset + span.length), span.rangeOffset);
  }
  return out;
}

describe('v2 pieces: layout mapping and verification', () => {
  const t = parseMetainfo(v2Torrent(FILES, { pieceLength: 32768 }));

  it('maps every piece to one file, from a piece boundary of it; pad bytes are not data', () => {
    expect(Array.from({ length: t.pieceCount }, (_, i) => {
      const { fileIndex, filePiece, dataLength } = pieceInFile(t, i);
      return [t.files[fileIndex]!.path.join('/'), filePiece, dataLength];
    })).to.deep.equal([
      ['a.bin', 0, 32768], ['a.bin', 1, 7232], ['one', 0, 32768], ['sub/b.bin', 0, 16384],
      ['z.bin', 0, 32768], ['z.bin', 1, 32768], ['z.bin', 2, 32768], ['z.bin', 3, 1696],
    ]);
    expect(() => pieceInFile(t, t.pieceCount)).to.throw(RangeError);
    const v1 = parseMetainfo(v2Torrent(filesOf([['a', 20_000], ['b', 20_000]]), { version: 'v1' }));
    expect(() => pieceInFile(v1, 1)).to.throw(/v2 layout/);
  });

  it('every assembled piece verifies; a flipped byte in the data fails, one in the pad bytes does not matter', () => {
    for (let i = 0; i < t.pieceCount; i++) expect(verifyPieceV2(t, i, assemble(t, FILES, i)), `piece ${i}`).to.equal(true);
    const bad = assemble(t, FILES, 5);
    bad[100] = bad[100]! ^ 1;
    expect(verifyPieceV2(t, 5, bad)).to.equal(false);
    const padded = assemble(t, FILES, 1);
    padded[20_000] = 1; // past a.bin's 7,232 bytes: the pad file
    expect(verifyPieceV2(t, 1, padded)).to.equal(true);
  });

  it('a magnet\'s torrent knows no piece hashes of big files until their layer is fetched', () => {
    const bare = parseInfoDict(t.infoBytes);
    const z = bare.files.findIndex((f) => f.path.join('/') === 'z.bin');
    expect(expectedPieceHashV2(bare, 4)).to.equal(undefined);
    expect(verifyPieceV2(bare, 4, assemble(t, FILES, 4))).to.equal(undefined);
    expect(verifyPieceV2(bare, 3, assemble(t, FILES, 3))).to.equal(true); // one-piece file: its root
    const fetch = new PieceLayerFetch(fileGeometry(bare, z), bare.files[z]!.piecesRoot!);
    const seeder = fileTreeOf(t, z)!;
    for (const r of fetch.requests()) fetch.add({ ...r, hashes: serveHashes(seeder, r) as Uint8Array });
    expect(verifyPieceV2(bare, 4, assemble(t, FILES, 4), fetch.pieceHash(0))).to.equal(true);
    expect(fileTreeOf(bare, z)).to.equal(undefined);
    expect(fileTreeOf(bare, z, fetch.pieceLayer())!.root).to.deep.equal(bare.files[z]!.piecesRoot);
  });

  it('checkPiece: a v2-only torrent by its trees (never a missing layer), v1 and hybrid by SHA-1; hasPieceHashes says which can be checked', () => {
    const bare = parseInfoDict(t.infoBytes);
    for (let i = 0; i < t.pieceCount; i++) expect(checkPiece(t, i, assemble(t, FILES, i)), `piece ${i}`).to.equal(true);
    const bad = assemble(t, FILES, 4);
    bad[0] = bad[0]! ^ 1;
    expect(checkPiece(t, 4, bad)).to.equal(false);
    expect([checkPiece(bare, 4, assemble(t, FILES, 4)), checkPiece(bare, 3, assemble(t, FILES, 3))]).to.deep.equal([false, true]);
    expect([hasPieceHashes(t), hasPieceHashes(bare)]).to.deep.equal([true, false]);
    for (const version of ['v1', 'hybrid'] as const) {
      const other = parseMetainfo(v2Torrent(FILES, { pieceLength: 32768, version }));
      const pieces = Array.from({ length: other.pieceCount }, (_, i) => assemble(other, FILES, i));
      expect(pieces.map((p, i) => checkPiece(other, i, p)), version).to.deep.equal(pieces.map(() => true));
      pieces[0]![0] = pieces[0]![0]! ^ 1;
      expect(checkPiece(other, 0, pieces[0]!), version).to.equal(false);
      expect(hasPieceHashes(parseInfoDict(other.infoBytes)), version).to.equal(true);
    }
  });

  it('routes hash requests by root, and builds one-piece files\' trees from their data', () => {
    const byRoot = filesByRoot(t);
    for (const [i, f] of t.files.entries()) if (f.piecesRoot) expect(byRoot.get(toHex(f.piecesRoot))).to.equal(i);
    const one = t.files.findIndex((f) => f.path.join('/') === 'one');
    expect(fileTreeOf(t, one)).to.equal(undefined);
    expect(fileTreeOf(t, one, FILES.find((f) => f.path[0] === 'one')!.data)!.root).to.deep.equal(t.files[one]!.piecesRoot);
    expect(fileTreeOf(t, t.files.findIndex((f) => f.pad))).to.equal(undefined);
  });
});
