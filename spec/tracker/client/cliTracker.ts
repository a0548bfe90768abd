/** `rxtorrent tracker` from dist as a child process, and polling its `/stats`. */
import { CLI } from '../../cli/run.js';
import { startProcess } from '../../helpers/proc.js';
import type { ProcessHandle } from '../../helpers/proc.js';
import type { TrackerStats } from '../../../src/tracker/server/stats.js';

/** A running `rxtorrent tracker`. */
export interface CliTracker {
  /** Its HTTP announce URL, as it printed it. */
  readonly url: string;
  /** Its UDP announce URL, when started with `--udp`. */
  readonly udpUrl: string | undefined;
  /** The port number of both. */
  readonly port: number;
  readonly process: ProcessHandle;
}

/** Options of {@link startCliTracker}. */
export interface CliTrackerOptions {
  readonly interval: number;
  readonly timeoutSec?: number;
  /** @default 0 (a free one) */
  readonly port?: number;
  /** More arguments: `--udp`, `--redis URL`, `--workers N`. */
  readonly args?: readonly string[];
  readonly name?: string;
}

/** Starts `rxtorrent tracker --port 0` (the built CLI) and waits for the URLs it prints. */
export async function startCliTracker(o: CliTrackerOptions): Promise<CliTracker> {
  const args = [CLI, 'tracker', '--port', String(o.port ?? 0), '--interval', String(o.interval), ...(o.args ?? [])];
  const process = startProcess(globalThis.process.execPath, args, { timeoutSec: o.timeoutSec ?? 90, name: o.name ?? 'rxtorrent-tracker' });
  const [, url, port] = await process.waitForLine(/^listening on (http:\/\/\S+:(\d+)\/announce)$/, 20_000);
  const udpUrl = o.args?.includes('--udp') === true ? (await process.waitForLine(/^listening on (udp:\/\/\S+\/announce)$/, 5_000))[1] : undefined;
  return { url: url!, udpUrl, port: Number(port), process };
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
