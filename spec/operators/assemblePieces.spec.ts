import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { of } from 'rxjs';
import { PieceError } from '../../src/errors.js';
import { assemblePieces } from '../../src/operators/assemblePieces.js';
import type { AssembledPiece, ReceivedBlock } from '../../src/protocol/pieces/index.js';
import { testScheduler } from './marbles.js';

const B = 16384;
const geometry = { pieceCount: 2, pieceLength: 2 * B, length: 2 * B + 100 };
const blk = (index: number, begin: number, length: number, fill: number, peer = 'a'): ReceivedBlock => ({
  peer, index, begin, data: new Uint8Array(length).fill(fill),
});

describe('assemblePieces', () => {
  const b00 = blk(0, 0, B, 1);
  const b01 = blk(0, B, B, 2, 'b');
  const b10 = blk(1, 0, 100, 3);

  it('emits a piece when its last block arrives, with the peers that sent it', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const blocks = cold('-a-b-c-|', { a: b00, b: b01, c: b10 });
      const whole = new Uint8Array(2 * B);
      whole.fill(1, 0, B).fill(2, B);
      expectObservable(blocks.pipe(assemblePieces(geometry))).toBe('---p-q-|', {
        p: { index: 0, data: whole, peers: ['a', 'b'], blockPeers: ['a', 'b'] },
        q: { index: 1, data: new Uint8Array(100).fill(3), peers: ['a'], blockPeers: ['a'] },
      });
    });
  });

  it('ignores duplicate blocks', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-a-|', { a: b00 }).pipe(assemblePieces(geometry))).toBe('-----|');
    });
  });

  it('never / empty / error pass through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<ReceivedBlock>('-').pipe(assemblePieces(geometry))).toBe('-');
      expectObservable(cold<ReceivedBlock>('|').pipe(assemblePieces(geometry))).toBe('|');
      expectObservable(cold<ReceivedBlock>('-#', undefined, 'boom').pipe(assemblePieces(geometry))).toBe('-#', undefined, 'boom');
    });
  });

  it('errors with PieceError on a block that does not fit', () => {
    const bad: [ReceivedBlock, string][] = [
      [blk(2, 0, B, 0), 'ERR_PIECE_OUT_OF_RANGE'],
      [blk(0, 100, B, 0), 'ERR_PIECE_BAD_BLOCK'],
      [blk(0, 0, 10, 0), 'ERR_PIECE_BAD_BLOCK'],
      [blk(1, 0, B, 0), 'ERR_PIECE_BAD_BLOCK'],
    ];
    for (const [block, code] of bad) {
      let error: unknown;
      of(block).pipe(assemblePieces(geometry)).subscribe({ error: (e) => (error = e) });
      expect(error).to.be.instanceOf(PieceError);
      expect((error as PieceError).code).to.equal(code);
    }
  });

  it('stops on early unsubscribe', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const blocks = cold('-a-b-c-|', { a: b00, b: b01, c: b10 });
      expectObservable(blocks.pipe(assemblePieces(geometry)), '--!').toBe('--');
      expectSubscriptions(blocks.subscriptions).toBe('^-!');
    });
  });

  it('keeps state per subscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const op = assemblePieces(geometry);
      expectObservable(cold('-a-|', { a: b00 }).pipe(op)).toBe('---|');
      expectObservable(cold('-b-|', { b: b01 }).pipe(op)).toBe('---|');
    });
  });

  it('hashes while blocks arrive: in any order, the digest is the SHA-1 of the piece, each byte fed once, in order', () => {
    const blocks = 8;
    const size = blocks * B - 1000;
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff);
    const expected = createHash('sha1').update(data).digest();
    fc.assert(fc.property(fc.shuffledSubarray([...Array(blocks).keys()], { minLength: blocks, maxLength: blocks }), (order) => {
      const fed: number[] = [];
      const hash = () => {
        const h = createHash('sha1');
        return { update: (bytes: Uint8Array) => (fed.push(bytes.length), h.update(bytes)), digest: () => h.digest() };
      };
      const out: AssembledPiece[] = [];
      of(...order.map((b) => ({ peer: 'a', index: 0, begin: b * B, data: data.subarray(b * B, Math.min((b + 1) * B, size)) })))
        .pipe(assemblePieces({ pieceCount: 1, pieceLength: blocks * B, length: size }, { hash }))
        .subscribe((p) => out.push(p));
      expect(out).to.have.length(1);
      expect(Buffer.from(out[0]!.digest!).equals(expected)).to.equal(true);
      expect(fed.reduce((a, n) => a + n, 0)).to.equal(size);
      // The last block to arrive is fed with whatever it completes of the prefix, never the whole piece again.
      expect(fed.length).to.be.at.most(blocks);
    }));
  });
});
