import { expect } from 'chai';
import { ChokerError } from '../../../src/errors.js';
import { Choker, chokerEventOf, drawWeighted, type ChokerConfig, type PeerStats } from '../../../src/protocol/choker/index.js';
import { seededRandom as rng } from '../../helpers/random.js';

const ROUND_MS = 10_000;

/** A choker whose peers all joined at 0 and are interested, with editable stats. */
function swarm(peers: string[], config: ChokerConfig = {}) {
  const choker = new Choker({ random: rng(7), ...config });
  const stats = new Map<string, PeerStats>();
  for (const p of peers) {
    choker.join(p, 0);
    stats.set(p, { downloadRate: 0, uploadRate: 0, snubbed: false });
  }
  const set = (peer: string, s: Partial<PeerStats>): void => void stats.set(peer, { ...stats.get(peer)!, ...s });
  const asked: string[] = [];
  const statsOf = (peer: string): PeerStats => (asked.push(peer), stats.get(peer)!);
  let round = 0;
  const rechoke = (mode: 'leeching' | 'seeding' = 'leeching') => choker.rechoke(++round * ROUND_MS, statsOf, mode);
  const interestAll = (): void => peers.forEach((p) => choker.interested(p, true));
  return { choker, set, rechoke, asked, interestAll };
}

describe('Choker', () => {
  describe('leeching: tit-for-tat', () => {
    it('unchokes the 4 interested peers uploading to us fastest, then sends only the changes', () => {
      const t = swarm(['a', 'b', 'c', 'd', 'e', 'f'], { optimisticSlots: 0 });
      [10, 60, 30, 50, 20, 40].forEach((rate, i) => t.set('abcdef'[i]!, { downloadRate: rate }));
      // The quick path fills the 4 slots in arrival order; the first rechoke reorders by rate.
      t.interestAll();
      expect(t.choker.unchoked).to.deep.equal(['a', 'b', 'c', 'd']);
      expect(t.rechoke()).to.deep.equal({ unchoke: ['f'], choke: ['a'] });
      expect(t.choker.unchoked).to.deep.equal(['b', 'c', 'd', 'f']);
      t.set('a', { downloadRate: 100 });
      expect(t.rechoke()).to.deep.equal({ unchoke: ['a'], choke: ['c'] });
      expect(t.rechoke()).to.deep.equal({ unchoke: [], choke: [] });
    });

    it('on equal rates a slot holder keeps its slot (no flapping)', () => {
      const t = swarm(['a', 'b', 'c'], { slots: 2, optimisticSlots: 0 });
      t.interestAll(); // a, b by the quick path
      for (let i = 0; i < 5; i++) expect(t.rechoke()).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.choker.unchoked).to.deep.equal(['a', 'b']);
    });

    it('anti-snubbing: a snubbed peer gets no regular slot while leeching, whatever its rate', () => {
      const t = swarm(['a', 'b', 'c'], { slots: 1, optimisticSlots: 0 });
      t.set('a', { downloadRate: 1000, snubbed: true });
      t.set('b', { downloadRate: 10 });
      t.interestAll(); // a by the quick path: nothing is known of it yet
      expect(t.rechoke()).to.deep.equal({ unchoke: ['b'], choke: ['a'] });
      t.set('a', { snubbed: false });
      expect(t.rechoke()).to.deep.equal({ unchoke: ['a'], choke: ['b'] });
    });

    it('a snubbed peer may still be unchoked optimistically (its way back)', () => {
      const t = swarm(['a', 'b'], { slots: 1, optimisticSlots: 1 });
      t.set('a', { snubbed: true });
      t.set('b', { downloadRate: 10 });
      t.interestAll();
      t.rechoke();
      expect(t.choker.slotOf('b')).to.equal('regular');
      expect(t.choker.slotOf('a')).to.equal('optimistic');
    });

    it('snubbing means nothing while seeding', () => {
      const t = swarm(['a', 'b'], { slots: 1, optimisticSlots: 0 });
      t.set('a', { snubbed: true, uploadRate: 10 });
      t.interestAll();
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.choker.slotOf('a')).to.equal('regular');
    });
  });

  describe('seeding: round robin', () => {
    it('every interested peer gets a turn; a holder yields after seedTurnRounds while others wait', () => {
      const peers = ['a', 'b', 'c', 'd', 'e', 'f'];
      const t = swarm(peers, { slots: 4, optimisticSlots: 0, seedTurnRounds: 3 });
      peers.forEach((p, i) => t.set(p, { uploadRate: 100 * (i + 1) }));
      t.interestAll(); // a b c d hold slots from round 0
      const served = new Map(peers.map((p) => [p, 0]));
      const waits = new Map(peers.map((p) => [p, 0]));
      let longestWait = 0;
      for (let round = 1; round <= 60; round++) {
        t.rechoke('seeding');
        expect(t.choker.unchoked).to.have.length(4);
        for (const p of peers) {
          const on = t.choker.slotOf(p) === 'regular';
          served.set(p, served.get(p)! + Number(on));
          waits.set(p, on ? 0 : waits.get(p)! + 1);
          longestWait = Math.max(longestWait, waits.get(p)!);
        }
      }
      // 60 rounds × 4 slots over 6 peers: 40 each, give or take a turn.
      for (const p of peers) expect(served.get(p)).to.be.within(37, 43);
      expect(longestWait).to.be.at.most(3);
    });

    it('a holder keeps its slot for exactly seedTurnRounds rechokes, then the longest waiter gets it', () => {
      const t = swarm(['a', 'b'], { slots: 1, optimisticSlots: 0, seedTurnRounds: 3 });
      t.interestAll(); // a by the quick path at round 0
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: ['b'], choke: ['a'] });
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: ['a'], choke: ['b'] });
    });

    it('with nobody waiting, holders keep their slots past their turn', () => {
      const t = swarm(['a', 'b'], { slots: 2, optimisticSlots: 0 });
      t.interestAll();
      for (let i = 0; i < 10; i++) expect(t.rechoke('seeding')).to.deep.equal({ unchoke: [], choke: [] });
    });

    it('among holders whose turn is over, the fastest downloaders keep theirs', () => {
      const t = swarm(['a', 'b', 'c', 'd', 'w'], { slots: 4, optimisticSlots: 0 });
      for (const p of 'abcd') t.choker.interested(p, true);
      t.set('a', { uploadRate: 400 });
      t.set('b', { uploadRate: 100 });
      t.set('c', { uploadRate: 300 });
      t.set('d', { uploadRate: 200 });
      t.set('w', { uploadRate: 999 }); // residual, it is choked: counts as 0
      t.rechoke('seeding');
      t.choker.interested('w', true); // no free slot: waits
      t.rechoke('seeding');
      expect(t.rechoke('seeding')).to.deep.equal({ unchoke: ['w'], choke: ['b'] });
    });
  });

  describe('optimistic unchoke', () => {
    it('rotates every optimisticRounds rechokes, to a different peer when there is one', () => {
      const peers = ['a', 'b', 'c', 'd', 'e'];
      const t = swarm(peers, { slots: 1, optimisticSlots: 1, optimisticRounds: 3 });
      t.set('a', { downloadRate: 100 });
      t.interestAll(); // a regular by the quick path
      const holders: string[] = [];
      for (let round = 1; round <= 9; round++) {
        t.rechoke();
        const optimistic = peers.filter((p) => t.choker.slotOf(p) === 'optimistic');
        expect(optimistic).to.have.length(1);
        holders.push(optimistic[0]!);
        expect(t.choker.slotOf('a')).to.equal('regular');
      }
      // Rounds 1–3, 4–6, 7–9: one holder each, each different from the one before.
      for (const turn of [0, 3, 6]) expect(new Set(holders.slice(turn, turn + 3)).size).to.equal(1);
      expect(holders[3]).to.not.equal(holders[0]);
      expect(holders[6]).to.not.equal(holders[3]);
    });

    it('the only candidate keeps it for another turn', () => {
      const t = swarm(['a', 'b'], { slots: 1, optimisticRounds: 2 });
      t.interestAll();
      t.rechoke();
      for (let i = 0; i < 5; i++) {
        expect(t.rechoke()).to.deep.equal({ unchoke: [], choke: [] });
        expect(t.choker.slotOf('b')).to.equal('optimistic');
      }
    });

    it('a holder that earns a regular slot frees the optimistic one at once', () => {
      const draws = [0, 0.99];
      const t = swarm(['a', 'b', 'c'], { slots: 1, optimisticSlots: 1, random: () => draws.shift() ?? 0 });
      t.choker.interested('a', true);
      t.choker.interested('b', true);
      t.choker.interested('c', true);
      expect(t.rechoke()).to.deep.equal({ unchoke: ['b'], choke: [] }); // b drawn from [b, c]
      t.set('b', { downloadRate: 100 });
      // b takes a's regular slot; its optimistic slot is drawn again at once, c from [a, c].
      expect(t.rechoke()).to.deep.equal({ unchoke: ['c'], choke: ['a'] });
      expect(t.choker.slotOf('b')).to.equal('regular');
      expect(t.choker.slotOf('c')).to.equal('optimistic');
    });

    it('new peers are three times as likely to be drawn (mainline)', () => {
      const random = rng(42);
      const trials = 6000;
      let newPicked = 0;
      for (let i = 0; i < trials; i++) {
        const choker = new Choker({ slots: 0, optimisticSlots: 1, newPeerMs: 60_000, random });
        for (const p of ['old1', 'old2', 'old3']) choker.join(p, 0);
        choker.join('new', 100_000);
        for (const p of ['old1', 'old2', 'old3', 'new']) choker.interested(p, true);
        const { unchoke } = choker.rechoke(110_000, () => ({ downloadRate: 0, uploadRate: 0, snubbed: false }), 'leeching');
        if (unchoke[0] === 'new') newPicked++;
      }
      // Weights 3 : 1 : 1 : 1 → the new peer half the time (1 in 4 without the rule).
      expect(newPicked / trials).to.be.within(0.47, 0.53);
    });

    it('a peer is new only for newPeerMs', () => {
      const picks = { new: 0, old: 0 };
      const random = rng(3);
      for (let i = 0; i < 4000; i++) {
        const choker = new Choker({ slots: 0, newPeerMs: 60_000, random });
        choker.join('old', 0);
        choker.join('new', 100_000);
        choker.interested('old', true);
        choker.interested('new', true);
        const { unchoke } = choker.rechoke(160_000, () => ({ downloadRate: 0, uploadRate: 0, snubbed: false }), 'leeching');
        picks[unchoke[0] as 'new' | 'old']++;
      }
      expect(picks.new / 4000).to.be.within(0.46, 0.54);
    });
  });

  describe('interest, quick path and departures', () => {
    it('quick path: an interested peer is unchoked at once while a regular slot is free', () => {
      const t = swarm(['a', 'b', 'c'], { slots: 2 });
      expect(t.choker.interested('a', true)).to.deep.equal({ unchoke: ['a'], choke: [] });
      expect(t.choker.interested('b', true)).to.deep.equal({ unchoke: ['b'], choke: [] });
      expect(t.choker.interested('c', true)).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.choker.interested('a', true)).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.choker.interested('zz', true)).to.deep.equal({ unchoke: [], choke: [] });
    });

    it('a peer that loses interest frees its slot at once and is choked at the next rechoke', () => {
      const t = swarm(['a', 'b', 'c'], { slots: 1, optimisticSlots: 0 });
      t.choker.interested('a', true);
      expect(t.choker.interested('a', false)).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.choker.slotOf('a')).to.equal('regular'); // still unchoked on the wire
      expect(t.choker.interested('b', true)).to.deep.equal({ unchoke: ['b'], choke: [] });
      expect(t.rechoke()).to.deep.equal({ unchoke: [], choke: ['a'] });
      expect(t.choker.unchoked).to.deep.equal(['b']);
    });

    it('uninterested peers are never unchoked at a rechoke, and their stats are not read', () => {
      const t = swarm(['a', 'b'], { slots: 4 });
      t.set('a', { downloadRate: 1e6 });
      t.choker.interested('b', true);
      t.asked.length = 0;
      expect(t.rechoke()).to.deep.equal({ unchoke: [], choke: [] });
      expect(t.asked).to.deep.equal(['b']);
    });

    it('a departed peer is forgotten; its slot goes to the next best at the next rechoke', () => {
      const t = swarm(['a', 'b', 'c'], { slots: 1, optimisticSlots: 0 });
      t.set('b', { downloadRate: 20 });
      t.set('c', { downloadRate: 10 });
      t.interestAll();
      t.rechoke();
      expect(t.choker.unchoked).to.deep.equal(['b']);
      t.choker.leave('b');
      t.asked.length = 0;
      expect(t.rechoke()).to.deep.equal({ unchoke: ['c'], choke: [] });
      expect(t.asked).to.deep.equal(['a', 'c']);
      expect(t.choker.slotOf('b')).to.equal(undefined);
    });

    it('a second join keeps the first one\'s state', () => {
      const t = swarm(['a'], { slots: 1 });
      t.choker.interested('a', true);
      t.choker.join('a', 5);
      expect(t.choker.slotOf('a')).to.equal('regular');
    });
  });

  it('refuses impossible settings', () => {
    for (const config of [{ slots: -1 }, { slots: 1.5 }, { optimisticSlots: -1 }, { optimisticRounds: 0 }, { seedTurnRounds: 0 }, { newPeerMs: Number.NaN }]) {
      expect(() => new Choker(config)).to.throw(ChokerError).with.property('code', 'ERR_CHOKER_INVALID_ARGUMENT');
    }
  });

  it('chokerEventOf maps interest messages only', () => {
    expect(chokerEventOf('p', { type: 'interested' })).to.deep.equal({ type: 'interested', peer: 'p' });
    expect(chokerEventOf('p', { type: 'not-interested' })).to.deep.equal({ type: 'not-interested', peer: 'p' });
    expect(chokerEventOf('p', { type: 'choke' })).to.equal(undefined);
  });

  it('drawWeighted draws distinct items, at most n', () => {
    const drawn = drawWeighted(['a', 'b', 'c'], () => 1, 5, rng(1));
    expect([...drawn].sort()).to.deep.equal(['a', 'b', 'c']);
    expect(drawWeighted(['a', 'b'], () => 1, 0, rng(1))).to.deep.equal([]);
    expect(drawWeighted(['a', 'b'], (x) => (x === 'b' ? 3 : 1), 1, () => 0.25)).to.deep.equal(['b']);
    expect(drawWeighted(['a', 'b'], (x) => (x === 'b' ? 3 : 1), 1, () => 0.2499)).to.deep.equal(['a']);
  });
});
