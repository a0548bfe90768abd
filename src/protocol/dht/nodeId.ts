/**
 * Kademlia node ids and info-hashes: 160-bit strings compared by XOR distance (BEP 5).
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html
 * @module
 */
import { DhtError } from '../../errors.js';
import { toHex } from '../bytes.js';

/** Bytes in a node id or an info-hash. */
export const NODE_ID_LENGTH = 20;
/** Bits in a node id: the most buckets a routing table can have. */
export const NODE_ID_BITS = NODE_ID_LENGTH * 8;

/** A 20-byte node id or info-hash. */
export type NodeId = Uint8Array;

/**
 * A node id drawn from `random` (uniform bytes).
 *
 * @param random - numbers in [0, 1), injected so specs are reproducible
 * @example
 * ```ts
 * const id = randomNodeId(Math.random);
 * ```
 */
export function randomNodeId(random: () => number): NodeId {
  return Uint8Array.from({ length: NODE_ID_LENGTH }, () => Math.floor(random() * 256) & 0xff);
}

/**
 * Checks that `id` is a 20-byte id.
 *
 * @throws {@link DhtError} `ERR_DHT_INVALID_ARGUMENT`
 * @example
 * ```ts
 * assertNodeId(new Uint8Array(20), 'infoHash');
 * ```
 */
export function assertNodeId(id: Uint8Array, what: string): void {
  if (!(id instanceof Uint8Array) || id.length !== NODE_ID_LENGTH) {
    throw new DhtError('ERR_DHT_INVALID_ARGUMENT', `${what} must be ${NODE_ID_LENGTH} bytes`);
  }
}

/**
 * Orders `a` and `b` by their XOR distance to `target`: negative when `a` is closer.
 *
 * @example
 * ```ts
 * declare const nodes: NodeInfo[], target: Uint8Array;
 * nodes.sort((a, b) => compareDistance(target, a.id, b.id));
 * ```
 */
export function compareDistance(target: NodeId, a: NodeId, b: NodeId): number {
  for (let i = 0; i < NODE_ID_LENGTH; i++) {
    const da = a[i]! ^ target[i]!;
    const db = b[i]! ^ target[i]!;
    if (da !== db) return da - db;
  }
  return 0;
}

/**
 * How many leading bits `a` and `b` share (160 when equal): the bucket an id falls in.
 *
 * @example
 * ```ts
 * declare const ownId: Uint8Array, otherId: Uint8Array;
 * commonPrefixBits(ownId, otherId); // 0..160
 * ```
 */
export function commonPrefixBits(a: NodeId, b: NodeId): number {
  for (let i = 0; i < NODE_ID_LENGTH; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return NODE_ID_BITS;
}

/**
 * A random id sharing exactly `bits` leading bits with `base` (then differing in the next one):
 * the target of a bucket refresh.
 *
 * @param bits - 0..159
 * @example
 * ```ts
 * declare const ownId: Uint8Array;
 * const target = randomIdWithPrefix(ownId, 3, Math.random);
 * ```
 */
export function randomIdWithPrefix(base: NodeId, bits: number, random: () => number): NodeId {
  const id = randomNodeId(random);
  const whole = bits >> 3;
  id.set(base.subarray(0, whole));
  if (whole < NODE_ID_LENGTH) {
    const rest = bits & 7;
    const keep = rest === 0 ? 0 : (0xff << (8 - rest)) & 0xff;
    const flip = 0x80 >> rest;
    const byte = (base[whole]! & keep) | (id[whole]! & ~keep & 0xff);
    id[whole] = (byte & ~flip) | (~base[whole]! & flip);
  }
  return id;
}

/**
 * Lowercase hex of an id, for map keys and logs.
 *
 * @example
 * ```ts
 * idToHex(new Uint8Array(20)); // '0000000000000000000000000000000000000000'
 * ```
 */
export function idToHex(id: NodeId): string {
  return toHex(id);
}
