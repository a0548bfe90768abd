/**
 * The demo's shared file: deterministic pseudo-random bytes (xorshift32), written a MiB at a
 * time, so a single flipped bit in any copy shows in its SHA-1.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Writes `size` bytes and returns their SHA-1 (hex).
 *
 * @example
 * ```ts
 * const sha1 = await writeDemoPayload('/tmp/demo/payload.bin', 64 * 1024 * 1024);
 * ```
 */
export async function writeDemoPayload(path: string, size: number, seed = 0x9e3779b9): Promise<string> {
  const words = new Uint32Array(256 * 1024);
  const hash = createHash('sha1');
  const handle = await open(path, 'w');
  let x = seed >>> 0 || 1;
  try {
    for (let written = 0; written < size; ) {
      for (let i = 0; i < words.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        words[i] = x >>> 0;
      }
      const bytes = new Uint8Array(words.buffer, 0, Math.min(words.byteLength, size - written));
      hash.update(bytes);
      await handle.write(bytes);
      written += bytes.length;
    }
    // Flushed now, so background writeback does not compete with the swarm (or a benchmark).
    await handle.sync();
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/**
 * SHA-1 (hex) of a file, read a MiB at a time.
 *
 * @example
 * ```ts
 * declare const copy: string, expected: string;
 * (await sha1OfFile(copy)) === expected;
 * ```
 */
export async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
