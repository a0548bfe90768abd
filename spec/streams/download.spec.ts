import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { ClientError } from '../../src/errors.js';
import { buildMetainfo, parseMetainfo } from '../../src/protocol/metainfo/index.js';
import { createClient } from '../../src/streams/client/createClient.js';
import { download, seed } from '../../src/streams/download.js';
import { memoryStorage } from '../../src/streams/storage/index.js';
import { useTempDir } from '../helpers/tmp.js';
import { content, hashes } from '../protocol/metainfo/fixtures.js';

const codeOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'no error', (e: { code?: string }) => e.code ?? e);

describe('download() and seed(): what they take, and where their errors go', function () {
  this.timeout(30_000);
  const tmp = useTempDir();
  const data = content(200_000, 4);
  const bytes = buildMetainfo({ name: 'd.bin', multiFile: false, files: [{ path: ['d.bin'], length: data.length }], pieceLength: 32768, pieces: hashes(data, 32768) });
  const torrent = parseMetainfo(bytes);

  it('errors arrive on the observable, never thrown: a missing .torrent, bad bytes, a bad port', async () => {
    const missing = download(join(tmp.path, 'nope.torrent'));
    expect(await codeOf(firstValueFrom(missing))).to.equal('ERR_METAINFO_UNREADABLE');
    expect(await codeOf(firstValueFrom(download(tmp.path)))).to.equal('ERR_METAINFO_UNREADABLE');
    expect(await codeOf(firstValueFrom(download(new Uint8Array([1, 2, 3]))))).to.match(/^ERR_BENCODE_|^ERR_METAINFO_/);
    expect(await codeOf(firstValueFrom(download(torrent, { port: -5 })))).to.equal('ERR_CLIENT_INVALID_ARGUMENT');
    expect(await codeOf(firstValueFrom(seed(join(tmp.path, 'nope.torrent'), { path: 'x' })))).to.equal('ERR_METAINFO_UNREADABLE');
    expect(() => createClient({ port: 70_000 })).to.throw(ClientError).with.property('code', 'ERR_CLIENT_INVALID_ARGUMENT');
  });

  it('a .torrent path, its bytes, or a bare info-hash (a magnet then) are sources too', async () => {
    const seeder = createClient({ host: '127.0.0.1', port: 0 });
    const seeding = seeder.add(torrent, { path: 'x', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) });
    try {
      const port = await firstValueFrom(seeder.listening$);
      const path = join(tmp.path, 'd.torrent');
      await writeFile(path, bytes);
      for (const source of [path, bytes]) {
        const storage = memoryStorage(torrent);
        const last = await lastValueFrom(download(source, { host: '127.0.0.1', port: 0, seed: false, peers: [{ host: '127.0.0.1', port }] }, { storage }).pipe(timeout(20_000)));
        expect(last.status).to.equal('done');
        expect(Buffer.from(storage.content()).equals(Buffer.from(data))).to.equal(true);
      }
      const fromHash = await firstValueFrom(download(torrent.infoHash, { host: '127.0.0.1', port: 0 }));
      expect(fromHash).to.include({ status: 'metadata', infoHash: torrent.infoHash });
    } finally {
      seeding.stop();
    }
  });
});
