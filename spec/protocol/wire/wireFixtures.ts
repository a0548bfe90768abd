/** Shared helpers for the wire specs: raw frame builders, error-code capture, arbitraries. */

import { expect } from 'chai';
import fc from 'fast-check';
import { WireError } from '../../../src/errors.js';
import type { WireMessage } from '../../../src/protocol/wire/index.js';

/** Bytes of an ASCII string. */
export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Big-endian 32-bit bytes. */
export function u32(value: number): number[] {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/** A raw frame: 4-byte length prefix (defaults to the true length) + id + payload. */
export function rawFrame(id: number, payload: ArrayLike<number> = [], length = 1 + payload.length): Uint8Array {
  return Uint8Array.from([...u32(length), id, ...Array.from(payload)]);
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Runs `fn` and returns the code of the `WireError` it throws (failing on any other outcome). */
export function wireCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err, String(err)).to.be.instanceOf(WireError);
    return (err as WireError).code;
  }
  expect.fail('expected a WireError');
}

const u32Arb = fc.integer({ min: 0, max: 0xffffffff });
const bytesArb = (maxLength: number, minLength = 0): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ minLength, maxLength });

/**
 * Any message that decodes under the default caps with no geometry: blocks 1..16 KiB (mostly
 * small), request lengths 1..16 KiB, extended payloads small.
 */
export const wireMessageArb: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.constantFrom<WireMessage>(
    { type: 'keep-alive' }, { type: 'choke' }, { type: 'unchoke' }, { type: 'interested' },
    { type: 'not-interested' }, { type: 'have-all' }, { type: 'have-none' },
  ),
  u32Arb.map((index): WireMessage => ({ type: 'have', index })),
  u32Arb.map((index): WireMessage => ({ type: 'suggest', index })),
  u32Arb.map((index): WireMessage => ({ type: 'allowed-fast', index })),
  bytesArb(64).map((bytes): WireMessage => ({ type: 'bitfield', bytes })),
  fc.record({ index: u32Arb, begin: u32Arb, length: fc.integer({ min: 1, max: 16384 }) }).chain((r) =>
    fc.constantFrom<WireMessage>({ type: 'request', ...r }, { type: 'cancel', ...r }, { type: 'reject-request', ...r })),
  fc.record({
    index: u32Arb,
    begin: u32Arb,
    block: fc.oneof({ weight: 9, arbitrary: bytesArb(64, 1) }, { weight: 1, arbitrary: bytesArb(16384, 16384) }),
  }).map((r): WireMessage => ({ type: 'piece', ...r })),
  fc.integer({ min: 0, max: 0xffff }).map((port): WireMessage => ({ type: 'port', port })),
  fc.record({ id: fc.integer({ min: 0, max: 255 }), payload: bytesArb(128) })
    .map((r): WireMessage => ({ type: 'extended', ...r })),
  fc.record({ piecesRoot: bytesArb(32, 32), baseLayer: u32Arb, index: u32Arb, length: u32Arb, proofLayers: u32Arb })
    .chain((r) => fc.constantFrom<WireMessage>({ type: 'hash-request', ...r }, { type: 'hash-reject', ...r })),
  // BEP 52 `hashes`: 2^k base hashes and proofLayers - k + 1 uncles.
  fc.record({ piecesRoot: bytesArb(32, 32), baseLayer: fc.nat(20), index: u32Arb, k: fc.nat(3), proofLayers: fc.nat(6) })
    .chain(({ k, ...r }) => {
      const count = 2 ** k + Math.max(0, r.proofLayers - k + 1);
      return bytesArb(32 * count, 32 * count).map((hashes): WireMessage => ({ type: 'hashes', ...r, length: 2 ** k, hashes }));
    }),
);

/** Random cut points splitting `length` bytes into chunks. */
export function splitsArb(length: number): fc.Arbitrary<number[]> {
  return fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 40 })
    .map((cuts) => cuts.filter((c) => c < length).sort((a, b) => a - b));
}

/** Splits `bytes` at the given sorted cut points. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  return chunks;
}
