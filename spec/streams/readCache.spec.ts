import { expect } from 'chai';
import { cachedReader } from '../../src/streams/storage/readCache.js';

const B = 16384;

/** A storage that counts reads and serves a byte pattern. */
function countingStorage() {
  const reads: [number, number, number][] = [];
  return {
    reads,
    readBlock: async (index: number, begin: number, length: number) => {
      reads.push([index, begin, length]);
      return Uint8Array.from({ length }, (_, i) => (index * 7 + begin + i) & 0xff);
    },
  };
}

describe('cachedReader', () => {
  const torrent = { pieceLength: 4 * B, length: 10 * 4 * B, pieceCount: 10 };

  it('serves the blocks of a piece from one window read, with the right bytes', async () => {
    const storage = countingStorage();
    const read = cachedReader(torrent, storage);
    const blocks = await Promise.all([0, 1, 2, 3].map((b) => read(2, b * B, B)));
    expect(storage.reads).to.deep.equal([[2, 0, 4 * B]]);
    blocks.forEach((block, b) => expect(block[0]).to.equal((2 * 7 + b * B) & 0xff));
  });

  it('evicts the least recently used windows beyond its byte bound', async () => {
    const storage = countingStorage();
    const read = cachedReader(torrent, storage, 2 * 4 * B);
    await read(0, 0, B);
    await read(1, 0, B);
    await read(0, B, B); // refreshes piece 0
    await read(2, 0, B); // evicts piece 1
    await read(0, 0, B);
    await read(1, 0, B);
    expect(storage.reads.map((r) => r[0])).to.deep.equal([0, 1, 2, 1]);
  });

  it('serves unaligned ranges from the window too, and does not cache a failed read', async () => {
    const storage = countingStorage();
    const read = cachedReader(torrent, storage);
    await read(3, B - 10, 20);
    expect(storage.reads.at(-1)).to.deep.equal([3, 0, 4 * B]);
    let fail = true;
    const flaky = cachedReader(torrent, {
      readBlock: async (_i, _b, l) => {
        if (fail) throw new Error('EIO');
        return new Uint8Array(l);
      },
    });
    let error: unknown;
    await flaky(0, 0, B).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('EIO');
    fail = false;
    expect((await flaky(0, 0, B)).length).to.equal(B);
  });
});
