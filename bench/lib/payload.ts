/** Deterministic pseudo-random payload files for benchmarks (xorshift32, 1 MiB at a time). */
import { open } from 'node:fs/promises';

/** Writes `size` bytes of seeded pseudo-random data to `path`. */
export async function writePayload(path: string, size: number, seed = 1): Promise<void> {
  const chunk = new Uint32Array(256 * 1024);
  const handle = await open(path, 'w');
  let x = seed >>> 0 || 1;
  try {
    for (let written = 0; written < size; ) {
      for (let i = 0; i < chunk.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        chunk[i] = x >>> 0;
      }
      const bytes = new Uint8Array(chunk.buffer, 0, Math.min(chunk.byteLength, size - written));
      await handle.write(bytes);
      written += bytes.length;
    }
    // Flush now: background writeback of dirty pages would otherwise steal CPU from the measurements.
    await handle.sync();
  } finally {
    await handle.close();
  }
}
