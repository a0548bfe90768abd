import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { buildMetainfo, parseMetainfo } from '../../src/protocol/metainfo/index.js';
import { recheckPieces } from '../../src/streams/recheck.js';
import { memoryStorage } from '../../src/streams/storage/index.js';
import { content, hashes } from '../protocol/metainfo/fixtures.js';

describe('recheckPieces', () => {
  const data = content(5 * 16384 + 10, 4);
  const torrent = parseMetainfo(buildMetainfo({ name: 'r.bin', multiFile: false, files: [{ path: ['r.bin'], length: data.length }], pieceLength: 16384, pieces: hashes(data, 16384) }));

  it('finds the valid pieces and reports progress up to the total', async () => {
    const corrupt = data.slice();
    corrupt[16384 * 2 + 7] = (corrupt[16384 * 2 + 7] ?? 0) ^ 1;
    const events = await lastValueFrom(recheckPieces(torrent, memoryStorage(torrent, { data: corrupt })).pipe(toArray()));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.map((e) => e.checked)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(progress.at(-1)).to.include({ total: 6, valid: 5 });
    const done = events.at(-1);
    expect(done?.type === 'done' && [...done.have]).to.deep.equal([0, 1, 3, 4, 5]);
  });

  it('checks only the pieces asked for', async () => {
    const last = await lastValueFrom(recheckPieces(torrent, memoryStorage(torrent, { data }), { pieces: [1, 4] }));
    expect(last.type === 'done' && [...last.have]).to.deep.equal([1, 4]);
  });

  it('a read error errors the stream', async () => {
    const failing = { readBlock: () => Promise.reject(new Error('EIO')) };
    let error: unknown;
    await lastValueFrom(recheckPieces(torrent, failing)).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('EIO');
  });
});
