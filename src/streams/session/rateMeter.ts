/**
 * A byte-rate meter over a sliding window of samples: a rate that moves smoothly, for displays
 * and for the ETA.
 *
 * @module
 */

/** Default window of {@link RateMeter}. */
export const RATE_WINDOW_MS = 5000;

/**
 * Feeds running totals in, reads bytes/s out.
 *
 * @example
 * ```ts
 * declare const conn: { downloadedBytes: number };
 * const meter = new RateMeter();
 * meter.sample(now, conn.downloadedBytes);
 * meter.rate; // bytes/s over the last 5 s
 * ```
 */
export class RateMeter {
  private readonly samples: { at: number; total: number }[] = [];

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  /** Records the running total `total` at time `at` (ms). */
  sample(at: number, total: number): void {
    this.samples.push({ at, total });
    while (this.samples.length > 2 && at - (this.samples[1] as { at: number }).at >= this.windowMs) this.samples.shift();
  }

  /** Bytes per second across the window (0 until two samples exist). */
  get rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (first === undefined || last === undefined || last.at <= first.at) return 0;
    return ((last.total - first.total) * 1000) / (last.at - first.at);
  }
}
