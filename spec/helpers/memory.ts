/**
 * Peak memory of a child process, read from /proc while it runs: VmHWM (peak resident set) and
 * the largest RssAnon (private memory, which excludes the page cache of mapped files) seen.
 */
import { readFile } from 'node:fs/promises';

/** Peaks observed for one process, in KiB. */
export interface MemoryPeaks {
  peakRssKiB: number;
  peakRssAnonKiB: number;
}

/**
 * Polls `/proc/<pid>/status` every `intervalMs` until `until` settles.
 *
 * @param pid - the process to watch (the node process itself, not a wrapper)
 * @param until - settles when the process is done
 * @returns the peaks seen
 */
export async function watchMemory(pid: number, until: Promise<unknown>, intervalMs = 20): Promise<MemoryPeaks> {
  const peaks: MemoryPeaks = { peakRssKiB: 0, peakRssAnonKiB: 0 };
  let done = false;
  void until.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const anon = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
    peaks.peakRssKiB = Math.max(peaks.peakRssKiB, hwm);
    peaks.peakRssAnonKiB = Math.max(peaks.peakRssAnonKiB, anon);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return peaks;
}
