/**
 * Deterministic pseudo-random payload files for benchmarks: the demo's generator (xorshift32, a
 * MiB at a time, flushed), taken from the build so there is one copy of it.
 */
import { writeDemoPayload } from '../../dist/cli/demo/demoPayload.js';

/** Writes `size` bytes of seeded pseudo-random data to `path` (and flushes them). */
export async function writePayload(path: string, size: number, seed = 1): Promise<void> {
  await writeDemoPayload(path, size, seed);
}
