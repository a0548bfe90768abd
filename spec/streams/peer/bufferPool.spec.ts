import { expect } from 'chai';
import { BufferPool } from '../../../src/streams/peer/bufferPool.js';

describe('BufferPool', () => {
  it('gives back the buffers it was given, by exact size', () => {
    const pool = new BufferPool();
    const a = pool.take(16397);
    pool.give(a);
    expect(pool.take(100)).to.not.equal(a);
    expect(pool.take(16397)).to.equal(a);
    expect(pool.take(16397)).to.not.equal(a);
  });

  it('keeps at most 16 buffers of a size and 4 sizes', () => {
    const pool = new BufferPool();
    const many = Array.from({ length: 20 }, () => pool.take(2000));
    many.forEach((b) => pool.give(b));
    const back = new Set(Array.from({ length: 20 }, () => pool.take(2000)));
    expect(many.filter((b) => back.has(b))).to.have.length(16);
    // 2000 (emptied, still a size), 3000, 4000 and 5000 are kept; 6000 would be a fifth size.
    const kept = [3000, 4000, 5000].map((size) => new Uint8Array(size));
    kept.forEach((b) => pool.give(b));
    const fifth = new Uint8Array(6000);
    pool.give(fifth);
    expect(pool.take(5000)).to.equal(kept[2]);
    expect(pool.take(6000)).to.not.equal(fifth);
  });
});
