import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, of, take, timeout } from 'rxjs';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { createClient } from '../../../src/streams/client/createClient.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';

function fixture(length: number, pieceLength = 32768): { torrent: Torrent; data: Uint8Array } {
  const data = content(length, 21);
  const torrent = parseMetainfo(buildMetainfo({ name: 'm.bin', multiFile: false, files: [{ path: ['m.bin'], length }], pieceLength, pieces: hashes(data, pieceLength) }));
  return { torrent, data };
}

describe('torrent sessions over loopback (memory storage, --peer)', function () {
  this.timeout(30_000);

  for (const hashThreads of [undefined, 1]) {
    it(`an rxtorrent seeder serves an rxtorrent leecher; the file is byte-identical (hashThreads ${hashThreads})`, async () => {
      const { torrent, data } = fixture(3_000_000);
      const seeder = createClient({ host: '127.0.0.1', port: 0 });
      const seeding = seeder.run(torrent, { path: 'unused', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) }).subscribe();
      const port = await firstValueFrom(seeder.listening$);
      const out = memoryStorage(torrent);
      const leecher = createClient({ host: '127.0.0.1', port: 0 });
      const final = await lastValueFrom(
        leecher.run(torrent, { path: 'unused', seed: false, peers: [{ host: '127.0.0.1', port }], hashThreads }, { storage: out }).pipe(timeout(20_000)),
      );
      seeding.unsubscribe();
      expect(final.status).to.equal('done');
      expect(Buffer.from(out.content()).equals(Buffer.from(data))).to.equal(true);
    });
  }

  it('a seeder reports its state: seeding, complete, with the leecher among its peers', async () => {
    const { torrent, data } = fixture(1_000_000);
    const seeder = createClient({ host: '127.0.0.1', port: 0 });
    const states = seeder.run(torrent, { path: 'unused', mode: 'seed', stateIntervalMs: 50 }, { storage: memoryStorage(torrent, { data }) });
    const withPeer = firstValueFrom(states.pipe(filter((s) => s.peers.length > 0 && s.uploaded === torrent.length), take(1), timeout(20_000)));
    const port = await firstValueFrom(seeder.listening$);
    const leecher = createClient({ host: '127.0.0.1', port: 0 });
    // The leecher keeps seeding, so the connection is still up when the seeder's snapshot is taken.
    const leeching = leecher.run(torrent, { path: 'unused', peers: [{ host: '127.0.0.1', port }] }, { storage: memoryStorage(torrent) }).subscribe();
    const s = await withPeer;
    leeching.unsubscribe();
    expect(s.status).to.equal('seeding');
    expect(s.progress).to.equal(1);
    expect(s.pieceMap).to.match(/^h+$/);
    expect(s.peers[0]).to.include({ direction: 'inbound', amChoking: false });
  });

  it('a seeder announces started with left 0, and never completed', async () => {
    const { torrent, data } = fixture(200_000);
    const announces: AnnounceParams[] = [];
    const announce = (_url: string, params: AnnounceParams) => {
      announces.push(params);
      return of({ interval: 1, minInterval: undefined, complete: 1, incomplete: 0, trackerId: undefined, warning: undefined, externalIp: undefined, peers: [] });
    };
    const client = createClient({ host: '127.0.0.1', port: 0 }, { announce });
    const sub = client.run(torrent, { path: 'x', mode: 'seed', trackers: [['http://127.0.0.1:1/announce']] }, { storage: memoryStorage(torrent, { data }) }).subscribe();
    for (let i = 0; i < 50 && announces.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    sub.unsubscribe();
    expect(announces[0]).to.include({ event: 'started', left: 0 });
    expect(announces.map((a) => a.event)).to.not.include('completed');
  });

  it('a client\'s state$ lists its running sessions with totals; remove() stops one and it drops out', async () => {
    const { torrent, data } = fixture(100_000);
    const client = createClient({ host: '127.0.0.1', port: 0 });
    const seen: number[] = [];
    const watching = client.state$.subscribe((s) => seen.push(s.sessions.length));
    const sub = client.run(torrent, { path: 'x', mode: 'seed', stateIntervalMs: 20 }, { storage: memoryStorage(torrent, { data }) }).subscribe();
    const withOne = await firstValueFrom(client.state$.pipe(filter((s) => s.sessions.length === 1 && s.sessions[0]?.status === 'seeding'), timeout(5000)));
    expect(withOne.progress).to.equal(1);
    let completed = false;
    sub.add(() => (completed = true));
    expect(client.remove(torrent.infoHash)).to.equal(true);
    expect(completed).to.equal(true);
    expect(client.remove(torrent.infoHash)).to.equal(false);
    await firstValueFrom(client.state$.pipe(filter((s) => s.sessions.length === 0), timeout(5000)));
    watching.unsubscribe();
    expect(seen).to.include(1);
  });

  it('the same torrent twice on one client is refused', async () => {
    const { torrent, data } = fixture(100_000);
    const client = createClient({ host: '127.0.0.1', port: 0 });
    const first = client.run(torrent, { path: 'x', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) }).subscribe();
    let error: unknown;
    client.run(torrent, { path: 'x', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) }).subscribe({ error: (e) => (error = e) });
    await new Promise((r) => setTimeout(r, 200));
    first.unsubscribe();
    expect((error as { code?: string }).code).to.equal('ERR_CLIENT_DUPLICATE_TORRENT');
  });
});
