import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { CreateTorrentError } from '../../src/errors.js';
import { pieceHash, readTorrent } from '../../src/index.js';
import { createTorrent, type CreateTorrentEvent } from '../../src/streams/create/createTorrent.js';
import { PieceHasher } from '../../src/protocol/metainfo/index.js';
import { FileMerkleHasher } from '../../src/protocol/merkle/index.js';
import { content } from '../protocol/metainfo/fixtures.js';
import { v2Torrent } from '../protocol/metainfo/v2Fixtures.js';

async function done(path: string, config = {}): Promise<Extract<CreateTorrentEvent, { type: 'done' }>> {
  const last = await lastValueFrom(createTorrent(path, config));
  if (last.type !== 'done') throw new Error('no result');
  return last;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(CreateTorrentError);
    return (err as CreateTorrentError).code;
  }
}

describe('createTorrent', () => {
  let dir: string;
  const sizes: Record<string, number> = { 'b/nested/deep.bin': 70_000, 'a.bin': 1000, 'empty.txt': 0, 'Ünïcødé ファイル.dat': 33_000, 'z.bin': 5 };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rxt-create-'));
    let seed = 1;
    for (const [path, size] of Object.entries(sizes)) {
      await mkdir(join(dir, 'tree', path, '..'), { recursive: true });
      await writeFile(join(dir, 'tree', path), content(size, seed++));
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('makes a multi-file torrent in sorted order whose piece hashes match the content', async () => {
    const { torrent, bytes } = await done(join(dir, 'tree'), { trackers: ['http://127.0.0.1:1/announce'], pieceLength: 16384, creationDate: null });
    expect(torrent.name).to.equal('tree');
    expect(torrent.files.map((f) => f.path.join('/'))).to.deep.equal(['a.bin', 'b/nested/deep.bin', 'empty.txt', 'z.bin', 'Ünïcødé ファイル.dat']);
    const ordered = torrent.files.map((f) => content(f.length, Object.keys(sizes).indexOf(f.path.join('/')) + 1));
    const all = Buffer.concat(ordered);
    for (let i = 0; i < torrent.pieceCount; i++) {
      const piece = all.subarray(i * 16384, (i + 1) * 16384);
      expect(createHash('sha1').update(piece).digest().equals(pieceHash(torrent, i))).to.equal(true);
    }
    await writeFile(join(dir, 'out.torrent'), bytes);
    expect((await readTorrent(join(dir, 'out.torrent'))).infoHash).to.equal(torrent.infoHash);
  });

  describe('v2 and hybrid (BEP 52)', () => {
    const dataOf = (path: string): Uint8Array => content(sizes[path]!, Object.keys(sizes).indexOf(path) + 1);

    it('v2: the same info dict as the in-memory builder, roots of each file\'s own tree', async () => {
      const { torrent } = await done(join(dir, 'tree'), { version: 'v2', pieceLength: 32768, creationDate: null });
      expect(torrent.version).to.equal(2);
      const fixture = v2Torrent(Object.keys(sizes).map((p) => ({ path: p.split('/'), data: dataOf(p) })), { name: 'tree', pieceLength: 32768 });
      const { parseMetainfo } = await import('../../src/protocol/metainfo/index.js');
      expect(Buffer.from(torrent.infoBytes).equals(Buffer.from(parseMetainfo(fixture).infoBytes))).to.equal(true);
      for (const f of torrent.files.filter((x) => !x.pad && x.length > 0)) {
        const h = new FileMerkleHasher(32768);
        h.update(dataOf(f.path.join('/')));
        expect(f.piecesRoot).to.deep.equal(h.digest().piecesRoot);
      }
    });

    it('hybrid: SHA-1 pieces over the padded layout, v2 roots, one read pass', async () => {
      const events = await lastValueFrom(createTorrent(join(dir, 'tree'), { version: 'hybrid', pieceLength: 16384 }).pipe(toArray()));
      const last = events.at(-1)!;
      if (last.type !== 'done') throw new Error('no result');
      const progress = events.filter((e) => e.type === 'progress');
      expect(progress.at(-1)).to.deep.include({ bytesHashed: 104_005, totalBytes: 104_005 });
      const t = last.torrent;
      expect(t.version).to.equal('hybrid');
      const v1 = new PieceHasher(16384);
      for (const f of t.files) v1.update(f.pad ? new Uint8Array(f.length) : dataOf(f.path.join('/')));
      expect(Buffer.from(v1.digest()).equals(Buffer.from(t.pieces))).to.equal(true);
      expect(t.files.filter((f) => !f.pad && f.length > 0).every((f) => f.offset % 16384 === 0)).to.equal(true);
    });

    it('orders files by UTF-8 bytes, as the file tree dict sorts them (not by UTF-16)', async () => {
      const names = ['\u{1F600}.bin', '\uFFFD.bin', 'a.bin'];
      await mkdir(join(dir, 'u'));
      for (const [i, n] of names.entries()) await writeFile(join(dir, 'u', n), content(20_000, i + 1));
      const { torrent } = await done(join(dir, 'u'), { version: 'hybrid', pieceLength: 16384 });
      expect(torrent.files.filter((f) => !f.pad).map((f) => f.path[0])).to.deep.equal(['a.bin', '\uFFFD.bin', '\u{1F600}.bin']);
    });
  });

  it('is deterministic without a creation date', async () => {
    const a = await done(join(dir, 'tree'), { creationDate: null });
    const b = await done(join(dir, 'tree'), { creationDate: null });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).to.equal(true);
  });

  it('makes a single-file torrent with an automatic piece length and progress up to the total', async () => {
    const events = await firstValueFrom(createTorrent(join(dir, 'tree', 'b/nested/deep.bin')).pipe(toArray()));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress[0]).to.deep.equal({ type: 'progress', bytesHashed: 0, totalBytes: 70_000 });
    expect(progress.at(-1)).to.deep.equal({ type: 'progress', bytesHashed: 70_000, totalBytes: 70_000 });
    const last = events.at(-1);
    expect(last?.type).to.equal('done');
    if (last?.type === 'done') {
      expect(last.torrent.multiFile).to.equal(false);
      expect(last.torrent.pieceLength).to.equal(16384);
      expect(last.torrent.files[0]?.relativePath).to.equal('deep.bin');
    }
  });

  it('keeps trackers in tier order, private and comment', async () => {
    const { torrent } = await done(join(dir, 'tree'), {
      trackers: ['http://127.0.0.1:1/a', ['udp://127.0.0.1:2', 'http://127.0.0.1:3/a']], private: true, comment: 'hi',
    });
    expect(torrent.announce).to.deep.equal([['http://127.0.0.1:1/a'], ['udp://127.0.0.1:2', 'http://127.0.0.1:3/a']]);
    expect(torrent.private).to.equal(true);
    expect(torrent.comment).to.equal('hi');
  });

  describe('refuses', () => {
    it('a missing path', async () => expect(await codeOf(done(join(dir, 'nope')))).to.equal('ERR_CREATE_NOT_FOUND'));
    it('a symlink inside the folder', async () => {
      await symlink(join(dir, 'tree', 'a.bin'), join(dir, 'tree', 'link'));
      expect(await codeOf(done(join(dir, 'tree')))).to.equal('ERR_CREATE_SYMLINK');
    });
    it('a folder with no data', async () => {
      await mkdir(join(dir, 'void'));
      await writeFile(join(dir, 'void', 'empty'), '');
      expect(await codeOf(done(join(dir, 'void')))).to.equal('ERR_CREATE_EMPTY');
    });
    it('a piece length that is not a power of two ≥ 16 KiB', async () => {
      expect(await codeOf(done(join(dir, 'tree'), { pieceLength: 3000 }))).to.equal('ERR_CREATE_BAD_PIECE_LENGTH');
      expect(await codeOf(done(join(dir, 'tree'), { pieceLength: 8192 }))).to.equal('ERR_CREATE_BAD_PIECE_LENGTH');
    });
    it('a tracker that is not an http, https or udp URL', async () => {
      expect(await codeOf(done(join(dir, 'tree'), { trackers: ['ftp://x'] }))).to.equal('ERR_CREATE_BAD_TRACKER');
    });
  });

  it('stops reading and closes the file when unsubscribed', async () => {
    await writeFile(join(dir, 'big.bin'), new Uint8Array(64 * 1024 * 1024));
    const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
    const before = await openFds();
    let seen = 0;
    await new Promise<void>((resolve) => {
      const sub = createTorrent(join(dir, 'big.bin')).subscribe((e) => {
        if (e.type === 'progress' && e.bytesHashed > 0) {
          seen = e.bytesHashed;
          sub.unsubscribe();
          resolve();
        }
      });
    });
    for (let i = 0; i < 100 && (await openFds()) > before; i++) await new Promise((r) => setImmediate(r));
    expect(await openFds()).to.equal(before);
    expect(seen).to.be.below(64 * 1024 * 1024);
  });
});
