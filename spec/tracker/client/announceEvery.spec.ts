import { expect } from 'chai';
import { Observable, of, take, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TrackerError } from '../../../src/errors.js';
import { announceEvery } from '../../../src/tracker/client/announceEvery.js';
import { selectPeers } from '../../../src/tracker/client/trackerEvents.js';
import type { TrackerEvent } from '../../../src/tracker/client/trackerEvents.js';
import { after, CONFIG, LEECHING, reply, runLoop, SEEDING, timeline } from './loopHarness.js';

const A = 'http://a.example/announce';
const MIN = 60_000;

describe('announceEvery: events, intervals, stopped (virtual time)', () => {
  it('announces started, then again at the tracker interval with the latest stats', () => {
    const later = { uploaded: 500, downloaded: 300, left: 700 };
    const { calls, events } = runLoop({
      tiers: [[A]], scripts: { [A]: after(10, reply(120)) }, stats: [[0, LEECHING], [1000, later]], until: 250_000,
    });
    expect(timeline(calls)).to.deep.equal([[0, A, 'started'], [120_010, A, 'none'], [240_020, A, 'none'], [250_000, A, 'stopped']]);
    expect(calls[0]!.params).to.include(LEECHING);
    expect(calls[1]!.params).to.include({ ...later, port: 6881, numwant: 50, compact: true });
    expect(calls[0]!.config).to.include({ localAddress: '127.0.0.9', timeoutMs: 30_000 });
    expect(events.slice(0, 2)).to.deep.equal([
      { at: 10, event: { type: 'peers', tracker: A, peers: [{ host: '10.0.0.1', port: 1001 }] } },
      { at: 10, event: {
        type: 'status', ok: true, tracker: A, event: 'started', nextAnnounceInMs: 120_000,
        interval: 120, minInterval: undefined, complete: 1, incomplete: 2, warning: undefined,
      } },
    ]);
  });

  it('waits for the first stats before announcing', () => {
    const { calls } = runLoop({ tiers: [[A]], stats: [[5000, LEECHING]], until: 6000 });
    expect(timeline(calls)).to.deep.equal([[5000, A, 'started'], [6000, A, 'stopped']]);
  });

  it('sends completed once when left reaches 0, no sooner than the min interval', () => {
    const { calls } = runLoop({
      tiers: [[A]],
      scripts: { [A]: after(0, reply(600, { minInterval: 60 })) },
      stats: [[0, LEECHING], [5000, SEEDING], [7000, SEEDING], [100_000, LEECHING], [101_000, SEEDING]],
      until: 700_000,
    });
    expect(timeline(calls)).to.deep.equal([[0, A, 'started'], [MIN, A, 'completed'], [MIN + 600_000, A, 'none'], [700_000, A, 'stopped']]);
    expect(calls[1]!.params).to.include({ left: 0, downloaded: 1000 });
  });

  it('a download that stops within the min interval after finishing still says completed, then stopped', () => {
    const { calls } = runLoop({
      tiers: [[A]], scripts: { [A]: after(0, reply(600, { minInterval: 60 })) }, stats: [[0, LEECHING], [5000, SEEDING]], until: 20_000,
    });
    expect(timeline(calls)).to.deep.equal([[0, A, 'started'], [20_000, A, 'completed'], [20_000, A, 'stopped']]);
  });

  it('sends completed after an announce that was in flight when left reached 0', () => {
    const { calls } = runLoop({
      tiers: [[A]], scripts: { [A]: after(2000, reply(600, { minInterval: 30 })) }, stats: [[0, LEECHING], [1000, SEEDING]], until: 40_000,
    });
    expect(timeline(calls).slice(0, 2)).to.deep.equal([[0, A, 'started'], [32_000, A, 'completed']]);
  });

  it('never sends completed for a torrent that starts complete', () => {
    const { calls } = runLoop({ tiers: [[A]], stats: [[0, SEEDING], [10, SEEDING]], until: 1_300_000 });
    expect(timeline(calls).map(([, , e]) => e)).to.deep.equal(['started', 'none', 'none', 'stopped']);
  });

  it('respects min interval and minIntervalMs over a shorter interval, and clamps a huge one', () => {
    const short = runLoop({ tiers: [[A]], scripts: { [A]: after(0, reply(10, { minInterval: 120 })) }, until: 250_000 });
    expect(timeline(short.calls).map(([at]) => at)).to.deep.equal([0, 120_000, 240_000, 250_000]);
    const floor = runLoop({ tiers: [[A]], scripts: { [A]: after(0, reply(5)) }, config: { minIntervalMs: 45_000 }, until: 100_000 });
    expect(timeline(floor.calls).map(([at]) => at)).to.deep.equal([0, 45_000, 90_000, 100_000]);
    const huge = runLoop({ tiers: [[A]], scripts: { [A]: after(0, reply(2 ** 40)) }, config: { maxIntervalMs: 3_600_000 }, until: 3_600_001 });
    expect(timeline(huge.calls).map(([at]) => at)).to.deep.equal([0, 3_600_000, 3_600_001]);
  });

  it('sends stopped on unsubscribe: numwant 0, unref, short timeout, same key', () => {
    const { calls } = runLoop({ tiers: [[A]], config: { stopTimeoutMs: 1500 }, until: 5000 });
    expect(timeline(calls)).to.deep.equal([[0, A, 'started'], [5000, A, 'stopped']]);
    expect(calls[1]!.params).to.include({ numwant: 0 });
    expect(calls[1]!.config).to.include({ unref: true, timeoutMs: 1500, localAddress: '127.0.0.9' });
    expect(calls[1]!.params.key).to.deep.equal(calls[0]!.params.key).and.have.length(8);
  });

  it('aborts an announce in flight on unsubscribe and still tells that tracker stopped', () => {
    let aborted = 0;
    const hanging = () => new Observable<never>(() => () => void aborted++);
    const { calls } = runLoop({ tiers: [[A]], scripts: { [A]: hanging }, until: 5000 });
    expect(timeline(calls)).to.deep.equal([[0, A, 'started'], [5000, A, 'stopped']]);
    expect(aborted).to.equal(1); // the started; the stopped is fire-and-forget (its own timeout ends it)
  });

  it('sends no stopped when nothing was announced', () => {
    const { calls } = runLoop({ tiers: [[A]], stats: [], until: 5000 });
    expect(calls).to.deep.equal([]);
  });

  it('reads numwant at each announce, sends the tracker id back, and leaves out our own address', () => {
    let numwant = 40;
    const self = { host: '127.0.0.9', port: 6881 };
    const answer = reply(100, { trackerId: Uint8Array.of(7), peers: [self, { host: '127.0.0.9', port: 6882 }] });
    const { calls, events } = runLoop({
      tiers: [[A]], scripts: { [A]: after(0, answer) },
      config: { numwant: () => numwant-- }, until: 150_000,
    });
    expect(calls.map((c) => c.params.numwant)).to.deep.equal([40, 39, 0]);
    expect(calls.map((c) => c.params.trackerId)).to.deep.equal([undefined, Uint8Array.of(7), Uint8Array.of(7)]);
    const peers = events.filter((e) => e.event.type === 'peers').map((e) => (e.event as { peers: unknown }).peers);
    expect(peers).to.deep.equal([[{ host: '127.0.0.9', port: 6882 }], [{ host: '127.0.0.9', port: 6882 }]]);
  });

  it('errors (after sending stopped) when stats$ errors or has a bad count', () => {
    const boom = new Error('stats failed');
    const errors: unknown[] = [];
    let stopped = 0;
    const fake = (_u: string, p: { event?: string }) => (p.event === 'stopped' && stopped++, of(reply(600)));
    announceEvery([[A]], throwError(() => boom), CONFIG, { announce: fake }).subscribe({ error: (e: unknown) => errors.push(e) });
    announceEvery([[A]], of(LEECHING, { ...LEECHING, left: -1 }), CONFIG, { announce: fake }).subscribe({ error: (e: unknown) => errors.push(e) });
    expect(errors[0]).to.equal(boom);
    expect(errors[1]).to.be.instanceOf(TrackerError).and.include({ code: 'ERR_TRACKER_BAD_PARAMETER' });
    expect(stopped).to.equal(1);
  });

  it('completes at once without trackers, and checks its config at call time', () => {
    let completed = false;
    announceEvery([[], []], of(LEECHING), CONFIG).subscribe({ complete: () => (completed = true) });
    expect(completed).to.equal(true);
    expect(() => announceEvery([[A]], of(LEECHING), { ...CONFIG, infoHash: new Uint8Array(19) })).to.throw(TrackerError, /infoHash/);
    expect(() => announceEvery([[A]], of(LEECHING), { ...CONFIG, port: 0 })).to.throw(TrackerError, /port/);
    expect(() => announceEvery([[A]], of(LEECHING), { ...CONFIG, maxBackoffMs: 10, minBackoffMs: 20 })).to.throw(TrackerError, /maxBackoffMs/);
  });

  it('stops cleanly when the consumer unsubscribes inside next(), leaving no timer behind', () => {
    let calls = 0;
    const fake = () => (calls++, of(reply(1)));
    const scheduler = new TestScheduler(() => undefined);
    const seen: TrackerEvent[] = [];
    announceEvery([[A]], of(LEECHING), { ...CONFIG, scheduler, minIntervalMs: 0 }, { announce: fake })
      .pipe(take(1))
      .subscribe((e) => seen.push(e));
    expect(seen.map((e) => e.type)).to.deep.equal(['peers']);
    expect(calls).to.equal(2); // started, then stopped
    expect(scheduler.actions).to.have.length(0);
  });

  it('selectPeers picks the addresses out of peers events', () => {
    const { events } = runLoop({ tiers: [[A]], scripts: { [A]: after(0, reply(600)) }, until: 10 });
    const picked: unknown[] = [];
    of(...events.map((e) => e.event)).pipe(selectPeers()).subscribe((p) => picked.push(p));
    expect(picked).to.deep.equal([{ host: '10.0.0.1', port: 1001 }]);
  });
});
