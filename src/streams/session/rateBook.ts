/**
 * A session's transfer rates, sampled on the session clock: per peer (for the choker and the
 * views) and in total (for the tracker and the views). Sampling is the clock's job alone, so how
 * often states are emitted never changes what the choker or the tracker read.
 *
 * @module
 */
import type { PeerKey } from '../../protocol/scheduler/index.js';
import { RateMeter } from './rateMeter.js';
import type { SwarmLinks } from './swarmLinks.js';

/** Bytes/s one way and the other. */
export interface Rates {
  readonly downloadRate: number;
  readonly uploadRate: number;
}

/** One sample of the session's rates. */
export interface RateSample extends Rates {
  /** When it was taken (session clock, ms). */
  readonly at: number;
  /** Payload bytes received and sent so far, over all links past and present. */
  readonly downloaded: number;
  readonly uploaded: number;
  /** Each open link's rates. */
  readonly peers: ReadonlyMap<PeerKey, Rates>;
}

/** Interval of the session clock: short enough that a UI shows a rate half a second in. */
export const RATE_SAMPLE_MS = 500;

/** The sample of a session that has not moved a byte yet. */
export const NO_RATES: RateSample = Object.freeze({ at: 0, downloaded: 0, uploaded: 0, downloadRate: 0, uploadRate: 0, peers: new Map() });

/**
 * Meters for every link and the totals.
 *
 * @example
 * ```ts
 * declare const scheduler: import('rxjs').SchedulerLike, links: SwarmLinks, rates$: import('rxjs').Subject<Rates>;
 * const book = new RateBook(scheduler.now());
 * interval(RATE_SAMPLE_MS, scheduler).subscribe(() => rates$.next(book.sample(scheduler.now(), links)));
 * ```
 */
export class RateBook {
  private readonly meters = new Map<PeerKey, { down: RateMeter; up: RateMeter }>();
  private readonly down = new RateMeter();
  private readonly up = new RateMeter();

  /** @param start - when the session started: the totals are 0 then, so the first tick has a rate */
  constructor(start: number) {
    this.down.sample(start, 0);
    this.up.sample(start, 0);
  }

  /** Samples every meter at `now`; meters of links that closed are dropped. */
  sample(now: number, links: SwarmLinks): RateSample {
    const peers = new Map<PeerKey, Rates>();
    const seen = new Set<PeerKey>();
    for (const { peer } of links.all()) {
      let meter = this.meters.get(peer.key);
      if (meter === undefined) this.meters.set(peer.key, (meter = { down: new RateMeter(), up: new RateMeter() }));
      meter.down.sample(now, peer.connection.downloadedBytes);
      meter.up.sample(now, peer.connection.uploadedBytes);
      peers.set(peer.key, { downloadRate: meter.down.rate, uploadRate: meter.up.rate });
      seen.add(peer.key);
    }
    for (const key of this.meters.keys()) if (!seen.has(key)) this.meters.delete(key);
    const downloaded = links.downloaded;
    const uploaded = links.uploaded;
    this.down.sample(now, downloaded);
    this.up.sample(now, uploaded);
    return { at: now, downloaded, uploaded, downloadRate: this.down.rate, uploadRate: this.up.rate, peers };
  }
}
