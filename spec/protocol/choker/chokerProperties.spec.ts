import { expect } from 'chai';
import fc from 'fast-check';
import { Choker, type PeerStats } from '../../../src/protocol/choker/index.js';

const PEERS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

type Op =
  | { op: 'join' | 'leave' | 'interested' | 'not-interested'; peer: string }
  | { op: 'rechoke'; mode: 'leeching' | 'seeding'; rates: number[]; snubbed: boolean[] };

const peer = fc.constantFrom(...PEERS);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('join' as const, 'leave' as const, 'interested' as const, 'not-interested' as const), peer }),
  fc.record({
    op: fc.constant('rechoke' as const),
    mode: fc.constantFrom('leeching' as const, 'seeding' as const),
    rates: fc.array(fc.nat(1000), { minLength: PEERS.length, maxLength: PEERS.length }),
    snubbed: fc.array(fc.boolean(), { minLength: PEERS.length, maxLength: PEERS.length }),
  }),
);

describe('Choker properties', () => {
  it('over any history: decisions replay to its state, slots are never exceeded, only interested peers hold slots after a rechoke', () => {
    fc.assert(
      fc.property(fc.nat(3), fc.nat(2), fc.array(op, { maxLength: 80 }), fc.integer({ min: 1, max: 2 ** 31 }), (slots, optimisticSlots, ops, seed) => {
        let s = seed;
        const random = (): number => ((s = (s * 48271) % 2147483647) / 2147483647);
        const choker = new Choker({ slots, optimisticSlots, optimisticRounds: 2, random });
        const joined = new Set<string>();
        const interested = new Set<string>();
        const unchoked = new Set<string>(); // replayed from the decisions
        const apply = (d: { unchoke: string[]; choke: string[] }): void => {
          for (const p of d.choke) expect(unchoked.delete(p), `choke of ${p}, not unchoked`).to.equal(true);
          for (const p of d.unchoke) {
            expect(unchoked.has(p), `unchoke of ${p}, already unchoked`).to.equal(false);
            unchoked.add(p);
          }
        };
        let now = 0;
        const rechoke = (o: Extract<Op, { op: 'rechoke' }>): void => {
          const stats = (p: string): PeerStats => {
            expect(interested.has(p), `stats of uninterested ${p}`).to.equal(true);
            const i = PEERS.indexOf(p);
            return { downloadRate: o.rates[i]!, uploadRate: o.rates[i]!, snubbed: o.snubbed[i]! };
          };
          apply(choker.rechoke(now, stats, o.mode));
          const regular = [...unchoked].filter((p) => choker.slotOf(p) === 'regular');
          const optimistic = [...unchoked].filter((p) => choker.slotOf(p) === 'optimistic');
          expect(regular.length).to.be.at.most(slots);
          expect(optimistic.length).to.be.at.most(optimisticSlots);
          for (const p of unchoked) expect(interested.has(p)).to.equal(true);
          const eligible = [...interested].filter((p) => o.mode === 'seeding' || !o.snubbed[PEERS.indexOf(p)]);
          expect(regular.length).to.equal(Math.min(slots, eligible.length));
          if (o.mode === 'leeching') for (const p of regular) expect(o.snubbed[PEERS.indexOf(p)]).to.equal(false);
        };
        for (const o of ops) {
          now += 10_000;
          if (o.op === 'rechoke') {
            rechoke(o);
          } else if (o.op === 'join') {
            choker.join(o.peer, now);
            joined.add(o.peer);
          } else if (o.op === 'leave') {
            choker.leave(o.peer);
            joined.delete(o.peer);
            interested.delete(o.peer);
            unchoked.delete(o.peer);
          } else {
            apply(choker.interested(o.peer, o.op === 'interested'));
            if (joined.has(o.peer) && o.op === 'interested') interested.add(o.peer);
            else interested.delete(o.peer);
          }
          expect([...unchoked].sort()).to.deep.equal(choker.unchoked.sort());
        }
      }),
      { numRuns: 300 },
    );
  });
});
