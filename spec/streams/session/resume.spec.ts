import { expect } from 'chai';
import { mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
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
