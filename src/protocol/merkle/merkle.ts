/**
 * SHA-256 Merkle trees as BEP 52 builds them: 16 KiB leaves, a branching factor of 2, leaves
 * beyond the end of the file set to 32 zero bytes, and padding nodes above them the hashes of
 * zero subtrees. Hashes are 32-byte `Uint8Array`s; a layer is their concatenation.
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html (`pieces root`, `piece layers`)
 * @module
 */
import { createHash } from 'node:crypto';

/** Bytes per leaf: every v2 tree hashes its file in 16 KiB blocks. */
export const LEAF_LENGTH = 16 * 1024;
/** Bytes per SHA-256 hash. */
export const HASH_LENGTH = 32;
/** Tallest tree handled: 2^48 leaves is 4 EiB, beyond any safe-integer file length. */
export const MAX_TREE_HEIGHT = 48;

/**
 * SHA-256 of `data`.
 *
 * @example
 * ```ts
 * declare const block: Uint8Array;
 * const leaf = sha256(block);
 * ```
 */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/**
 * The parent of two sibling nodes: SHA-256 of left ‖ right.
 *
 * @example
 * ```ts
 * declare const left: Uint8Array, right: Uint8Array;
 * const parent = hashPair(left, right);
 * ```
 */
export function hashPair(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(left).update(right).digest());
}

const PAD_HASHES: Uint8Array[] = [new Uint8Array(HASH_LENGTH)];

/**
 * The padding node at `height` above the leaves: the root of a subtree of 2^height zero leaves
 * (height 0 is 32 zero bytes). Cached, so repeated calls cost nothing.
 *
 * @param height - 0 ≤ height ≤ {@link MAX_TREE_HEIGHT}
 * @returns the 32-byte pad hash (shared: do not modify)
 * @example
 * ```ts
 * declare const pieceLength: number;
 * padHash(log2(pieceLength / LEAF_LENGTH)); // a piece-layer hash past the end of a file
 * ```
 */
export function padHash(height: number): Uint8Array {
  if (!Number.isInteger(height) || height < 0 || height > MAX_TREE_HEIGHT) {
    throw new RangeError(`pad height ${height} outside 0..${MAX_TREE_HEIGHT}`);
  }
  while (PAD_HASHES.length <= height) {
    const below = PAD_HASHES[PAD_HASHES.length - 1]!;
    PAD_HASHES.push(hashPair(below, below));
  }
  return PAD_HASHES[height]!;
}

/**
 * The smallest power of two ≥ `n` (1 for n ≤ 1).
 *
 * @example
 * ```ts
 * nextPowerOfTwo(5); // 8
 * ```
 */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * log2 of a power of two.
 *
 * @example
 * ```ts
 * log2(16); // 4
 * ```
 */
export function log2(powerOfTwo: number): number {
  let h = 0;
  while (2 ** h < powerOfTwo) h++;
  return h;
}

/**
 * True for 1, 2, 4, 8, …
 *
 * @example
 * ```ts
 * isPowerOfTwo(48); // false
 * ```
 */
export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** log2(n) === n;
}

/**
 * The root over `layer` (concatenated hashes at `height` above the leaves) once padded with pad
 * hashes to `width` nodes, a power of two. Work: one hash per real pair per level, plus one per
 * level for the boundary: O(nodes + log width).
 *
 * @param layer - n × 32 bytes, n ≤ width
 * @param width - the padded width of the layer (a power of two ≥ 1)
 * @param height - the layer's height above the leaves (chooses the pad hash)
 * @returns the 32-byte root
 * @example
 * ```ts
 * declare const pieceLayer: Uint8Array, pieces: number, blocksPerPiece: number;
 * const root = rootOfLayer(pieceLayer, nextPowerOfTwo(pieces), log2(blocksPerPiece));
 * ```
 */
export function rootOfLayer(layer: Uint8Array, width: number, height: number): Uint8Array {
  return layersAbove(layer, width, height).at(-1)!;
}

/**
 * Every layer from `layer` (at `height`, padded to `width`) up to the root, each holding only its
 * real nodes (those that cover some data) — the rest are pad hashes of their height. The first
 * element is `layer` itself; the last is the 32-byte root.
 *
 * @param layer - n × 32 bytes, 1 ≤ n ≤ width
 * @param width - padded width, a power of two
 * @param height - height of `layer` above the leaves
 * @returns the layers, bottom to top
 * @example
 * ```ts
 * declare const pieceLayer: Uint8Array, pieces: number, pieceHeight: number;
 * const layers = layersAbove(pieceLayer, nextPowerOfTwo(pieces), pieceHeight);
 * ```
 */
export function layersAbove(layer: Uint8Array, width: number, height: number): Uint8Array[] {
  const n = layer.length / HASH_LENGTH;
  if (!Number.isInteger(n) || n < 1 || n > width || !isPowerOfTwo(width)) {
    throw new RangeError(`a layer of ${layer.length} bytes cannot be padded to ${width} nodes`);
  }
  const out = [layer];
  let current = layer;
  for (let w = width, h = height; w > 1; w /= 2, h++) {
    const count = current.length / HASH_LENGTH;
    const next = new Uint8Array(Math.ceil(count / 2) * HASH_LENGTH);
    for (let i = 0; i < count; i += 2) {
      const left = current.subarray(i * HASH_LENGTH, (i + 1) * HASH_LENGTH);
      const right = i + 1 < count ? current.subarray((i + 1) * HASH_LENGTH, (i + 2) * HASH_LENGTH) : padHash(h);
      next.set(hashPair(left, right), (i / 2) * HASH_LENGTH);
    }
    out.push(next);
    current = next;
  }
  return out;
}

/**
 * The leaf hashes of `data` (SHA-256 of each 16 KiB block, the last one possibly shorter),
 * padded with zero leaves to `width` leaves.
 *
 * @param data - consecutive bytes of one file starting at a block boundary
 * @param width - leaves wanted, ≥ ⌈data.length / 16 KiB⌉
 * @returns width × 32 bytes
 * @example
 * ```ts
 * declare const piece: Uint8Array, blocksPerPiece: number;
 * const leaves = blockHashes(piece, blocksPerPiece);
 * ```
 */
export function blockHashes(data: Uint8Array, width = Math.ceil(data.length / LEAF_LENGTH)): Uint8Array {
  const blocks = Math.ceil(data.length / LEAF_LENGTH);
  if (width < blocks) throw new RangeError(`${blocks} blocks do not fit ${width} leaves`);
  const out = new Uint8Array(width * HASH_LENGTH);
  for (let i = 0; i < blocks; i++) {
    out.set(sha256(data.subarray(i * LEAF_LENGTH, (i + 1) * LEAF_LENGTH)), i * HASH_LENGTH);
  }
  return out;
}

/**
 * The i-th 32-byte hash of a concatenated layer (a view).
 *
 * @example
 * ```ts
 * declare const pieceLayer: Uint8Array;
 * const h = hashAt(pieceLayer, 3);
 * ```
 */
export function hashAt(layer: Uint8Array, index: number): Uint8Array {
  return layer.subarray(index * HASH_LENGTH, (index + 1) * HASH_LENGTH);
}
