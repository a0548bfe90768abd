/**
 * Deterministic pseudo-random payload files for benchmarks: the demo's generator (xorshift32, a
 * MiB at a time, flushed), taken from the build so there is one copy of it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { loadavg } from 'node:os';
import { writeDemoPayload } from '../../dist/cli/demo/demoPayload.js';

/** Writes `size` bytes of seeded pseudo-random data to `path` (and flushes them). */
export async function writePayload(path: string, size: number, seed = 1): Promise<void> {
  await writeDemoPayload(path, size, seed);
}

/** The SHA-1 of a file, hex (to compare a downloaded copy with its payload). */
export async function sha1File(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The load averages, two decimals each. */
export const loadAverages = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
