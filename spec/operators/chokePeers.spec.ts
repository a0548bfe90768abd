import { expect } from 'chai';
import { Subject } from 'rxjs';
import { ChokerError } from '../../src/errors.js';
import { chokePeers, type ChokePeersConfig } from '../../src/operators/chokePeers.js';
import type { ChokeCommand, ChokerEvent, PeerStats } from '../../src/protocol/choker/index.js';
import { testScheduler } from './marbles.js';

/** Events: j/k/l = a/b/c joined, a/b/c = a/b/c interested, n = a not interested, g = b gone. */
const ev: Record<string, ChokerEvent> = {
  j: { type: 'peer-joined', peer: 'a' },
  k: { type: 'peer-joined', peer: 'b' },
  l: { type: 'peer-joined', peer: 'c' },
  a: { type: 'interested', peer: 'a' },
  b: { type: 'interested', peer: 'b' },
  c: { type: 'interested', peer: 'c' },
  n: { type: 'not-interested', peer: 'a' },
  g: { type: 'peer-gone', peer: 'b' },
};
/** Commands: A/B/C = unchoke a/b/c, x/y/z = choke a/b/c. */
const cmd: Record<string, ChokeCommand> = {
  A: { type: 'unchoke', peer: 'a' },
  B: { type: 'unchoke', peer: 'b' },
  C: { type: 'unchoke', peer: 'c' },
  x: { type: 'choke', peer: 'a' },
  y: { type: 'choke', peer: 'b' },
  z: { type: 'choke', peer: 'c' },
};

const idle: PeerStats = { downloadRate: 0, uploadRate: 0, snubbed: false };
const rates = (table: Record<string, Partial<PeerStats>>) => (peer: string): PeerStats => ({ ...idle, ...table[peer] });

describe('chokePeers', () => {
  const base = (scheduler: ChokePeersConfig['scheduler'], extra: Partial<ChokePeersConfig> = {}): ChokePeersConfig => ({
    slots: 1,
    optimisticSlots: 0,
    stats: () => idle,
    mode: () => 'leeching',
    scheduler,
    random: () => 0,
    ...extra,
  });

  it('quick unchoke at once, then a rechoke every 10 s reading the live rates', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      // b uploads to us faster until 15 s, a after that.
      const stats = (peer: string): PeerStats =>
        scheduler.now() < 15_000 ? rates({ b: { downloadRate: 100 } })(peer) : rates({ a: { downloadRate: 100 } })(peer);
      const events = cold('(jkab)', ev);
      expectObservable(events.pipe(chokePeers(base(scheduler, { stats }))), '^ 35s !').toBe('A 9999ms (xB) 9996ms (yA)', cmd);
    });
  });

  it('rotates the optimistic unchoke 30 s (three rechokes) after it was given', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const draws = [0, 0.99]; // first a (of a, b, c), then c (of b, c)
      const config = base(scheduler, { slots: 0, optimisticSlots: 1, random: () => draws.shift() ?? 0 });
      expectObservable(cold('(jklabc)', ev).pipe(chokePeers(config)), '^ 65s !').toBe('10s A 29999ms (xC)', cmd);
    });
  });

  it('reads the mode at each rechoke: anti-snubbing applies only while leeching', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const config = base(scheduler, {
        slots: 1,
        stats: rates({ a: { snubbed: true } }),
        mode: () => (scheduler.now() < 15_000 ? 'seeding' : 'leeching'),
      });
      expectObservable(cold('(jkab)', ev).pipe(chokePeers(config)), '^ 25s !').toBe('A 19999ms (xB)', cmd);
    });
  });

  it('a peer that loses interest is choked at the next rechoke; a departed one just frees its slot', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const config = base(scheduler, { slots: 2 });
      // a and b unchoked at once; a not interested at 1 s: slot free for c at once; b gone at 2 s.
      const events = cold('(jklab) 993ms (nc) 996ms g', ev);
      expectObservable(events.pipe(chokePeers(config)), '^ 15s !').toBe('(AB) 996ms C 8999ms x', cmd);
    });
  });

  it('never: no peers, nothing to say, the timer keeps running until unsubscribed', () => {
    const scheduler = testScheduler();
    let rechokes = 0;
    scheduler.run(({ cold, expectObservable }) => {
      const config = base(scheduler, { mode: () => (rechokes++, 'leeching') });
      expectObservable(cold<ChokerEvent>('-').pipe(chokePeers(config)), '^ 35s !').toBe('-', cmd);
    });
    expect(rechokes).to.equal(3);
    expect(scheduler.actions).to.have.length(0);
  });

  it('empty: completes at once and stops its timer', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<ChokerEvent>('|').pipe(chokePeers(base(scheduler)))).toBe('|');
    });
    expect(scheduler.actions).to.have.length(0);
  });

  it('a source error passes through', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold<ChokerEvent>('(ja) 6s #', ev, 'boom').pipe(chokePeers(base(scheduler)))).toBe('A 6003ms #', cmd, 'boom');
    });
  });

  it('a throwing stats callback errors the output at the rechoke', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const config = base(scheduler, { stats: () => { throw new Error('no counters'); } });
      expectObservable(cold('(ja)', ev).pipe(chokePeers(config))).toBe('A 9999ms #', cmd, new Error('no counters'));
    });
    expect(scheduler.actions).to.have.length(0);
  });

  it('early unsubscribe stops the rechoke timer', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const events = cold('(jkab)', ev);
      const config = base(scheduler, { stats: rates({ b: { downloadRate: 1 } }) });
      expectObservable(events.pipe(chokePeers(config)), '^ 5s !').toBe('A', cmd);
      expectSubscriptions(events.subscriptions).toBe('^ 5s !');
    });
    expect(scheduler.actions).to.have.length(0);
  });

  it('stops when the consumer unsubscribes while handling a command', () => {
    const scheduler = testScheduler();
    scheduler.run(() => {
      const events = new Subject<ChokerEvent>();
      const seen: ChokeCommand[] = [];
      const sub = events.pipe(chokePeers(base(scheduler, { slots: 2 }))).subscribe((c) => {
        seen.push(c);
        sub.unsubscribe();
      });
      events.next(ev['j']!);
      events.next(ev['a']!);
      expect(seen).to.deep.equal([cmd['A']]);
    });
    expect(scheduler.actions).to.have.length(0);
  });

  it('each subscription has its own choker', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const op = chokePeers(base(scheduler));
      expectObservable(cold('(ja)', ev).pipe(op), '^ 5s !').toBe('A', cmd);
      expectObservable(cold('(ja)', ev).pipe(op), '^ 5s !').toBe('A', cmd);
    });
  });

  it('refuses impossible settings at factory time', () => {
    const config = base(undefined);
    for (const bad of [{ intervalMs: 0 }, { intervalMs: Infinity }, { slots: -1 }, { optimisticRounds: 0 }]) {
      expect(() => chokePeers({ ...config, ...bad })).to.throw(ChokerError).with.property('code', 'ERR_CHOKER_INVALID_ARGUMENT');
    }
  });
});
