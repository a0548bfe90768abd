import { expect } from 'chai';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildMetainfo, parseMetainfo, pieceSize, piecesOfFile, type Torrent } from '../../src/protocol/metainfo/index.js';
import { wantedFiles } from '../../src/protocol/scheduler/pieceLevels.js';
import { openFileStorage } from '../../src/streams/storage/index.js';
import { partsPathOf, sharedPieces } from '../../src/streams/storage/partsFile.js';
import { content, hashes } from '../protocol/metainfo/fixtures.js';
import { useTempDir } from '../helpers/tmp.js';

const PIECE = 32 * 1024;

/** a.bin (10.5 pieces), b.bin (5 pieces, both ends shared), c.bin (2.25 pieces). */
function fixture(): { torrent: Torrent; data: Uint8Array } {
  const files = [
    { path: ['a.bin'], length: 10 * PIECE + PIECE / 2 },
    { path: ['sub', 'b.bin'], length: 5 * PIECE },
    { path: ['c.bin'], length: 2 * PIECE + PIECE / 4 },
  ];
  const data = content(files.reduce((n, f) => n + f.length, 0), 5);
  return { torrent: parseMetainfo(buildMetainfo({ name: 'sel', multiFile: true, files, pieceLength: PIECE, pieces: hashes(data, PIECE) })), data };
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
const piece = (t: Torrent, data: Uint8Array, i: number): Uint8Array => data.subarray(i * t.pieceLength, i * t.pieceLength + pieceSize(t, i));
const fileBytes = (t: Torrent, data: Uint8Array, i: number): Buffer => Buffer.from(data.subarray(t.files[i]!.offset, t.files[i]!.offset + t.files[i]!.length));
/** The pieces a level-based plan fetches: those holding bytes of a wanted file. */
const piecesOf = (t: Torrent, wanted: readonly boolean[]): number[] =>
  [...new Set(wanted.flatMap((w, i) => {
    const r = piecesOfFile(t, i);
    return w && r !== undefined ? Array.from({ length: r.last - r.first + 1 }, (_, k) => r.first + k) : [];
  }))];

describe('file storage: skipped files and the parts file', () => {
  const tmp = useTempDir();

  it('shared pieces are the files\' meeting points only', () => {
    const { torrent } = fixture();
    // a|b meet inside piece 10, b|c inside piece 15.
    expect(sharedPieces(torrent)).to.deep.equal([10, 15]);
  });

  it('a skipped file is never created; its share of a piece waits in the parts file and reads back whole', async () => {
    const { torrent, data } = fixture();
    const path = join(tmp.path, 'sel');
    const wanted = wantedFiles(torrent, ['normal', 'skip', 'normal']);
    const storage = await openFileStorage(torrent, { path, wanted });
    for (const i of piecesOf(torrent, wanted)) await storage.writePiece(i, piece(torrent, data, i));
    await storage.finalize();
    expect(await exists(join(path, 'sub', 'b.bin'))).to.equal(false);
    expect(await exists(join(path, 'sub', 'b.bin.part'))).to.equal(false);
    expect(await exists(join(path, 'sub'))).to.equal(false);
    expect(await readFile(join(path, 'a.bin'))).to.deep.equal(fileBytes(torrent, data, 0));
    expect(await readFile(join(path, 'c.bin'))).to.deep.equal(fileBytes(torrent, data, 2));
    expect(await exists(partsPathOf(path))).to.equal(true);
    // Seeding a shared piece serves the skipped file's bytes too.
    for (const i of [10, 15]) expect(Buffer.from(await storage.readBlock(i, 0, pieceSize(torrent, i)))).to.deep.equal(Buffer.from(piece(torrent, data, i)));
    // The parts file holds verified bytes too: the resume record vouches for it as it is.
    expect((await storage.files()).map((f) => f.path)).to.deep.equal([join(path, 'a.bin'), join(path, 'c.bin'), partsPathOf(path)]);
    await storage.close();
  });

  it('a file wanted later starts from what the parts file holds; once every file is final the parts file goes', async () => {
    const { torrent, data } = fixture();
    const path = join(tmp.path, 'sel');
    const first = wantedFiles(torrent, ['normal', 'skip', 'normal']);
    const storage = await openFileStorage(torrent, { path, wanted: first });
    const had = piecesOf(torrent, first);
    for (const i of had) await storage.writePiece(i, piece(torrent, data, i));
    await storage.finalize();
    await storage.want([true, true, true]);
    expect(storage.finalized).to.equal(false);
    expect(await exists(join(path, 'sub', 'b.bin.part'))).to.equal(true);
    // Only b's own pieces are fetched now; its ends come from the parts file.
    for (const i of piecesOf(torrent, [false, true, false]).filter((i) => !had.includes(i))) await storage.writePiece(i, piece(torrent, data, i));
    await storage.finalize();
    expect(await readFile(join(path, 'sub', 'b.bin'))).to.deep.equal(fileBytes(torrent, data, 1));
    expect(await exists(partsPathOf(path))).to.equal(false);
    await storage.close();
  });

  it('a restart with the same choice keeps the skipped file absent and reads its shares from the parts file', async () => {
    const { torrent, data } = fixture();
    const path = join(tmp.path, 'sel');
    const wanted = wantedFiles(torrent, ['skip', 'normal', 'skip']);
    const before = await openFileStorage(torrent, { path, wanted });
    for (const i of piecesOf(torrent, wanted)) await before.writePiece(i, piece(torrent, data, i));
    await before.close();
    const after = await openFileStorage(torrent, { path, wanted });
    expect(after.hasExistingData).to.equal(true);
    expect(Buffer.from(await after.readBlock(10, 0, PIECE))).to.deep.equal(Buffer.from(piece(torrent, data, 10)));
    expect(await exists(join(path, 'a.bin.part'))).to.equal(false);
    await after.close();
  });
});
