import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '../../src/errors.js';
import { buildMetainfo, parseMetainfo, pieceSize, type Torrent } from '../../src/protocol/metainfo/index.js';
import { memoryStorage, openFileStorage } from '../../src/streams/storage/index.js';
import { content, hashes } from '../protocol/metainfo/fixtures.js';

const B = 16384;

/** A multi-file torrent: empty file, a file smaller than a block, a pad file, pieces spanning files. */
function fixture(): { torrent: Torrent; data: Uint8Array } {
  const files = [
    { path: ['empty'], length: 0 },
    { path: ['small.bin'], length: 100 },
    { path: ['.pad', '16284'], length: 16284, attr: 'p' },
    { path: ['dir', 'big.bin'], length: 3 * B + 5 },
    { path: ['z.bin'], length: 7000 },
  ];
  const total = files.reduce((a, f) => a + f.length, 0);
  const data = content(total, 3);
  data.fill(0, 100, 100 + 16284); // pad files hold zeros
  const bytes = buildMetainfo({ name: 'multi', multiFile: true, files, pieceLength: 2 * B, pieces: hashes(data, 2 * B) });
  return { torrent: parseMetainfo(bytes), data };
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(StorageError);
    return (err as StorageError).code;
  }
}

describe('file storage', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'rxt-store-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const piece = (t: Torrent, data: Uint8Array, i: number) => data.subarray(i * t.pieceLength, i * t.pieceLength + pieceSize(t, i));

  it('stages files as .part, writes pieces across file boundaries, finalizes by rename; pad files never written', async () => {
    const { torrent, data } = fixture();
    const root = join(dir, 'multi');
    const storage = await openFileStorage(torrent, { path: root });
    expect(storage.hasExistingData).to.equal(false);
    for (let i = torrent.pieceCount - 1; i >= 0; i--) await storage.writePiece(i, piece(torrent, data, i));
    expect((await readdir(root)).sort()).to.deep.equal(['dir', 'small.bin.part', 'z.bin.part']);
    for (let i = 0; i < torrent.pieceCount; i++) {
      expect(Buffer.from(await storage.readBlock(i, 0, pieceSize(torrent, i))).equals(piece(torrent, data, i))).to.equal(true);
    }
    await storage.finalize();
    expect((await readdir(root)).sort()).to.deep.equal(['dir', 'empty', 'small.bin', 'z.bin']);
    expect(await readdir(join(root, 'dir'))).to.deep.equal(['big.bin']);
    expect(Buffer.from(await readFile(join(root, 'dir', 'big.bin'))).equals(data.subarray(100 + 16284, 100 + 16284 + 3 * B + 5))).to.equal(true);
    expect((await stat(join(root, 'empty'))).size).to.equal(0);
    // still readable after the rename (seeding goes on)
    expect((await storage.readBlock(1, 0, 10)).length).to.equal(10);
    await storage.close();
  });

  it('reads and resume-record stats issued while finalize renames the files all succeed (seeding goes on)', async () => {
    // Seen in a swarm: a peer's request read `<name>.part` just after the rename → ENOENT, and the
    // finished download failed with ERR_STORAGE_CHANGED.
    const { torrent, data } = fixture();
    const storage = await openFileStorage(torrent, { path: join(dir, 'multi') });
    for (let i = 0; i < torrent.pieceCount; i++) await storage.writePiece(i, piece(torrent, data, i));
    let finished = false;
    const finalized = storage.finalize().then(() => void (finished = true));
    const reads: Promise<boolean>[] = [];
    const stats: Promise<unknown>[] = [];
    while (!finished) {
      for (let i = 0; i < torrent.pieceCount; i++) {
        reads.push(storage.readBlock(i, 0, pieceSize(torrent, i)).then((b) => Buffer.from(b).equals(piece(torrent, data, i))));
      }
      stats.push(storage.files());
      await new Promise((r) => setImmediate(r));
    }
    await finalized;
    expect(reads.length).to.be.above(torrent.pieceCount);
    expect(await Promise.all(reads)).to.satisfy((ok: boolean[]) => ok.every(Boolean));
    await Promise.all(stats);
    await storage.close();
  });

  it('a single-file torrent lives at the content path itself', async () => {
    const data = content(40_000, 9);
    const torrent = parseMetainfo(buildMetainfo({ name: 'one.bin', multiFile: false, files: [{ path: ['one.bin'], length: data.length }], pieceLength: B, pieces: hashes(data, B) }));
    const storage = await openFileStorage(torrent, { path: join(dir, 'out.bin') });
    for (let i = 0; i < torrent.pieceCount; i++) await storage.writePiece(i, piece(torrent, data, i));
    await storage.finalize();
    expect(Buffer.from(await readFile(join(dir, 'out.bin'))).equals(data)).to.equal(true);
    await storage.close();
  });

  it('keeps existing .part data and reports it', async () => {
    const { torrent, data } = fixture();
    const first = await openFileStorage(torrent, { path: join(dir, 'multi') });
    await first.writePiece(0, piece(torrent, data, 0));
    await first.close();
    const again = await openFileStorage(torrent, { path: join(dir, 'multi') });
    expect(again.hasExistingData).to.equal(true);
    expect(Buffer.from(await again.readBlock(0, 0, 100)).equals(data.subarray(0, 100))).to.equal(true);
    await again.close();
  });

  it('refuses a final file of another size, and missing files when seeding', async () => {
    const { torrent } = fixture();
    await mkdir(join(dir, 'multi'), { recursive: true });
    await writeFile(join(dir, 'multi', 'z.bin'), 'short');
    expect(await codeOf(openFileStorage(torrent, { path: join(dir, 'multi') }))).to.equal('ERR_STORAGE_CONFLICT');
    expect(await codeOf(openFileStorage(torrent, { path: join(dir, 'nothing'), mode: 'seed' }))).to.equal('ERR_STORAGE_MISSING');
  });

  it('seed mode reads existing files and refuses writes', async () => {
    const { torrent, data } = fixture();
    const writer = await openFileStorage(torrent, { path: join(dir, 'multi') });
    for (let i = 0; i < torrent.pieceCount; i++) await writer.writePiece(i, piece(torrent, data, i));
    await writer.finalize();
    await writer.close();
    const seeder = await openFileStorage(torrent, { path: join(dir, 'multi'), mode: 'seed' });
    expect(seeder.finalized).to.equal(true);
    expect(Buffer.from(await seeder.readBlock(2, 100, 1000)).equals(piece(torrent, data, 2).subarray(100, 1100))).to.equal(true);
    expect(await codeOf(seeder.writePiece(0, piece(torrent, data, 0)))).to.equal('ERR_STORAGE_READ_ONLY');
    await seeder.close();
  });

  it('range errors and use after close are typed', async () => {
    const { torrent } = fixture();
    const storage = await openFileStorage(torrent, { path: join(dir, 'multi') });
    expect(await codeOf(storage.readBlock(99, 0, 1))).to.equal('ERR_STORAGE_OUT_OF_RANGE');
    expect(await codeOf(storage.readBlock(0, 2 * B - 1, 2))).to.equal('ERR_STORAGE_OUT_OF_RANGE');
    await storage.close();
    expect(await codeOf(storage.readBlock(0, 0, 1))).to.equal('ERR_STORAGE_CLOSED');
  });

  it('memory storage holds pieces and serves pre-filled content', async () => {
    const { torrent, data } = fixture();
    const seeded = memoryStorage(torrent, { data });
    expect(Buffer.from(await seeded.readBlock(1, 5, 20)).equals(piece(torrent, data, 1).subarray(5, 25))).to.equal(true);
    const empty = memoryStorage(torrent);
    await empty.writePiece(0, piece(torrent, data, 0));
    expect(empty.pieces.size).to.equal(1);
  });
});
