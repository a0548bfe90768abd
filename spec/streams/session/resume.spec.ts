import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { createClient } from '../../../src/streams/client/createClient.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';

describe('resume: records and rechecks (file storage)', function () {
  this.timeout(60_000);
  let dir: string;
  let torrent: Torrent;
  let data: Uint8Array;
  let stopSeeder: () => void;
  let seederPort: number;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rxt-resume-'));
    data = content(2_000_000, 33);
    torrent = parseMetainfo(buildMetainfo({ name: 'r.bin', multiFile: false, files: [{ path: ['r.bin'], length: data.length }], pieceLength: 32768, pieces: hashes(data, 32768) }));
    // Capped at 1 MiB/s, so a download can be stopped half way.
    const seeder = createClient({ host: '127.0.0.1', port: 0, uploadRate: 1024 * 1024 });
    const sub = seeder.run(torrent, { path: 'x', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) }).subscribe();
    stopSeeder = () => sub.unsubscribe();
    seederPort = await firstValueFrom(seeder.listening$);
  });
  afterEach(async () => {
    stopSeeder();
    await rm(dir, { recursive: true, force: true });
  });

  const leech = (seed: boolean) =>
    createClient({ host: '127.0.0.1', port: 0 }).run(torrent, { path: join(dir, 'r.bin'), seed, peers: [{ host: '127.0.0.1', port: seederPort }], stateIntervalMs: 50 });

  it('a completed download restarts from its record: nothing re-hashed, nothing fetched', async () => {
    const first = await lastValueFrom(leech(false).pipe(timeout(30_000)));
    expect(first.status).to.equal('done');
    expect(Buffer.from(await readFile(join(dir, 'r.bin'))).equals(Buffer.from(data))).to.equal(true);
    const again = await lastValueFrom(leech(false).pipe(timeout(10_000)));
    expect(again).to.include({ status: 'done', rechecked: 0, downloaded: 0, progress: 1 });
  });

  it('a changed file forces the full recheck', async () => {
    await lastValueFrom(leech(false).pipe(timeout(30_000)));
    await utimes(join(dir, 'r.bin'), new Date(), new Date(Date.now() - 5000));
    const again = await lastValueFrom(leech(false).pipe(timeout(10_000)));
    expect(again).to.include({ status: 'done', rechecked: torrent.pieceCount, downloaded: 0 });
  });

  it('stopped half way and restarted: skips the recheck and fetches only what is missing', async () => {
    const half = await firstValueFrom(leech(false).pipe(filter((s) => s.progress >= 0.4), timeout(30_000)));
    // firstValueFrom unsubscribed: the session stopped and saved its record; let the save finish.
    await new Promise((r) => setTimeout(r, 300));
    const have = half.piecesHave;
    expect(have).to.be.within(1, torrent.pieceCount - 1);
    const rest = await lastValueFrom(leech(false).pipe(timeout(30_000)));
    expect(rest.status).to.equal('done');
    expect(rest.rechecked).to.equal(0);
    const missing = torrent.length - have * torrent.pieceLength;
    expect(rest.downloaded).to.be.at.most(missing + 4 * torrent.pieceLength);
    expect(Buffer.from(await readFile(join(dir, 'r.bin'))).equals(Buffer.from(data))).to.equal(true);
  });
});

describe('resume: a download with skipped files (file storage)', function () {
  this.timeout(60_000);
  let dir: string;
  let stop: () => void = () => undefined;
  afterEach(async () => {
    stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('remembers its priorities: a restart that names none skips the same file, trusts the record and fetches nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rxt-resume-skip-'));
    const lengths = [300_000, 200_000, 150_000];
    const data = content(lengths.reduce((a, b) => a + b, 0), 7);
    const torrent = parseMetainfo(buildMetainfo({ name: 'sel', multiFile: true, files: lengths.map((length, i) => ({ path: [`f${i}.bin`], length })), pieceLength: 32768, pieces: hashes(data, 32768) }));
    const seeder = createClient({ host: '127.0.0.1', port: 0 });
    const sub = seeder.run(torrent, { path: 'x', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) }).subscribe();
    stop = () => sub.unsubscribe();
    const port = await firstValueFrom(seeder.listening$);
    const leech = (files?: ('skip' | 'normal')[]) =>
      lastValueFrom(createClient({ host: '127.0.0.1', port: 0 }).run(torrent, { path: join(dir, 'sel'), seed: false, files, peers: [{ host: '127.0.0.1', port }], stateIntervalMs: 50 }).pipe(timeout(30_000)));
    const first = await leech(['normal', 'skip', 'normal']);
    expect(first.status).to.equal('done');
    expect(await readdir(join(dir, 'sel'))).to.deep.equal(['f0.bin', 'f2.bin']);
    const again = await leech();
    expect(again).to.include({ status: 'done', rechecked: 0, downloaded: 0, progress: 1 });
    expect(again.files?.map((f) => f.priority)).to.deep.equal(['normal', 'skip', 'normal']);
    expect(await readdir(join(dir, 'sel'))).to.deep.equal(['f0.bin', 'f2.bin']);
    expect(await readFile(join(dir, 'sel', 'f2.bin'))).to.deep.equal(Buffer.from(data.subarray(500_000)));
  });
});
