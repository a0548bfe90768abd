import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { download, parseMetainfo } from '../../src/index.js';
import { parseInfoDict, type Torrent } from '../../src/protocol/metainfo/index.js';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { createClient } from '../../src/streams/client/createClient.js';
import { memoryStorage, type MemoryStorage } from '../../src/streams/storage/index.js';
import { useTempDir } from '../helpers/tmp.js';
import { filesOf, layoutOf, v2Torrent } from '../protocol/metainfo/v2Fixtures.js';

describe('download / seed of a v2-only torrent between two rxtorrent sessions on loopback', function () {
  this.timeout(30_000);
  const files = filesOf([['a.bin', 40_000], ['empty', 0], ['sub/b.bin', 16_384], ['z.bin', 200_001]]);
  const t = parseMetainfo(v2Torrent(files, { pieceLength: 32768 }));

  it('verifies every piece by its piece layer or root: the copy is byte-identical', async () => {
    const data = layoutOf(t, files);
    const seeder = createClient({ host: '127.0.0.1', port: 0 });
    const seeding = seeder.add(t, { path: 'x', mode: 'seed' }, { storage: memoryStorage(t, { data }) });
    try {
      const port = await firstValueFrom(seeder.listening$);
      const storage = memoryStorage(t);
      const last = await lastValueFrom(download(t, { host: '127.0.0.1', port: 0, seed: false, peers: [{ host: '127.0.0.1', port }] }, { storage }).pipe(timeout(20_000)));
      expect([last.status, last.progress]).to.deep.equal(['done', 1]);
      expect(Buffer.from(storage.content()).equals(Buffer.from(data))).to.equal(true);
    } finally {
      seeding.stop();
    }
  });

  it('a seeder whose data is wrong in one piece has that piece only: a recheck by the Merkle trees', async () => {
    const data = layoutOf(t, files);
    data[t.pieceLength * 3 + 5] = data[t.pieceLength * 3 + 5]! ^ 1;
    const seeder = createClient({ host: '127.0.0.1', port: 0 });
    const seeding = seeder.add(t, { path: 'x', mode: 'seed' }, { storage: memoryStorage(t, { data }) });
    try {
      const state = await firstValueFrom(seeding.state$.pipe(filter((s) => s.status !== 'checking' && s.status !== 'starting'), timeout(10_000)));
      expect([state.pieceCount, state.piecesHave]).to.deep.equal([t.pieceCount, t.pieceCount - 1]);
    } finally {
      seeding.stop();
    }
  });
});

describe('a v2 seeder that serves bad blocks, next to an honest one', function () {
  this.timeout(30_000);
  const files = filesOf([['big.bin', 2_000_000]]);
  const t = parseMetainfo(v2Torrent(files, { pieceLength: 65536, multiFile: true }));

  it('is banned at its first bad piece: the block hashes, asked of the honest seeder, name its block (no strike threshold)', async () => {
    const good = layoutOf(t, files);
    const lying = layoutOf(t, files);
    const liar = createClient({ host: '127.0.0.1', port: 0 });
    const honest = createClient({ host: '127.0.0.1', port: 0, uploadRate: 1024 * 1024 });
    const lies = liar.add(t, { path: 'x', mode: 'seed' }, { storage: memoryStorage(t, { data: lying }) });
    const truth = honest.add(t, { path: 'y', mode: 'seed' }, { storage: memoryStorage(t, { data: good }) });
    let liarUploaded = 0;
    const watched = lies.state$.subscribe((s) => (liarUploaded = s.uploaded));
    try {
      await firstValueFrom(lies.state$.pipe(filter((s) => s.status === 'seeding'), timeout(10_000)));
      // Verified by its recheck, then corrupted: block 1 of every piece of big.bin.
      const first = t.files.find((f) => !f.pad)!.offset;
      for (let at = first + 16384 + 99; at < first + 2_000_000; at += 65536) lying[at] = lying[at]! ^ 1;
      const peers = [{ host: '127.0.0.1', port: await firstValueFrom(liar.listening$) }, { host: '127.0.0.1', port: await firstValueFrom(honest.listening$) }];
      const storage = memoryStorage(t);
      const last = await lastValueFrom(download(t, { host: '127.0.0.1', port: 0, seed: false, banThreshold: 100, peers }, { storage }).pipe(timeout(20_000)));
      expect([last.status, last.progress]).to.deep.equal(['done', 1]);
      expect(Buffer.from(storage.content()).equals(Buffer.from(good))).to.equal(true);
      // Without the ban the liar, ten times faster, keeps winning the requests and the download
      // does not end (strike threshold 100): it ended, after less than a copy's worth of lies.
      expect(liarUploaded).to.be.lessThan(t.length);
    } finally {
      watched.unsubscribe();
      lies.stop();
      truth.stop();
    }
  });
});

describe('download of v2-only torrents without their piece layers: fetched with hash requests (BEP 52)', function () {
  this.timeout(30_000);
  const files = filesOf([['a.bin', 1000], ['b.bin', 100_000], ['sub/c.bin', 300_001]]);
  const t = parseMetainfo(v2Torrent(files, { pieceLength: 32768 }));
  const layerless = parseInfoDict(t.infoBytes);
  const tmp = useTempDir();

  /** Downloads `source` from an rxtorrent seeder of the full torrent. */
  async function fromSeeder(source: Torrent | string, extra: { saveTorrent?: string } = {}): Promise<{ last: SessionState; storage?: MemoryStorage; dir: string }> {
    const data = layoutOf(t, files);
    const seeder = createClient({ host: '127.0.0.1', port: 0 });
    const seeding = seeder.add(t, { path: 'x', mode: 'seed' }, { storage: memoryStorage(t, { data }) });
    const dir = join(tmp.path, 'out');
    try {
      const port = await firstValueFrom(seeder.listening$);
      const peers = [{ host: '127.0.0.1', port }];
      if (typeof source === 'string') {
        const last = await lastValueFrom(download(source, { host: '127.0.0.1', port: 0, seed: false, peers, dir, ...extra }).pipe(timeout(20_000)));
        return { last, dir };
      }
      const storage = memoryStorage(t);
      const last = await lastValueFrom(download(source, { host: '127.0.0.1', port: 0, seed: false, peers }, { storage }).pipe(timeout(20_000)));
      expect(Buffer.from(storage.content()).equals(Buffer.from(data))).to.equal(true);
      return { last, storage, dir };
    } finally {
      seeding.stop();
    }
  }

  it('a layerless .torrent: the layers come from the seeder, proven to each root, then every piece verifies', async () => {
    expect(layerless.files.some((f) => f.pieceLayer !== undefined)).to.equal(false);
    const { last } = await fromSeeder(layerless);
    expect([last.status, last.progress]).to.deep.equal(['done', 1]);
  });

  it('a v2-only magnet (xt=urn:btmh): metadata, then the layers, then the files, byte-identical; the saved .torrent holds the layers', async () => {
    const saveTorrent = join(tmp.path, 'saved', 'x.torrent');
    const { last, dir } = await fromSeeder(`magnet:?xt=urn:btmh:1220${t.infoHashV2!}`, { saveTorrent });
    expect([last.status, last.progress]).to.deep.equal(['done', 1]);
    for (const f of files) expect(Buffer.from(await readFile(join(dir, t.name, ...f.path))).equals(Buffer.from(f.data)), f.path.join('/')).to.equal(true);
    const saved = parseMetainfo(await readFile(saveTorrent));
    expect(saved.infoHashV2).to.equal(t.infoHashV2);
    expect(saved.files.map((f) => f.pieceLayer && Buffer.from(f.pieceLayer).toString('hex'))).to.deep.equal(t.files.map((f) => f.pieceLayer && Buffer.from(f.pieceLayer).toString('hex')));
  });
});
