/**
 * Deterministic pseudo-random payloads: the same `(size, seed)` always gives the same bytes,
 * so any bit flip in a transfer is detectable by SHA-1. Large files are streamed in 1 MiB chunks.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const CHUNK_BYTES = 1 << 20;

/** A seed: a number, or a string (hashed with FNV-1a), e.g. a file name. */
export type Seed = number | string;

function seedWord(seed: Seed): number {
  if (typeof seed === 'number') return seed >>> 0;
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(seed)) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

/** xorshift128 seeded through splitmix32; fills whole 32-bit words, little-endian on disk. */
class Xorshift128 {
  private readonly s = new Uint32Array(4);

  constructor(seed: Seed) {
    let x = seedWord(seed);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  fill(words: Uint32Array): void {
    const s = this.s;
    let a = s[0]!, b = s[1]!, c = s[2]!, d = s[3]!;
    for (let i = 0; i < words.length; i++) {
      let t = a ^ (a << 11);
      a = b;
      b = c;
      c = d;
      d = d ^ (d >>> 19) ^ t ^ (t >>> 8);
      words[i] = d;
    }
    s[0] = a; s[1] = b; s[2] = c; s[3] = d;
  }
}

/**
 * The first `size` bytes of the stream for `seed`, in memory (for small payloads; identical to
 * what {@link writePayload} writes).
 *
 * @param size - number of bytes
 * @param seed - PRNG seed
 * @returns a fresh `Uint8Array`
 */
export function payloadBytes(size: number, seed: Seed): Uint8Array {
  const words = new Uint32Array(Math.ceil(size / 4));
  new Xorshift128(seed).fill(words);
  return new Uint8Array(words.buffer, 0, size);
}

/**
 * Writes `size` deterministic bytes to `path` (parent directories are created), 1 MiB at a time.
 *
 * @param path - file to create or truncate
 * @param size - number of bytes
 * @param seed - PRNG seed
 */
export async function writePayload(path: string, size: number, seed: Seed): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const rng = new Xorshift128(seed);
  const words = new Uint32Array(CHUNK_BYTES / 4);
  const bytes = new Uint8Array(words.buffer);
  const fh = await open(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      rng.fill(words);
      const n = Math.min(CHUNK_BYTES, size - written);
      for (let off = 0; off < n; ) off += (await fh.write(bytes, off, n - off, written + off)).bytesWritten;
      written += n;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Streaming SHA-1 of a file.
 *
 * @param path - the file
 * @returns lowercase hex digest
 */
export async function sha1File(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

/**
 * Whether two files have the same bytes (size first, then 1 MiB chunks compared).
 *
 * @param a - first file
 * @param b - second file
 * @returns true when identical
 */
export async function filesIdentical(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a), stat(b)]);
  if (sa.size !== sb.size) return false;
  const [fa, fb] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const ba = Buffer.alloc(CHUNK_BYTES);
    const bb = Buffer.alloc(CHUNK_BYTES);
    for (let pos = 0; pos < sa.size; pos += CHUNK_BYTES) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, CHUNK_BYTES, pos), fb.read(bb, 0, CHUNK_BYTES, pos)]);
      if (ra.bytesRead !== rb.bytesRead) return false;
      if (!ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead))) return false;
    }
    return true;
  } finally {
    await Promise.all([fa.close(), fb.close()]);
  }
}

/**
 * Flips (XOR 0xff) the byte at each offset of an existing file, e.g. to make a corrupting seeder.
 *
 * @param path - the file
 * @param offsets - byte offsets inside the file
 */
export async function corruptBytes(path: string, offsets: readonly number[]): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const one = Buffer.alloc(1);
    for (const offset of offsets) {
      await fh.read(one, 0, 1, offset);
      one[0] = one[0]! ^ 0xff;
      await fh.write(one, 0, 1, offset);
    }
  } finally {
    await fh.close();
  }
}

/** Relative POSIX path → size in bytes, e.g. `{ 'a/b.bin': 1000, 'empty.txt': 0 }`. */
export type TreeSpec = Readonly<Record<string, number>>;

/**
 * Writes a directory tree: each file's content is `writePayload(…, size, `${seed}:${path}`)`,
 * so different files differ and the same spec always gives the same bytes.
 *
 * @param dir - root directory (created if missing)
 * @param spec - files and sizes
 * @param seed - base seed
 * @returns the absolute paths written, in the spec's order
 */
export async function makeTree(dir: string, spec: TreeSpec, seed: Seed = 1): Promise<string[]> {
  const paths: string[] = [];
  for (const [rel, size] of Object.entries(spec)) {
    const path = join(dir, ...rel.split('/'));
    await writePayload(path, size, `${seed}:${rel}`);
    paths.push(path);
  }
  return paths;
}
