import { expect } from 'chai';
import { Subject } from 'rxjs';
import { Bitfield } from '../../src/protocol/bitfield.js';
import { trackCompletion, type CompletionEvent } from '../../src/operators/trackCompletion.js';
import type { PieceWritten } from '../../src/protocol/pieces/index.js';
import { deferred, flush } from './marbles.js';

describe('trackCompletion', () => {
  function run(pieceCount: number, have?: Bitfield) {
    const finalized = deferred();
    let finalizeCalls = 0;
    const input = new Subject<PieceWritten>();
    const events: CompletionEvent[] = [];
    let completed = false;
    input
      .pipe(trackCompletion({ pieceCount, have, finalize: () => (finalizeCalls++, finalized.promise) }))
      .subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
    return { input, events, finalized, calls: () => finalizeCalls, completed: () => completed };
  }

  it('counts progress, finalizes after the last piece, then completes', async () => {
    const t = run(3);
    t.input.next({ index: 0, length: 1 });
    t.input.next({ index: 0, length: 1 });
    t.input.next({ index: 2, length: 1 });
    expect(t.events.map((e) => (e.type === 'progress' ? e.have : -1))).to.deep.equal([1, 2]);
    t.input.next({ index: 1, length: 1 });
    await flush();
    expect(t.calls()).to.equal(1);
    expect(t.completed()).to.equal(false);
    t.finalized.resolve();
    await flush();
    expect(t.events.at(-1)).to.deep.equal({ type: 'complete', pieceCount: 3 });
    expect(t.completed()).to.equal(true);
  });

  it('finalizes at once when everything was already had', async () => {
    const t = run(2, Bitfield.full(2));
    t.finalized.resolve();
    await flush();
    expect(t.events).to.deep.equal([{ type: 'complete', pieceCount: 2 }]);
  });

  it('a failing finalize errors the stream', async () => {
    let error: unknown;
    const input = new Subject<PieceWritten>();
    input.pipe(trackCompletion({ pieceCount: 1, finalize: () => Promise.reject(new Error('EIO')) })).subscribe({ error: (e) => (error = e) });
    input.next({ index: 0, length: 1 });
    await flush();
    expect((error as Error).message).to.equal('EIO');
  });

  it('an index out of range errors', () => {
    const input = new Subject<PieceWritten>();
    let error: unknown;
    input.pipe(trackCompletion({ pieceCount: 1 })).subscribe({ error: (e) => (error = e) });
    input.next({ index: 5, length: 1 });
    expect(error).to.be.an('error');
  });
});
