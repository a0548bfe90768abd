import { expect } from 'chai';
import fc from 'fast-check';
import { RequestQueue } from '../../../src/protocol/scheduler/requestQueue.js';

const entries = (q: RequestQueue): [number, number][] => {
  const out: [number, number][] = [];
  q.forEach((id, sentAt) => out.push([id, sentAt]));
  return out;
};

describe('protocol/scheduler/RequestQueue', () => {
  it('starts empty', () => {
    const q = new RequestQueue();
    expect(q.size).to.equal(0);
    expect(q.ids()).to.deep.equal([]);
    expect(q.delete(3)).to.equal(false);
  });

  it('keeps requests oldest first with their send times; deletes by id, from anywhere', () => {
    const q = new RequestQueue();
    [5, 9, 2, 7].forEach((id, i) => q.add(id, 100 + i));
    expect(q.delete(9)).to.equal(true);
    expect(q.delete(9)).to.equal(false);
    expect(q.has(2)).to.equal(true);
    expect(q.has(9)).to.equal(false);
    expect(entries(q)).to.deep.equal([[5, 100], [2, 102], [7, 103]]);
    expect(q.delete(5)).to.equal(true);
    expect(q.size).to.equal(2);
    expect(q.ids()).to.deep.equal([2, 7]);
  });

  it('lets forEach delete the request it visits (and others) — how timeouts expire', () => {
    const q = new RequestQueue();
    for (let id = 0; id < 10; id++) q.add(id, id);
    const seen: number[] = [];
    q.forEach((id, sentAt) => {
      seen.push(id);
      if (sentAt < 5) q.delete(id);
      if (id === 6) q.delete(8);
    });
    expect(seen).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 9]);
    expect(q.ids()).to.deep.equal([5, 6, 7, 9]);
  });

  it('grows past its initial capacity and reuses room freed at the head (a long FIFO stream)', () => {
    const q = new RequestQueue();
    for (let id = 0; id < 1000; id++) q.add(id, id);
    expect(q.size).to.equal(1000);
    for (let id = 0; id < 100_000; id++) {
      expect(q.delete(id)).to.equal(true);
      q.add(1000 + id, 1000 + id);
    }
    expect(q.size).to.equal(1000);
    expect(q.ids()[0]).to.equal(100_000);
    q.clear();
    expect([q.size, q.ids().length, q.has(100_500)]).to.deep.equal([0, 0, false]);
  });

  it('behaves like an insertion-ordered Map under any sequence of adds, deletes and clears', () => {
    type Op = { type: 'add'; id: number; at: number } | { type: 'delete'; id: number } | { type: 'clear' } | { type: 'expire'; before: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ type: fc.constant('add' as const), id: fc.integer({ min: 0, max: 300 }), at: fc.integer({ min: 0, max: 1000 }) }) },
      { weight: 4, arbitrary: fc.record({ type: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 300 }) }) },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('expire' as const), before: fc.integer({ min: 0, max: 1000 }) }) },
      { weight: 1, arbitrary: fc.constant({ type: 'clear' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new RequestQueue();
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.type === 'add') {
            if (model.has(o.id)) continue; // the scheduler never requests a block twice from one peer
            q.add(o.id, o.at);
            model.set(o.id, o.at);
          } else if (o.type === 'delete') {
            expect(q.delete(o.id)).to.equal(model.delete(o.id));
          } else if (o.type === 'clear') {
            q.clear();
            model.clear();
          } else {
            q.forEach((id, at) => at < o.before && q.delete(id));
            for (const [id, at] of model) if (at < o.before) model.delete(id);
          }
          expect(q.size).to.equal(model.size);
        }
        expect(entries(q)).to.deep.equal([...model]);
      }),
    );
  });
});
