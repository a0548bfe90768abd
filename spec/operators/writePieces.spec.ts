import { expect } from 'chai';
import { Subject } from 'rxjs';
import { writePieces } from '../../src/operators/writePieces.js';
import type { PieceWritten } from '../../src/protocol/pieces/index.js';
import { deferred, flush, type Deferred } from './marbles.js';

/** A storage whose writes settle only when the test says so. */
function fakeStorage() {
  const writes: { index: number; done: Deferred<void> }[] = [];
  return {
    writes,
    writePiece(index: number) {
      const done = deferred();
      writes.push({ index, done });
      return done.promise;
    },
  };
}

describe('writePieces', () => {
  const piece = (index: number) => ({ index, data: new Uint8Array(10) });

  it('acknowledges a piece only after its write resolves, in completion order', async () => {
    const storage = fakeStorage();
    const input = new Subject<{ index: number; data: Uint8Array }>();
    const acks: PieceWritten[] = [];
    input.pipe(writePieces(storage)).subscribe((w) => acks.push(w));
    input.next(piece(0));
    input.next(piece(1));
    await flush();
    expect(acks).to.deep.equal([]);
    storage.writes[1]!.done.resolve();
    await flush();
    expect(acks).to.deep.equal([{ index: 1, length: 10 }]);
    storage.writes[0]!.done.resolve();
    await flush();
    expect(acks.map((a) => a.index)).to.deep.equal([1, 0]);
  });

  it('bounds the writes in flight', async () => {
    const storage = fakeStorage();
    const input = new Subject<{ index: number; data: Uint8Array }>();
    input.pipe(writePieces(storage, { concurrency: 2 })).subscribe();
    for (let i = 0; i < 5; i++) input.next(piece(i));
    await flush();
    expect(storage.writes).to.have.length(2);
    storage.writes[0]!.done.resolve();
    await flush();
    expect(storage.writes).to.have.length(3);
  });

  it('errors when a write fails', async () => {
    const storage = fakeStorage();
    const input = new Subject<{ index: number; data: Uint8Array }>();
    let error: unknown;
    input.pipe(writePieces(storage)).subscribe({ error: (e) => (error = e) });
    input.next(piece(0));
    await flush();
    storage.writes[0]!.done.reject(new Error('ENOSPC'));
    await flush();
    expect((error as Error).message).to.equal('ENOSPC');
  });

  it('completes after the last write when the input completes', async () => {
    const storage = fakeStorage();
    const input = new Subject<{ index: number; data: Uint8Array }>();
    let completed = false;
    input.pipe(writePieces(storage)).subscribe({ complete: () => (completed = true) });
    input.next(piece(0));
    input.complete();
    await flush();
    expect(completed).to.equal(false);
    storage.writes[0]!.done.resolve();
    await flush();
    expect(completed).to.equal(true);
  });
});
