import { expect } from 'chai';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { PieceScheduler, type PieceSchedulerConfig, type SchedulerCommand, type SwarmEvent } from '../../../src/protocol/scheduler/index.js';
import { peersCover, SLOW_WEB_SEED_FACTOR } from '../../../src/protocol/scheduler/webSeedPicks.js';
import { seededRandom } from '../../helpers/random.js';

const B = 16384;
const W = 'web:http://127.0.0.1/f';

/** A scheduler over `pieces` pieces of `blocks` blocks, a clock, and request filters. */
function make(pieces: number, blocks: number, extra: Partial<PieceSchedulerConfig> = {}) {
  const s = new PieceScheduler({ pieceCount: pieces, pieceLength: blocks * B, length: pieces * blocks * B, random: seededRandom(3), ...extra });
  let now = 0;
  const run = (...events: SwarmEvent[]): SchedulerCommand[] => events.flatMap((e) => s.update(e, now));
  const at = (t: number): void => void (now = t);
  return { s, run, at };
}
type Request = Extract<SchedulerCommand, { type: 'request' }>;
const requests = (cmds: SchedulerCommand[], peer: string): Request[] => cmds.filter((c): c is Request => c.type === 'request' && c.peer === peer);
const indices = (cmds: SchedulerCommand[], peer: string): number[] => [...new Set(requests(cmds, peer).map((r) => r.index))];
const web = (peer = W): SwarmEvent[] => [{ type: 'peer-joined', peer, webSeed: true, maxRequests: 512 }, { type: 'have-all', peer }, { type: 'unchoke', peer }];
/** A peer with `has` (default all), unchoking us unless `choked`. */
const peer = (key: string, has?: Bitfield, choked = false): SwarmEvent[] => [
  { type: 'peer-joined', peer: key }, has === undefined ? { type: 'have-all', peer: key } : { type: 'bitfield', peer: key, bitfield: has },
  ...(choked ? [] : [{ type: 'unchoke', peer: key } as const]),
];
const bits = (n: number, from: number, to: number): Bitfield => {
  const b = new Bitfield(n);
  for (let i = from; i < to; i++) b.set(i);
  return b;
};
const blockOf = (r: Request): SwarmEvent => ({ type: 'block', peer: r.peer, index: r.index, begin: r.begin, data: new Uint8Array(r.length) });
const consecutive = (xs: number[]): boolean => xs.every((x, i) => i === 0 || x === (xs[i - 1] as number) + 1);

describe('PieceScheduler: web seeds (webSeedPicks)', () => {
  it('a web seed alone is asked for one run of consecutive pieces, in order (not rarest-first scatter)', () => {
    const { run } = make(100, 1);
    const got = indices(run(...web()), W);
    expect(got).to.have.length(16);
    expect(got).to.deep.equal(Array.from({ length: 16 }, (_, i) => i));
  });

  it('its run goes on where it stopped after more blocks are asked of it', () => {
    const { run } = make(100, 1);
    const first = requests(run(...web()), W);
    const more = first.flatMap((r) => requests(run(blockOf(r)), W)).map((r) => r.index);
    expect(more.length).to.be.above(4);
    expect(more[0]).to.equal(16);
    expect(consecutive(more)).to.equal(true);
  });

  it('takes the pieces no peer has first, as one run', () => {
    const { run } = make(100, 1);
    run(...peer('p', bits(100, 0, 60), true));
    const got = indices(run(...web()), W);
    expect(got).to.deep.equal(Array.from({ length: 16 }, (_, i) => 60 + i));
  });

  it('a second web seed starts halfway into the stretch the first one is advancing into', () => {
    const { run } = make(100, 1, { initialPipeline: 4 });
    expect(indices(run(...web('web:a')), 'web:a')).to.deep.equal([0, 1, 2, 3]);
    expect(indices(run(...web('web:b')), 'web:b')).to.deep.equal([52, 53, 54, 55]);
  });

  it('peers leave the free blocks of a web seed\'s run piece to it (its range stays whole)', () => {
    const { run } = make(10, 8, { initialPipeline: 4 });
    expect(requests(run(...web()), W).map((r) => [r.index, r.begin / B])).to.deep.equal([[0, 0], [0, 1], [0, 2], [0, 3]]);
    const fromPeer = requests(run(...peer('p')), 'p');
    expect(fromPeer).to.have.length(4);
    expect(fromPeer.some((r) => r.index === 0)).to.equal(false);
  });

  it('with peers 8× faster, it is asked for nothing they have; pieces only it has still go to it', () => {
    const { run, at } = make(64, 1);
    run({ type: 'tick' });
    run(...peer('p', bits(64, 0, 60), true));
    const fromWeb = requests(run(...web()), W);
    const fromPeer = requests(run({ type: 'unchoke', peer: 'p' }), 'p');
    expect(fromWeb.map((r) => r.index).slice(0, 4)).to.deep.equal([60, 61, 62, 63]);
    at(500);
    // The peer delivers 16 blocks in the second, the web seed 1.
    const refill = [...fromPeer.flatMap((r) => requests(run(blockOf(r)), 'p')), ...requests(run(blockOf(fromWeb[0] as Request)), W)];
    at(1000);
    const tick = run({ type: 'tick' });
    at(1500);
    const after = [...requests(tick, W), ...fromWeb.slice(1).flatMap((r) => requests(run(blockOf(r)), W))];
    expect(after.map((r) => r.index)).to.deep.equal([]);
    expect(refill.length).to.be.above(0);
    // A piece only it has fails its hash: it is asked for it again.
    run({ type: 'piece-verified', index: 60 });
    expect(indices(run({ type: 'piece-failed', index: 61 }), W)).to.deep.equal([61]);
  });

  it('a web seed as fast as the peer keeps a fair share', () => {
    const both = simulate(64, 4, { p: 20, [W]: 20 });
    expect(both.accepted(W)).to.be.above(256 / 3);
  });

  it('beside a slow peer, a web seed is asked for long runs: few breaks in its byte order', () => {
    const { log } = simulate(64, 4, { p: 2, [W]: 32 });
    const offsets = requests(log, W).map((r) => r.index * 4 * B + r.begin);
    const breaks = offsets.filter((o, i) => i > 0 && o !== (offsets[i - 1] as number) + B).length;
    expect(offsets.length).to.be.above(150);
    // Rarest-first picks for it: 63 breaks; most of these 12 are where a run meets the peer's pieces.
    expect(breaks).to.be.below(20);
  });

  it('beside a fast peer: a small share, no endgame duplicate of the peer\'s blocks, and not slower than the peer alone', () => {
    const alone = simulate(64, 4, { p: 60 });
    const both = simulate(64, 4, { p: 60, [W]: 6 });
    expect(both.duplicatesOf(W, 'p')).to.equal(0); // 110 without the web seed rules
    expect(both.accepted(W)).to.be.below(256 / 10);
    expect(both.ms).to.be.at.most(alone.ms);
  });
});

/**
 * A virtual-time swarm: each source delivers the blocks asked of it, oldest first, at its rate
 * (blocks/s, in 100 ms steps), with a tick every second and a verified piece once all its blocks
 * are in. Keys starting `web:` join as web seeds.
 */
function simulate(pieces: number, blocks: number, rates: Record<string, number>) {
  const { s, run, at } = make(pieces, blocks);
  const log: SchedulerCommand[] = [];
  const queues = new Map(Object.keys(rates).map((k) => [k, [] as Request[]]));
  const askedOf = new Map<string, Set<string>>();
  const received = new Map<number, number>();
  const accepted = new Map<string, number>();
  const dups = new Map<string, number>();
  const id = (c: { index: number; begin: number }): string => `${c.index}:${c.begin}`;
  const apply = (cmds: SchedulerCommand[]): void => {
    for (const c of cmds) {
      log.push(c);
      if (c.type === 'request') {
        const holders = askedOf.get(id(c)) ?? new Set();
        for (const other of holders) dups.set(`${c.peer}>${other}`, (dups.get(`${c.peer}>${other}`) ?? 0) + 1);
        askedOf.set(id(c), holders.add(c.peer));
        queues.get(c.peer)?.push(c);
      } else if (c.type === 'cancel') {
        askedOf.get(id(c))?.delete(c.peer);
        const q = queues.get(c.peer) ?? [];
        q.splice(q.findIndex((r) => id(r) === id(c)), 1);
      } else if (c.type === 'block') {
        askedOf.delete(id(c));
        accepted.set(c.peer, (accepted.get(c.peer) ?? 0) + 1);
        const n = (received.get(c.index) ?? 0) + 1;
        received.set(c.index, n);
        if (n === blocks) apply(run({ type: 'piece-verified', index: c.index }));
      }
    }
  };
  apply(run({ type: 'tick' }));
  for (const key of Object.keys(rates)) apply(run(...(key.startsWith('web:') ? web(key) : peer(key))));
  const credit = new Map<string, number>();
  let now = 0;
  while (!s.complete && now < 600_000) {
    now += 100;
    at(now);
    for (const [key, rate] of Object.entries(rates)) {
      credit.set(key, (credit.get(key) ?? 0) + rate / 10);
      while ((credit.get(key) ?? 0) >= 1 && (queues.get(key)?.length ?? 0) > 0) {
        credit.set(key, (credit.get(key) ?? 0) - 1);
        apply(run(blockOf(queues.get(key)?.shift() as Request)));
      }
      if ((queues.get(key)?.length ?? 0) === 0) credit.set(key, Math.min(credit.get(key) ?? 0, 1));
    }
    if (now % 1000 === 0) apply(run({ type: 'tick' }));
  }
  return { ms: now, log, accepted: (key: string) => accepted.get(key) ?? 0, duplicatesOf: (key: string, of: string) => dups.get(`${key}>${of}`) ?? 0 };
}

describe('peersCover', () => {
  const L = 256 * 1024;
  it('never while a rate is unknown (no peer delivers, or the web seed was not measured yet)', () => {
    expect(peersCover({ peerRate: 0, seedRate: 1e6, remainingBytes: 1, pieceLength: L })).to.equal(false);
    expect(peersCover({ peerRate: 1e9, seedRate: 0, remainingBytes: 1, pieceLength: L })).to.equal(false);
  });
  it(`a web seed ${SLOW_WEB_SEED_FACTOR}× slower than the peers is covered; a faster one is not while much is left`, () => {
    expect(peersCover({ peerRate: 8e6, seedRate: 1e6, remainingBytes: 1 << 30, pieceLength: L })).to.equal(true);
    expect(peersCover({ peerRate: 7e6, seedRate: 1e6, remainingBytes: 1 << 30, pieceLength: L })).to.equal(false);
    expect(peersCover({ peerRate: 1e6, seedRate: 3e6, remainingBytes: 1 << 30, pieceLength: L })).to.equal(false);
  });
  it('covered once the peers would fetch what is left before it delivered one more piece', () => {
    expect(peersCover({ peerRate: 1e6, seedRate: 4e6, remainingBytes: L / 4, pieceLength: L })).to.equal(true);
    expect(peersCover({ peerRate: 1e6, seedRate: 4e6, remainingBytes: L, pieceLength: L })).to.equal(false);
  });
});
