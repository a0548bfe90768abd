import { expect } from 'chai';
import { map } from 'rxjs';
import { ClientError } from '../../../src/errors.js';
import { clientState, summarizeSessions } from '../../../src/streams/client/clientState.js';
import type { SessionState } from '../../../src/streams/session/sessionState.js';
import { testScheduler } from '../../operators/marbles.js';
import { sessionStateOf } from '../../ui/states.js';

const a1 = sessionStateOf({ infoHash: 'a', downloadRate: 10, uploadRate: 1, length: 100, left: 50, progress: 0.5 });
const a2 = sessionStateOf({ infoHash: 'a', downloadRate: 20, uploadRate: 2, length: 100, left: 0, progress: 1, status: 'seeding' });
const b1 = sessionStateOf({ infoHash: 'b', downloadRate: 5, uploadRate: 0, length: 300, left: 300, progress: 0 });

describe('clientState (session states → client-wide snapshots)', () => {
  it('sums rates, bytes and peers; progress is weighted by size; ETA from what is left', () => {
    const c = summarizeSessions([a1, b1]);
    expect(c).to.include({ length: 400, left: 350, downloadRate: 15, uploadRate: 1, peers: 2 });
    expect(c.progress).to.equal(50 / 400);
    expect(summarizeSessions([]).progress, 'no sessions: nothing is done').to.equal(0);
    expect(c.eta).to.equal(350 / 15);
    expect(summarizeSessions([a2]).eta).to.equal(undefined);
  });

  it('keeps the latest state per info-hash, first at once, then at most one per interval, the last never dropped', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const states$ = cold<SessionState>('a-b-c 500ms d|', { a: a1, b: b1, c: a2, d: b1 });
      const out$ = clientState(states$, { intervalMs: 250 }).pipe(map((c) => c.sessions.map((s) => `${s.infoHash}:${s.status}`).join(',')));
      expectObservable(out$).toBe('x 249ms y 254ms z|', { x: 'a:downloading', y: 'a:seeding,b:downloading', z: 'a:seeding,b:downloading' });
    });
  });

  it('delivers the last snapshot when the sessions end inside an interval', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const out$ = clientState(cold<SessionState>('a-b|', { a: a1, b: b1 }), { intervalMs: 250 }).pipe(map((c) => c.sessions.length));
      expectObservable(out$).toBe('x 249ms (y|)', { x: 1, y: 2 });
    });
  });

  it('tells sessions apart by a key of your choice (several clients on one torrent)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const states$ = cold<SessionState>('a-b|', { a: { ...a1, name: 'seeder' }, b: { ...a1, name: 'leecher' } });
      const out$ = clientState(states$, { intervalMs: 0, key: (s) => s.name }).pipe(map((c) => c.sessions.length));
      expectObservable(out$).toBe('a-b|', { a: 1, b: 2 });
    });
  });

  it('is cold: each subscription keeps its own table', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const out$ = clientState(cold<SessionState>('a|', { a: a1 }), { intervalMs: 0 }).pipe(map((c) => c.sessions.length));
      expectObservable(out$).toBe('a|', { a: 1 });
      expectObservable(out$).toBe('a|', { a: 1 });
    });
  });

  it('refuses a negative interval', () => {
    expect(() => clientState(cold$(), { intervalMs: -1 })).to.throw(ClientError).with.property('code', 'ERR_CLIENT_INVALID_ARGUMENT');
  });
});

function cold$() {
  return testScheduler().createColdObservable<SessionState>('|');
}
