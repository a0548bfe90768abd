import { expect } from 'chai';
import fc from 'fast-check';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { Availability } from '../../../src/protocol/scheduler/availability.js';
import { PieceScheduler, type PieceSchedulerConfig, type SchedulerCommand, type SwarmEvent } from '../../../src/protocol/scheduler/index.js';
import { seededRandom as rng } from '../../helpers/random.js';

const B = 16384;

function make(pieces: number, extra: Partial<PieceSchedulerConfig> = {}) {
  // One block per piece, a pipeline of one: each request names the next piece picked.
  const s = new PieceScheduler({ pieceCount: pieces, pieceLength: B, length: pieces * B, random: rng(2), initialPipeline: 1, minPipeline: 1, maxPipeline: 1, ...extra });
  const run = (...events: SwarmEvent[]): SchedulerCommand[] => events.flatMap((e) => s.update(e, 0));
  return { s, run };
}
const picks = (cmds: SchedulerCommand[]): number[] => cmds.flatMap((c) => (c.type === 'request' ? [c.index] : []));
const levels = (n: number, set: Record<number, number>): Uint8Array => Uint8Array.from({ length: n }, (_, i) => set[i] ?? 1);
/** Joins a seeder, unchokes it, then delivers each requested block until nothing more is asked: the order pieces were fetched in. */
function drain(run: (...e: SwarmEvent[]) => SchedulerCommand[], first: SchedulerCommand[]): number[] {
  const order: number[] = [];
  let next = picks(first);
  while (next.length > 0) {
    const index = next[0]!;
    order.push(index);
    next = picks(run({ type: 'block', peer: 'a', index, begin: 0, data: new Uint8Array(B) }, { type: 'piece-verified', index }));
  }
  return order;
}

describe('PieceScheduler: priorities, deadlines, in-order', () => {
  it('skipped pieces (level 0) are never requested; high ones come before normal ones', () => {
    const { run } = make(6, { levels: levels(6, { 0: 0, 1: 0, 4: 2 }) });
    const order = drain(run, run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'unchoke', peer: 'a' }));
    expect(order[0]).to.equal(4);
    expect([...order].sort()).to.deep.equal([2, 3, 4, 5]);
  });

  it('sequential: index order within a level', () => {
    const { run } = make(8, { sequential: true, levels: levels(8, { 6: 2 }) });
    const order = drain(run, run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'unchoke', peer: 'a' }));
    expect(order).to.deep.equal([6, 0, 1, 2, 3, 4, 5, 7]);
  });

  it('deadlines go first, most urgent first, and a new list replaces the old', () => {
    const { run } = make(10);
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' });
    run({ type: 'deadlines', pieces: [7, 3] });
    const first = run({ type: 'unchoke', peer: 'a' });
    expect(picks(first)).to.deep.equal([7]);
    const second = run({ type: 'block', peer: 'a', index: 7, begin: 0, data: new Uint8Array(B) }, { type: 'piece-verified', index: 7 });
    expect(picks(second)).to.deep.equal([3]);
    run({ type: 'deadlines', pieces: [9] });
    const third = run({ type: 'block', peer: 'a', index: 3, begin: 0, data: new Uint8Array(B) }, { type: 'piece-verified', index: 3 });
    expect(picks(third)).to.deep.equal([9]);
  });

  it('changing priorities while running: interest follows (a peer with only skipped pieces is not interesting)', () => {
    const { run } = make(4);
    const joined = run({ type: 'peer-joined', peer: 'a' }, { type: 'bitfield', peer: 'a', bitfield: Bitfield.fromBytes(new Uint8Array([0b1100_0000]), 4) });
    expect(joined).to.deep.equal([{ type: 'interested', peer: 'a' }]);
    expect(run({ type: 'priorities', levels: levels(4, { 0: 0, 1: 0 }) })).to.deep.equal([{ type: 'not-interested', peer: 'a' }]);
    expect(run({ type: 'priorities', levels: levels(4, { 0: 2 }) })).to.deep.equal([{ type: 'interested', peer: 'a' }]);
  });

  it('Availability: picks are always unstarted needed pieces the filter accepts, high level first (fast-check model)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 60 }),
      fc.array(fc.tuple(fc.constantFrom('level', 'adjust', 'start', 'unstart'), fc.nat(), fc.integer({ min: 0, max: 2 })), { maxLength: 200 }),
      (n, ops) => {
        const a = new Availability(n, rng(3));
        const level = new Array<number>(n).fill(1);
        const count = new Array<number>(n).fill(0);
        const started = new Array<boolean>(n).fill(false);
        for (const [op, raw, value] of ops) {
          const i = raw % n;
          if (op === 'level') (a.setLevel(i, value as 0 | 1 | 2), (level[i] = value));
          else if (op === 'adjust') (a.adjust(i, value === 0 ? -1 : 1), (count[i] = Math.max(0, count[i]! + (value === 0 ? -1 : 1))));
          else if (op === 'start') (a.markStarted(i), (started[i] = true));
          else (a.markUnstarted(i), (started[i] = false));
        }
        const candidates = [...Array(n).keys()].filter((i) => !started[i] && level[i]! > 0 && count[i]! > 0);
        const best = Math.max(0, ...candidates.map((i) => level[i]!));
        for (const pick of [a.pickRarest(() => true), a.pickFirst(() => true)]) {
          if (candidates.length === 0) expect(pick).to.equal(undefined);
          else expect(level[pick!]).to.equal(best);
          if (pick !== undefined) expect(candidates).to.include(pick);
        }
        const first = a.pickFirst(() => true);
        if (first !== undefined) expect(first).to.equal(Math.min(...candidates.filter((i) => level[i] === best)));
      },
    ));
  });
});
