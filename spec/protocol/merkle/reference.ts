/**
 * A naive reference Merkle tree for the specs: every layer of the padded tree materialised, built
 * straight from BEP 52's words (leaves = SHA-256 of 16 KiB blocks, zero leaves to a power of two,
 * parents = SHA-256(left ‖ right)). Slow and obvious, unlike the code under test.
 */
import { createHash } from 'node:crypto';

const BLOCK = 16384;

export function sha(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** All layers, leaves first, root last; each an array of 32-byte hashes. */
export function fullTree(data: Uint8Array): Uint8Array[][] {
  const blocks = Math.ceil(data.length / BLOCK);
  let width = 1;
  while (width < blocks) width *= 2;
  const leaves: Uint8Array[] = [];
  for (let i = 0; i < width; i++) {
    leaves.push(i < blocks ? sha(data.subarray(i * BLOCK, (i + 1) * BLOCK)) : new Uint8Array(32));
  }
  const layers = [leaves];
  while (layers.at(-1)!.length > 1) {
    const below = layers.at(-1)!;
    const up: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2) up.push(sha(below[i]!, below[i + 1]!));
    layers.push(up);
  }
  return layers;
}

/** Concatenation of hashes. */
export function concat(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * 32);
  hashes.forEach((h, i) => out.set(h, i * 32));
  return out;
}

/** Deterministic pseudo-random bytes. */
export function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
