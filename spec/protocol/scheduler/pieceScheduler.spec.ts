import { expect } from 'chai';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { PieceScheduler, type PieceSchedulerConfig, type SchedulerCommand, type SwarmEvent } from '../../../src/protocol/scheduler/index.js';
import { seededRandom as rng } from '../../helpers/random.js';

const B = 16384;

/** A scheduler over `pieces` pieces of `blocks` blocks each, deterministic tie-break. */
function make(pieces: number, blocks: number, extra: Partial<PieceSchedulerConfig> = {}) {
  const random = rng(1);
  const s = new PieceScheduler({ pieceCount: pieces, pieceLength: blocks * B, length: pieces * blocks * B, random, ...extra });
  let now = 0;
  const run = (...events: SwarmEvent[]): SchedulerCommand[] => events.flatMap((e) => s.update(e, now));
  const at = (t: number): void => void (now = t);
  return { s, run, at };
}

const requests = (cmds: SchedulerCommand[], peer?: string) =>
  cmds.filter((c) => c.type === 'request' && (peer === undefined || c.peer === peer)) as Extract<SchedulerCommand, { type: 'request' }>[];
const pieceSet = (cmds: SchedulerCommand[]) => [...new Set(requests(cmds).map((r) => r.index))];
const bitfield = (n: number, indices: number[]): Bitfield => {
  const b = new Bitfield(n);
  for (const i of indices) b.set(i);
  return b;
};
const block = (peer: string, index: number, blockIndex: number): SwarmEvent => ({ type: 'block', peer, index, begin: blockIndex * B, data: new Uint8Array(B) });

describe('PieceScheduler', () => {
  it('is interested only in peers with pieces we need, and loses interest when they are verified', () => {
    const { run } = make(2, 1, { have: bitfield(2, [0]) });
    expect(run({ type: 'peer-joined', peer: 'a' }, { type: 'bitfield', peer: 'a', bitfield: bitfield(2, [0]) })).to.deep.equal([]);
    expect(run({ type: 'have', peer: 'a', index: 1 })).to.deep.equal([{ type: 'interested', peer: 'a' }]);
    expect(run({ type: 'piece-verified', index: 1 })).to.deep.equal([{ type: 'not-interested', peer: 'a' }]);
  });

  it('requests nothing while choked; on unchoke fills the initial pipeline with 16 KiB blocks, piece by piece', () => {
    const { run } = make(10, 4);
    expect(requests(run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }))).to.have.length(0);
    const reqs = requests(run({ type: 'unchoke', peer: 'a' }));
    expect(reqs).to.have.length(16);
    expect(reqs.every((r) => r.length === B && r.begin % B === 0)).to.equal(true);
    // partial pieces first: 16 requests cover exactly 4 whole pieces
    expect(pieceSet(reqs)).to.have.length(4);
  });

  it('the last block of the last piece is short', () => {
    const s = new PieceScheduler({ pieceCount: 1, pieceLength: 2 * B, length: B + 100 });
    s.update({ type: 'peer-joined', peer: 'a' }, 0);
    s.update({ type: 'have-all', peer: 'a' }, 0);
    const reqs = requests(s.update({ type: 'unchoke', peer: 'a' }, 0));
    expect(reqs.map((r) => [r.begin, r.length])).to.deep.equal([[0, B], [B, 100]]);
  });

  it('picks the rarest pieces first', () => {
    const { run } = make(10, 1, { initialPipeline: 5 });
    run(
      { type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' },
      { type: 'peer-joined', peer: 'b' }, { type: 'bitfield', peer: 'b', bitfield: bitfield(10, [0, 1, 2, 3, 4]) },
      { type: 'peer-joined', peer: 'c' }, { type: 'bitfield', peer: 'c', bitfield: bitfield(10, [0, 1, 2]) },
    );
    // pieces 5..9 exist only at a: they go first
    expect(pieceSet(run({ type: 'unchoke', peer: 'a' })).sort()).to.deep.equal([5, 6, 7, 8, 9]);
    // b's rarest are 3 and 4 (two copies), before 0..2 (three copies)
    expect(pieceSet(run({ type: 'unchoke', peer: 'b' })).slice(0, 2).sort()).to.deep.equal([3, 4]);
  });

  it('breaks availability ties randomly (different seeds, different first picks)', () => {
    const firsts = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const s = new PieceScheduler({ pieceCount: 50, pieceLength: B, length: 50 * B, random: rng(seed), initialPipeline: 1 });
      s.update({ type: 'peer-joined', peer: 'a' }, 0);
      s.update({ type: 'have-all', peer: 'a' }, 0);
      firsts.add(requests(s.update({ type: 'unchoke', peer: 'a' }, 0))[0]!.index);
    }
    expect(firsts.size).to.be.greaterThan(5);
  });

  it('a choke returns the blocks in flight to the pool for other peers', () => {
    const { run } = make(4, 4, { initialPipeline: 4 });
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'peer-joined', peer: 'b' }, { type: 'have-all', peer: 'b' });
    const first = requests(run({ type: 'unchoke', peer: 'a' }));
    run({ type: 'choke', peer: 'a' });
    const taken = requests(run({ type: 'unchoke', peer: 'b' }));
    expect(taken.map((r) => [r.index, r.begin])).to.deep.equal(first.map((r) => [r.index, r.begin]));
  });

  it('a BEP 6 reject returns one block', () => {
    const { run } = make(1, 2, { initialPipeline: 1 });
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' });
    const [r] = requests(run({ type: 'unchoke', peer: 'a' }));
    const again = requests(run({ type: 'reject', peer: 'a', index: r!.index, begin: r!.begin, length: r!.length }));
    expect(again.map((x) => x.begin)).to.deep.equal([0]);
  });

  it('forwards requested blocks once and drops unrequested ones', () => {
    const { run } = make(2, 2, { initialPipeline: 1 });
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' });
    const [r] = requests(run({ type: 'unchoke', peer: 'a' }));
    const other = r!.index === 0 ? 1 : 0;
    expect(run(block('a', other, 0)).filter((c) => c.type === 'block')).to.have.length(0);
    const out = run(block('a', r!.index, 0));
    expect(out.filter((c) => c.type === 'block')).to.have.length(1);
    expect(run(block('a', r!.index, 0)).filter((c) => c.type === 'block')).to.have.length(0);
  });

  it('drops a block whose length does not match the request', () => {
    const { run } = make(1, 2, { initialPipeline: 1 });
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' });
    run({ type: 'unchoke', peer: 'a' });
    const out = run({ type: 'block', peer: 'a', index: 0, begin: 0, data: new Uint8Array(100) });
    expect(out.filter((c) => c.type === 'block')).to.have.length(0);
    expect(requests(out).map((r) => r.begin)).to.deep.equal([0]);
  });

  it('enters endgame: duplicates the last blocks to other peers and cancels them on arrival', () => {
    const { s, run } = make(1, 2);
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'peer-joined', peer: 'b' }, { type: 'have-all', peer: 'b' });
    expect(requests(run({ type: 'unchoke', peer: 'a' }))).to.have.length(2);
    expect(s.endgame).to.equal(true);
    const dup = requests(run({ type: 'unchoke', peer: 'b' }));
    expect(dup.map((r) => r.begin)).to.deep.equal([0, B]);
    const out = run(block('a', 0, 0));
    expect(out).to.deep.include({ type: 'cancel', peer: 'b', index: 0, begin: 0, length: B });
    // b's late copy is dropped, not forwarded
    expect(run(block('b', 0, 0)).filter((c) => c.type === 'block')).to.have.length(0);
  });

  it('a failed piece is fetched again', () => {
    const { run } = make(1, 1);
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'unchoke', peer: 'a' });
    run(block('a', 0, 0));
    expect(requests(run({ type: 'piece-failed', index: 0 }))).to.have.length(1);
  });

  it('timed-out requests return to the pool; the late block is still accepted', () => {
    const { run, at } = make(1, 1, { requestTimeoutMs: 30_000 });
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'peer-joined', peer: 'b' }, { type: 'bitfield', peer: 'b', bitfield: bitfield(1, [0]) });
    run({ type: 'unchoke', peer: 'a' });
    run({ type: 'unchoke', peer: 'b' }); // endgame duplicate to b
    at(29_000);
    expect(requests(run({ type: 'tick' }))).to.have.length(0);
    at(31_000);
    const out = run({ type: 'tick' });
    // both timed out: the block is free again and re-requested
    expect(requests(out).length).to.be.greaterThan(0);
    expect(run(block('a', 0, 0)).filter((c) => c.type === 'block')).to.have.length(1);
  });

  it('snubs a peer that sends nothing: its pipeline shrinks to one', () => {
    const { s, run, at } = make(100, 4, { snubTimeoutMs: 20_000, requestTimeoutMs: 60_000 });
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'unchoke', peer: 'a' });
    at(21_000);
    run({ type: 'tick' });
    expect(s.peerInfo('a')).to.include({ snubbed: true, pipeline: 1 });
    run(block('a', requests(run({ type: 'tick' }))[0]?.index ?? 0, 0));
  });

  it('grows the pipeline of a fast peer, within its reqq', () => {
    const { s, run, at } = make(2000, 4, { maxPipeline: 500 });
    run({ type: 'peer-joined', peer: 'a', maxRequests: 300 }, { type: 'have-all', peer: 'a' });
    let inflight = requests(run({ type: 'unchoke', peer: 'a' }));
    run({ type: 'tick' });
    expect(s.peerInfo('a')!.pipeline).to.equal(16);
    // The peer answers everything in flight every 100 ms: 16 blocks per 100 ms is 2.5 MiB/s.
    // Whole pieces are written at once (they would otherwise pile up as pending).
    const received = new Map<number, number>();
    for (let t = 1; t <= 3; t++) {
      const next = inflight.flatMap((r) => {
        const out = requests(run(block('a', r.index, r.begin / B)));
        received.set(r.index, (received.get(r.index) ?? 0) + 1);
        return received.get(r.index) === 4 ? [...out, ...requests(run({ type: 'piece-verified', index: r.index }))] : out;
      });
      at(t * 100);
      inflight = [...next, ...requests(run({ type: 'tick' }))];
    }
    expect(s.peerInfo('a')!.pipeline).to.equal(300);
    expect(s.peerInfo('a')!.inFlight).to.equal(300);
  });

  it('starts no piece beyond 8 MiB pending (downloading or waiting for the disk) until one is written', () => {
    // 1 MiB pieces (64 blocks); a peer that would take 1000 requests at once.
    const { run } = make(64, 64, { initialPipeline: 1000, maxPipeline: 1000, defaultMaxRequests: 1000 });
    const first = requests(run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'unchoke', peer: 'a' }));
    expect(pieceSet(first)).to.have.length(8);
    expect(first).to.have.length(8 * 64);
    // One piece arrives whole: verified-but-unwritten still counts as pending.
    const index = first[0]!.index;
    const refill = first.filter((r) => r.index === index).flatMap((r) => requests(run(block('a', r.index, r.begin / B))));
    expect(refill).to.have.length(0);
    // Once it is on disk, the next piece starts.
    expect(pieceSet(run({ type: 'piece-verified', index }))).to.have.length(1);
  });

  it('slow start: each delivered block deepens the pipeline by one, until a tick shows the rate stopped growing', () => {
    const { s, run, at } = make(400, 4);
    run({ type: 'peer-joined', peer: 'a', maxRequests: 500 }, { type: 'have-all', peer: 'a' });
    const first = requests(run({ type: 'unchoke', peer: 'a' }));
    expect(first).to.have.length(16);
    const more = first.flatMap((r) => requests(run(block('a', r.index, r.begin / B))));
    // No tick yet: the depth grew with the deliveries, not with a rate sample.
    expect(s.peerInfo('a')!.pipeline).to.equal(32);
    expect(more.length).to.be.above(16);
    // The same 32 blocks a second: the first tick only starts the clock, the second measures, the
    // third sees no growth and ends slow start.
    let inflight = more;
    for (let second = 1; second <= 3; second++) {
      const next = inflight.slice(0, 32).flatMap((r) => requests(run(block('a', r.index, r.begin / B))));
      inflight = [...inflight.slice(32), ...next];
      at(second * 1000);
      run({ type: 'tick' });
    }
    const settled = s.peerInfo('a')!.pipeline;
    const [r] = inflight;
    run(block('a', r!.index, r!.begin / B));
    expect(s.peerInfo('a')!.pipeline, 'a delivery no longer deepens the pipeline').to.equal(settled);
  });

  it('forgets a peer that leaves: availability drops and its blocks go to others', () => {
    const { run } = make(3, 1, { initialPipeline: 3, endgameDuplicates: 1 });
    run({ type: 'peer-joined', peer: 'a' }, { type: 'have-all', peer: 'a' }, { type: 'peer-joined', peer: 'b' }, { type: 'have-all', peer: 'b' }, { type: 'unchoke', peer: 'a' });
    expect(requests(run({ type: 'unchoke', peer: 'b' }))).to.have.length(0);
    const out = run({ type: 'peer-gone', peer: 'a' });
    expect(requests(out, 'b')).to.have.length(3);
  });

  it('does not change the caller\'s have bitfield', () => {
    const have = new Bitfield(1);
    const { run } = make(1, 1, { have });
    run({ type: 'piece-verified', index: 0 });
    expect(have.count).to.equal(0);
  });
});
