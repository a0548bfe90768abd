import { expect } from 'chai';
import { cachedReader } from '../../src/streams/storage/readCache.js';

const B = 16384;

const pattern = (index: number, begin: number, length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (index * 7 + begin + i) & 0xff);

/** A storage that counts reads and serves a byte pattern. */
function countingStorage() {
  const reads: [number, number, number][] = [];
  return {
    reads,
    readBlock: async (index: number, begin: number, length: number) => {
      reads.push([index, begin, length]);
      return pattern(index, begin, length);
    },
  };
}

/** The same with `readInto`, remembering which memory each window was read into. */
function intoStorage() {
  const targets: ArrayBufferLike[] = [];
  return {
    targets,
    readBlock: async (index: number, begin: number, length: number) => pattern(index, begin, length),
    readInto: async (index: number, begin: number, target: Uint8Array) => {
      targets.push(target.buffer);
      target.set(pattern(index, begin, target.length));
    },
  };
}

describe('cachedReader', () => {
  const torrent = { pieceLength: 4 * B, length: 10 * 4 * B, pieceCount: 10 };

  it('serves the blocks of a piece from one window read, with the right bytes', async () => {
    const storage = countingStorage();
    const reader = cachedReader(torrent, storage);
    const read = reader.read.bind(reader);
    const blocks = await Promise.all([0, 1, 2, 3].map((b) => read(2, b * B, B)));
    expect(storage.reads).to.deep.equal([[2, 0, 4 * B]]);
    blocks.forEach((block, b) => expect(block[0]).to.equal((2 * 7 + b * B) & 0xff));
  });

  it('evicts the least recently used windows beyond its byte bound', async () => {
    const storage = countingStorage();
    const reader = cachedReader(torrent, storage, 2 * 4 * B);
    const read = reader.read.bind(reader);
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
    const reader = cachedReader(torrent, storage);
    const read = reader.read.bind(reader);
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
    await flaky.read(0, 0, B).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('EIO');
    fail = false;
    expect((await flaky.read(0, 0, B)).length).to.equal(B);
  });

  it('reads windows into reused memory: once a window is released and evicted, the next read takes it', async () => {
    const storage = intoStorage();
    const reader = cachedReader(torrent, storage, 4 * B);
    reader.release(await reader.read(0, 0, B));
    reader.release(await reader.read(1, 0, B)); // evicts piece 0's window, whose memory is free
    reader.release(await reader.read(2, 0, B)); // evicts piece 1's, read into piece 0's memory
    expect(storage.targets[2]).to.equal(storage.targets[0]);
    const block = await reader.read(2, B, B);
    expect([...block.subarray(0, 4)]).to.deep.equal([...pattern(2, B, 4)]);
  });

  it('never reuses the memory of a block still lent, however many windows pass through', async () => {
    const storage = intoStorage();
    const reader = cachedReader(torrent, storage, 4 * B);
    const held = await reader.read(0, B, B);
    for (let i = 1; i < 10; i++) reader.release(await reader.read(i, 0, B));
    expect(storage.targets.slice(1)).to.not.include(storage.targets[0]);
    expect(held).to.deep.equal(pattern(0, B, B));
  });

  it('a block released twice does not free a window another reader holds', async () => {
    const storage = intoStorage();
    const reader = cachedReader(torrent, storage, 4 * B);
    const a = await reader.read(0, 0, B);
    const b = await reader.read(0, B, B);
    reader.release(a);
    reader.release(a);
    await reader.read(1, 0, B); // evicts piece 0's window while b is out
    expect(b).to.deep.equal(pattern(0, B, B));
  });
});
