/** Runs `announceEvery` in virtual time against a scripted fake announce function. */
import { expect } from 'chai';
import { Observable, throwError, timer, map, mergeMap, NEVER } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TrackerError } from '../../../src/errors.js';
import type { AnnounceEvent } from '../../../src/protocol/tracker/announceRequest.js';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import type { AnnounceResponse } from '../../../src/protocol/tracker/announceResponse.js';
import type { AnnounceConfig } from '../../../src/tracker/client/announce.js';
import { announceEvery } from '../../../src/tracker/client/announceEvery.js';
import type { AnnounceEveryConfig, TransferStats } from '../../../src/tracker/client/announceEveryConfig.js';
import type { TrackerEvent } from '../../../src/tracker/client/trackerEvents.js';
import { BINARY_INFO_HASH, peerIdOf } from '../../protocol/tracker/trackerQueries.js';

/** One call of the fake announce function. */
export interface Call {
  readonly url: string;
  readonly event: AnnounceEvent;
  /** Virtual ms when it was subscribed. */
  readonly at: number;
  readonly params: AnnounceParams;
  readonly config: AnnounceConfig | undefined;
}

/** What the fake tracker at `url` does with `call`, in virtual time. */
export type Script = (url: string, call: Call, scheduler: TestScheduler) => Observable<AnnounceResponse>;

/** A reply. */
export function reply(interval: number, extra: Partial<AnnounceResponse> = {}): AnnounceResponse {
  return {
    interval, minInterval: undefined, complete: 1, incomplete: 2, trackerId: undefined, warning: undefined, externalIp: undefined,
    peers: [{ host: '10.0.0.1', port: 1001 }], ...extra,
  };
}

/** Replies `response` after `delayMs`. */
export const after = (delayMs: number, response: AnnounceResponse) => (_u: string, _c: Call, s: TestScheduler): Observable<AnnounceResponse> =>
  timer(delayMs, s).pipe(map(() => response));

/** Fails with a timeout after `delayMs` (synchronously with 0). */
export const failAfter = (delayMs: number) => (url: string, _c: Call, s: TestScheduler): Observable<AnnounceResponse> => {
  const error = new TrackerError('ERR_TRACKER_TIMEOUT', `${url}: no reply`);
  return delayMs === 0 ? throwError(() => error) : timer(delayMs, s).pipe(mergeMap(() => throwError(() => error)));
};

/** Never answers. */
export const silent = (): Observable<AnnounceResponse> => NEVER;

/** Stats at a given virtual time, in ms. */
export type StatsTimeline = ReadonlyArray<readonly [number, TransferStats]>;

export const LEECHING: TransferStats = { uploaded: 0, downloaded: 0, left: 1000 };
export const SEEDING: TransferStats = { uploaded: 0, downloaded: 1000, left: 0 };

/** Options of {@link runLoop}. */
export interface LoopRun {
  readonly tiers: readonly (readonly string[])[];
  /** Per URL; a URL without a script answers at once with interval 600 s. */
  readonly scripts?: Readonly<Record<string, Script>>;
  readonly stats?: StatsTimeline;
  readonly config?: Partial<AnnounceEveryConfig>;
  /** Virtual ms at which the subscriber unsubscribes. */
  readonly until: number;
}

/** Timestamped events, the calls made, and an error if the stream errored. */
export interface LoopResult {
  readonly events: Array<{ at: number; event: TrackerEvent }>;
  readonly calls: Call[];
  error: unknown;
}

export const CONFIG: AnnounceEveryConfig = {
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(1), port: 6881, host: '127.0.0.9', random: () => 0,
};

/** Runs the loop from virtual time 0 to `until` and unsubscribes there. */
export function runLoop(o: LoopRun): LoopResult {
  const scheduler = new TestScheduler((a, b) => void expect(a).to.deep.equal(b));
  const result: LoopResult = { events: [], calls: [], error: undefined };
  scheduler.run(() => {
    const stats$ = new Observable<TransferStats>((subscriber) => {
      for (const [at, stats] of o.stats ?? [[0, LEECHING]]) scheduler.schedule(() => subscriber.next(stats), at);
    });
    const fake = (url: string, params: AnnounceParams, config?: AnnounceConfig): Observable<AnnounceResponse> =>
      new Observable<AnnounceResponse>((subscriber) => {
        const call: Call = { url, event: params.event ?? 'none', at: scheduler.now(), params, config };
        result.calls.push(call);
        const script = o.scripts?.[url] ?? after(0, reply(600));
        return script(url, call, scheduler).subscribe(subscriber);
      });
    const subscription = announceEvery(o.tiers, stats$, { ...CONFIG, scheduler, ...o.config }, { announce: fake }).subscribe({
      next: (event) => result.events.push({ at: scheduler.now(), event }),
      error: (err: unknown) => void (result.error = err),
    });
    scheduler.schedule(() => subscription.unsubscribe(), o.until);
  });
  return result;
}

/** `[at, url, event]` of every call, for compact expectations. */
export function timeline(calls: readonly Call[]): Array<[number, string, AnnounceEvent]> {
  return calls.map((c) => [c.at, c.url, c.event]);
}
