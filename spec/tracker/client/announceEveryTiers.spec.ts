import { expect } from 'chai';
import { after, failAfter, reply, runLoop, silent, timeline } from './loopHarness.js';
import type { TrackerErrorStatus, TrackerStatus } from '../../../src/tracker/client/trackerEvents.js';

const [A, B, C] = ['http://a.example/announce', 'http://b.example/announce', 'http://c.example/announce'];
/** Fisher–Yates never swaps with this: tiers keep their listed order. */
const NO_SHUFFLE = { random: () => 0.999_999_99 };

describe('announceEvery: BEP 12 tiers, failover, back-off (virtual time)', () => {
  it('fails over to the next tracker of a tier, then to the next tier', () => {
    const { calls, events } = runLoop({
      tiers: [[A, B], [C]], config: NO_SHUFFLE,
      scripts: { [A]: failAfter(5), [B]: failAfter(7), [C]: after(3, reply(600)) }, until: 700_000,
    });
    expect(timeline(calls).slice(0, 3)).to.deep.equal([[0, A, 'started'], [5, B, 'started'], [12, C, 'started']]);
    const statuses = events.map((e) => e.event).filter((e): e is TrackerStatus => e.type === 'status');
    expect(statuses.slice(0, 3).map((s) => [s.tracker, s.ok, s.nextAnnounceInMs])).to.deep.equal([
      [A, false, 0], [B, false, 0], [C, true, 600_000],
    ]);
    expect((statuses[0] as TrackerErrorStatus).error).to.include({ code: 'ERR_TRACKER_TIMEOUT' });
    // The next round starts again at the first tier; trackers that never answered still get `started`.
    expect(timeline(calls).slice(3, 6)).to.deep.equal([[600_015, A, 'started'], [600_020, B, 'started'], [600_027, C, 'none']]);
    // Only C knows us, so only C is told we stopped.
    expect(timeline(calls).slice(6)).to.deep.equal([[700_000, C, 'stopped']]);
  });

  it('tries a silent tracker until its timeout (the transport times out), then the next', () => {
    const { calls } = runLoop({ tiers: [[A], [B]], config: NO_SHUFFLE, scripts: { [A]: failAfter(30_000) }, until: 31_000 });
    expect(timeline(calls)).to.deep.equal([[0, A, 'started'], [30_000, B, 'started'], [31_000, B, 'stopped']]);
  });

  it('moves the tracker that answered to the front of its tier', () => {
    const { calls } = runLoop({
      tiers: [[A, B, C]], config: NO_SHUFFLE, scripts: { [A]: failAfter(1), [B]: after(1, reply(100)) }, until: 250_000,
    });
    expect(timeline(calls)).to.deep.equal([
      [0, A, 'started'], [1, B, 'started'], [100_002, B, 'none'], [200_003, B, 'none'], [250_000, B, 'stopped'],
    ]);
  });

  it('shuffles each tier with the injected random', () => {
    const { calls } = runLoop({ tiers: [[A, B, C]], config: { random: () => 0 }, scripts: { [A]: silent, [B]: silent, [C]: silent }, until: 10 });
    expect(calls[0]!.url).to.equal(B); // Fisher–Yates with 0: [A, B, C] → [C, B, A] → [B, C, A]
  });

  it('backs off exponentially after a round where every tracker failed, up to the cap, and resets on success', () => {
    const { calls, events } = runLoop({
      tiers: [[A]], config: { random: () => 0, minBackoffMs: 1000, maxBackoffMs: 5000 },
      scripts: { [A]: (url, call, s) => (call.at < 20_000 ? failAfter(0) : after(0, reply(600)))(url, call, s) },
      until: 30_000,
    });
    expect(calls.map((c) => c.at)).to.deep.equal([0, 1000, 3000, 7000, 12_000, 17_000, 22_000, 30_000]);
    const failures = events.map((e) => e.event).filter((e): e is TrackerErrorStatus => e.type === 'status' && !e.ok);
    expect(failures.map((f) => [f.failures, f.nextAnnounceInMs])).to.deep.equal([[0, 1000], [1, 2000], [2, 4000], [3, 5000], [4, 5000], [5, 5000]]);
    expect(calls.map((c) => c.event)).to.deep.equal([...new Array<string>(7).fill('started'), 'stopped']);
  });

  it('jitters the back-off down by up to a quarter', () => {
    const { calls } = runLoop({
      tiers: [[A]], config: { random: () => 0.5, minBackoffMs: 1000 }, scripts: { [A]: failAfter(0) }, until: 3000,
    });
    expect(calls.map((c) => c.at)).to.deep.equal([0, 875, 875 + 1750]);
  });

  it('starts the back-off over after a success', () => {
    let n = 0;
    const { calls } = runLoop({
      tiers: [[A]], config: { random: () => 0, minBackoffMs: 1000, minIntervalMs: 0 },
      // fail, fail, answer (interval 10 s), fail, ...
      scripts: { [A]: (url, call, s) => (++n === 3 ? after(0, reply(10)) : failAfter(0))(url, call, s) },
      until: 15_500,
    });
    expect(calls.map((c) => c.at)).to.deep.equal([0, 1000, 3000, 13_000, 14_000, 15_500]);
  });
});
