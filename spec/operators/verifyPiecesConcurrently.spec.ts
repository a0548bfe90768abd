import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { Subject } from 'rxjs';
import { verifyPiecesConcurrently, type HashedPiece } from '../../src/operators/verifyPiecesConcurrently.js';
import type { AssembledPiece, PieceVerdict } from '../../src/protocol/pieces/index.js';

/**
 * A hasher whose answers the spec releases one by one. Like a worker that moved the memory, it
 * gives back a new view (a copy here) of the piece.
 */
function controllableHasher(): { sha1: (data: Uint8Array) => Promise<HashedPiece>; pending: { data: Uint8Array; answer: (ok: boolean) => void }[] } {
  const pending: { data: Uint8Array; answer: (ok: boolean) => void }[] = [];
  const sha1 = (data: Uint8Array): Promise<HashedPiece> =>
    new Promise((resolve, reject) =>
      pending.push({
        data,
        answer: (ok) => (ok ? resolve({ digest: new Uint8Array(createHash('sha1').update(data).digest()), data: data.slice() }) : reject(new Error('hasher broke'))),
      }),
    );
  return { sha1, pending };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('verifyPiecesConcurrently', () => {
  const good = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6]), new Uint8Array([7, 8, 9])];
  const torrent = { pieces: new Uint8Array(Buffer.concat(good.map((d) => createHash('sha1').update(d).digest()))) };
  const p = (index: number, data: Uint8Array): AssembledPiece => ({ index, data, peers: ['x'], blockPeers: ['x'] });

  function run(concurrency?: number) {
    const hasher = controllableHasher();
    const pieces = new Subject<AssembledPiece>();
    const verdicts: PieceVerdict[] = [];
    const ends: string[] = [];
    const sub = pieces.pipe(verifyPiecesConcurrently(torrent, { sha1: hasher.sha1, concurrency })).subscribe({
      next: (v) => verdicts.push(v),
      error: (e: Error) => ends.push(`error: ${e.message}`),
      complete: () => ends.push('complete'),
    });
    return { hasher, pieces, verdicts, ends, sub };
  }

  it('verifies good pieces and fails bad ones, in the order their hashes finish', async () => {
    const { hasher, pieces, verdicts } = run(2);
    pieces.next(p(0, good[0] as Uint8Array));
    pieces.next(p(1, new Uint8Array([4, 5, 7])));
    expect(hasher.pending).to.have.length(2);
    hasher.pending[1]?.answer(true);
    await tick();
    hasher.pending[0]?.answer(true);
    await tick();
    expect(verdicts.map((v) => `${v.type} ${v.index}`)).to.deep.equal(['failed 1', 'verified 0']);
    expect(verdicts[0]?.peers).to.deep.equal(['x']);
  });

  it('gives each verdict the data the hasher handed back, not the view it was given', async () => {
    const { hasher, pieces, verdicts } = run();
    const given = good[0] as Uint8Array;
    pieces.next(p(0, given));
    hasher.pending[0]?.answer(true);
    await tick();
    expect(verdicts[0]?.data).to.deep.equal(given);
    expect(verdicts[0]?.data).to.not.equal(given);
  });

  it('hashes at most `concurrency` pieces at once; the rest wait their turn', async () => {
    const { hasher, pieces, verdicts } = run(1);
    pieces.next(p(0, good[0] as Uint8Array));
    pieces.next(p(1, good[1] as Uint8Array));
    pieces.next(p(2, good[2] as Uint8Array));
    expect(hasher.pending).to.have.length(1);
    hasher.pending[0]?.answer(true);
    await tick();
    expect(hasher.pending).to.have.length(2);
    hasher.pending[1]?.answer(true);
    await tick();
    hasher.pending[2]?.answer(true);
    await tick();
    expect(verdicts.map((v) => v.index)).to.deep.equal([0, 1, 2]);
  });

  it('completes only after the last hash is in', async () => {
    const { hasher, pieces, verdicts, ends } = run();
    pieces.next(p(0, good[0] as Uint8Array));
    pieces.complete();
    await tick();
    expect(ends).to.deep.equal([]);
    hasher.pending[0]?.answer(true);
    await tick();
    expect(verdicts).to.have.length(1);
    expect(ends).to.deep.equal(['complete']);
  });

  it('errors when the hasher fails, and passes source errors through', async () => {
    const first = run();
    first.pieces.next(p(0, good[0] as Uint8Array));
    first.hasher.pending[0]?.answer(false);
    await tick();
    expect(first.ends).to.deep.equal(['error: hasher broke']);
    const second = run();
    second.pieces.error(new Error('upstream'));
    expect(second.ends).to.deep.equal(['error: upstream']);
  });

  it('drops the verdicts of hashes still on their way when unsubscribed', async () => {
    const { hasher, pieces, verdicts, sub } = run();
    pieces.next(p(0, good[0] as Uint8Array));
    sub.unsubscribe();
    hasher.pending[0]?.answer(true);
    await tick();
    expect(verdicts).to.deep.equal([]);
  });

  it('refuses a concurrency that is not a positive integer', () => {
    const sha1 = (data: Uint8Array): Promise<HashedPiece> => Promise.resolve({ digest: new Uint8Array(20), data });
    expect(() => verifyPiecesConcurrently(torrent, { sha1, concurrency: 0 })).to.throw(RangeError);
    expect(() => verifyPiecesConcurrently(torrent, { sha1, concurrency: 1.5 })).to.throw(RangeError);
  });
});
