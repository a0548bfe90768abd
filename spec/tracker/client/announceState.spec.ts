import { expect } from 'chai';
import { TrackerTiers } from '../../../src/protocol/tracker/trackerTiers.js';
import { AnnounceState } from '../../../src/tracker/client/announceState.js';
import { reply } from './loopHarness.js';

const POLICY = { minIntervalMs: 30_000, maxIntervalMs: 3_600_000, minBackoffMs: 1000, maxBackoffMs: 8000, random: () => 0 };
const keepOrder = (): number => 0.999_999_99;

/** The policy core alone: no scheduler, plain calls in, plain answers out. */
describe('AnnounceState (announceEvery core)', () => {
  it('walks a round in BEP 12 order, started to unknown trackers, none to known ones', () => {
    const state = new AnnounceState(new TrackerTiers([['a', 'b'], ['c']], keepOrder), POLICY);
    state.updateLeft(100);
    state.beginRound();
    expect(state.next()).to.deep.equal({ tracker: 'a', event: 'started', trackerId: undefined });
    expect(state.failed()).to.equal(undefined);
    const b = state.next()!;
    expect(state.succeeded(b, reply(600, { trackerId: Uint8Array.of(1) }), 100, 0)).to.equal(600_000);
    expect(state.next()).to.equal(undefined); // the round ended with the answer
    state.beginRound();
    expect([state.next(), state.next()]).to.deep.equal([
      { tracker: 'b', event: 'none', trackerId: Uint8Array.of(1) },
      { tracker: 'a', event: 'started', trackerId: undefined },
    ]);
    expect(state.stopTargets()).to.deep.equal(['b']);
    expect(state.stopTargets('c')).to.deep.equal(['b', 'c']);
  });

  it('makes completed due once, when left drops to 0 from above', () => {
    const state = new AnnounceState(new TrackerTiers([['a']], keepOrder), POLICY);
    expect(state.updateLeft(0)).to.equal(false); // started complete: never completed
    expect(state.updateLeft(10)).to.equal(false);
    state.beginRound();
    state.succeeded(state.next()!, reply(600, { minInterval: 60 }), 10, 1000);
    expect(state.updateLeft(0)).to.equal(true);
    expect(state.delayMs(5000)).to.equal(56_000); // the min gap after the last answer, not the interval
    state.beginRound();
    const step = state.next()!;
    expect(step.event).to.equal('completed');
    state.succeeded(step, reply(600), 0, 61_000);
    expect(state.updateLeft(5)).to.equal(false);
    expect(state.updateLeft(0)).to.equal(false);
    state.beginRound();
    expect(state.next()!.event).to.equal('none');
  });

  it('doubles the back-off per failed round up to the cap', () => {
    const state = new AnnounceState(new TrackerTiers([['a']], keepOrder), POLICY);
    const delays = Array.from({ length: 6 }, () => {
      state.beginRound();
      state.next();
      return state.failed();
    });
    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(state.failures).to.equal(6);
  });
});
