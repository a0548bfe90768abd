/** `rxtorrent tracker` from dist as a child process, and polling its `/stats`. */
import { CLI } from '../../cli/run.js';
import { startProcess } from '../../helpers/proc.js';
import type { ProcessHandle } from '../../helpers/proc.js';
import type { TrackerStats } from '../../../src/tracker/server/stats.js';

/** A running `rxtorrent tracker`. */
export interface CliTracker {
  /** Its announce URL, as it printed it. */
  readonly url: string;
  readonly process: ProcessHandle;
}

/** Starts `rxtorrent tracker --port 0` (the built CLI) and waits for the URL it prints. */
export async function startCliTracker(o: { interval: number; timeoutSec?: number }): Promise<CliTracker> {
  const process = startProcess(globalThis.process.execPath, [CLI, 'tracker', '--port', '0', '--interval', String(o.interval)], {
    timeoutSec: o.timeoutSec ?? 90, name: 'rxtorrent-tracker',
  });
  const [, url] = await process.waitForLine(/^listening on (http:\/\/\S+\/announce)$/, 15_000);
  return { url: url!, process };
}

/** Polls the tracker's `/stats` until `ready` holds (readiness by state, never a fixed sleep). */
export async function waitForStats(announceUrl: string, ready: (stats: TrackerStats) => boolean, timeoutMs: number): Promise<TrackerStats> {
  const url = announceUrl.replace(/\/announce$/, '/stats');
  const deadline = Date.now() + timeoutMs;
  let last: TrackerStats | undefined;
  while (Date.now() < deadline) {
    last = (await (await fetch(url)).json()) as TrackerStats;
    if (ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`tracker stats never got ready; last: ${JSON.stringify(last)}`);
}
