/** The client's encryption policy: passed to every dial and to the listener, checked at creation. */
import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { ClientError } from '../../../src/errors.js';
import { buildMetainfo, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { createClient } from '../../../src/streams/client/createClient.js';
import type { EncryptionPolicy } from '../../../src/streams/peer/index.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';

const LENGTH = 300_001;
const PIECE = 32_768;
const data = content(LENGTH, 5);
const torrent = parseMetainfo(buildMetainfo({
  name: 'enc.bin', multiFile: false, files: [{ path: ['enc.bin'], length: LENGTH }], pieceLength: PIECE, pieces: hashes(data, PIECE),
}));

describe('createClient: encryption policy', function () {
  this.timeout(15_000);

  for (const [seeder, leecher] of [['require', 'require'], ['require', 'prefer'], ['prefer', 'require'], ['off', 'prefer'], ['prefer', 'off']] as const) {
    it(`leecher (${leecher}) downloads from seeder (${seeder}), every byte`, async () => {
      const seeding = createClient({ host: '127.0.0.1', port: 0, encryption: seeder as EncryptionPolicy });
      const running = seeding.run(torrent, { path: 'unused', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) }).subscribe();
      try {
        const port = await firstValueFrom(seeding.listening$);
        const storage = memoryStorage(torrent);
        const client = createClient({ host: '127.0.0.1', port: 0, encryption: leecher as EncryptionPolicy });
        const final = await lastValueFrom(
          client.run(torrent, { path: 'unused', peers: [{ host: '127.0.0.1', port }], seed: false }, { storage }).pipe(
            filter((s) => s.status === 'done'), timeout(10_000),
          ),
        );
        expect(final.progress).to.equal(1);
        expect(Buffer.from(storage.content()).equals(Buffer.from(data))).to.equal(true);
      } finally {
        running.unsubscribe();
      }
    });
  }

  it('refuses an unknown policy at once', () => {
    expect(() => createClient({ encryption: 'rc4' as EncryptionPolicy })).to.throw(ClientError).with.property('code', 'ERR_CLIENT_INVALID_ARGUMENT');
  });
});
