import { createHash } from 'node:crypto';
import { verifyPieces } from '../../src/operators/verifyPieces.js';
import type { AssembledPiece } from '../../src/protocol/pieces/index.js';
import { testScheduler } from './marbles.js';

describe('verifyPieces', () => {
  const good = new Uint8Array([1, 2, 3]);
  const torrent = { pieces: new Uint8Array(Buffer.concat([createHash('sha1').update(good).digest(), createHash('sha1').update(good).digest()])) };
  const p = (index: number, data: Uint8Array): AssembledPiece => ({ index, data, peers: ['x'], blockPeers: ['x'] });

  it('verifies good pieces and names the peers of bad ones', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const pieces = cold('-a-b-|', { a: p(0, good), b: p(1, new Uint8Array([1, 2, 4])) });
      expectObservable(pieces.pipe(verifyPieces(torrent))).toBe('-v-f-|', {
        v: { type: 'verified', index: 0, data: good, peers: ['x'], blockPeers: ['x'] },
        f: { type: 'failed', index: 1, data: new Uint8Array([1, 2, 4]), peers: ['x'], blockPeers: ['x'] },
      });
    });
  });

  it('passes errors and unsubscription through', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<AssembledPiece>('-#').pipe(verifyPieces(torrent))).toBe('-#');
      expectObservable(cold('-a-a-|', { a: p(0, good) }).pipe(verifyPieces(torrent)), '--!').toBe('-v', {
        v: { type: 'verified', index: 0, data: good, peers: ['x'], blockPeers: ['x'] },
      });
    });
  });

  it('judges by the digest a piece carries (hashed while it arrived) instead of hashing it again', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const digest = new Uint8Array(20);
      const pieces = cold('-a-|', { a: { ...p(0, good), digest } });
      expectObservable(pieces.pipe(verifyPieces(torrent))).toBe('-f-|', { f: { type: 'failed', ...p(0, good), digest } });
    });
  });
});
