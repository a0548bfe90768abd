import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { MetainfoError } from '../../src/errors.js';
import { download, parseMetainfo, seed } from '../../src/index.js';
import { parseInfoDict, parseMagnet, type Torrent } from '../../src/protocol/metainfo/index.js';
import { createClient } from '../../src/streams/client/createClient.js';
import { memoryStorage } from '../../src/streams/storage/index.js';
import { v2Refusal } from '../../src/streams/download.js';
import { filesOf, v2Torrent, type FixtureFile } from '../protocol/metainfo/v2Fixtures.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(MetainfoError);
    return (err as MetainfoError).code;
  }
}

/** The content in layout order, pad files as zeros: what a memory storage seeds. */
function layoutOf(t: Torrent, files: readonly FixtureFile[]): Uint8Array {
  const out = new Uint8Array(t.length);
  for (const f of t.files.filter((x) => !x.pad)) out.set(files.find((x) => x.path.join('/') === f.path.join('/'))!.data, f.offset);
  return out;
}

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

describe('download / seed of v2-only torrents without their piece layers (until hash requests fetch them)', () => {
  const t = parseMetainfo(v2Torrent(filesOf([['a.bin', 1000], ['b.bin', 100_000]])));
  const layerless = parseInfoDict(t.infoBytes);

  it('refuse a layerless v2-only torrent or a v2-only magnet at once, with a typed error and no socket', async () => {
    expect(await codeOf(firstValueFrom(download(layerless, { host: '127.0.0.1', port: 0 })))).to.equal('ERR_METAINFO_V2_ONLY');
    expect(await codeOf(firstValueFrom(seed(layerless, { host: '127.0.0.1', port: 0, path: '/nonexistent' })))).to.equal('ERR_METAINFO_V2_ONLY');
    expect(await codeOf(firstValueFrom(download(`magnet:?xt=urn:btmh:1220${t.infoHashV2!}`, { host: '127.0.0.1', port: 0 })))).to.equal('ERR_METAINFO_V2_ONLY');
  });

  it('accept a v2-only torrent with its piece layers, a hybrid torrent or magnet, v1 torrents', () => {
    expect(v2Refusal(t)).to.equal(undefined);
    expect(v2Refusal(parseMetainfo(v2Torrent(filesOf([['a.bin', 100_000]]), { version: 'hybrid' })))).to.equal(undefined);
    expect(v2Refusal(parseInfoDict(parseMetainfo(v2Torrent(filesOf([['a.bin', 100_000]]), { version: 'v1' })).infoBytes))).to.equal(undefined);
    const hybrid = parseMetainfo(v2Torrent(filesOf([['a.bin', 100_000]]), { version: 'hybrid' }));
    expect(v2Refusal(parseMagnet(`magnet:?xt=urn:btih:${hybrid.infoHash}&xt=urn:btmh:1220${hybrid.infoHashV2!}`))).to.equal(undefined);
    expect(v2Refusal(layerless)?.code).to.equal('ERR_METAINFO_V2_ONLY');
  });
});
