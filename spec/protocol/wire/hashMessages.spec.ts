import { expect } from 'chai';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, MessageId, type WireLimits, type WireMessage } from '../../../src/protocol/wire/index.js';
import { rawFrame, u32, wireCode } from './wireFixtures.js';

const ROOT = Array.from({ length: 32 }, (_, i) => i + 1);
const header = (base: number, index: number, length: number, proof: number): number[] => [...ROOT, ...u32(base), ...u32(index), ...u32(length), ...u32(proof)];
const body = (id: number, payload: number[]): Uint8Array => rawFrame(id, payload).subarray(4);

describe('BEP 52 hash messages (21 hash request, 22 hashes, 23 hash reject)', () => {
  it('decodes the exact wire layout (root, base layer, index, length, proof layers, hashes)', () => {
    const hashes = Array.from({ length: 32 * 4 }, (_, i) => i & 0xff);
    const msg = decodeMessage(body(MessageId.hashes, [...header(2, 8, 2, 2), ...hashes]));
    expect(msg).to.deep.equal({
      type: 'hashes', piecesRoot: Uint8Array.from(ROOT), baseLayer: 2, index: 8, length: 2, proofLayers: 2, hashes: Uint8Array.from(hashes),
    });
    expect(decodeMessage(body(MessageId.hashRequest, header(0, 0, 4, 1)))).to.deep.include({ type: 'hash-request', length: 4, proofLayers: 1 });
    expect(decodeMessage(body(MessageId.hashReject, header(0, 0, 4, 1)))).to.deep.include({ type: 'hash-reject', index: 0 });
  });

  it('round-trips through encodeMessage (property)', () => {
    const u32Arb = fc.integer({ min: 0, max: 0xffffffff });
    const range = fc.record({ piecesRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }), baseLayer: u32Arb, index: u32Arb, length: u32Arb, proofLayers: u32Arb });
    const reply = fc.record({
      piecesRoot: fc.uint8Array({ minLength: 32, maxLength: 32 }), baseLayer: fc.nat(63), index: u32Arb, length: fc.integer({ min: 1, max: 512 }), proofLayers: fc.nat(63),
    }).chain((r) => {
      let span = 1;
      while (span < r.length) span *= 2;
      const count = r.length + Math.max(0, r.proofLayers - Math.log2(span) + 1);
      return fc.uint8Array({ minLength: count * 32, maxLength: count * 32 }).map((hashes): WireMessage => ({ type: 'hashes', ...r, hashes }));
    });
    const arb = fc.oneof(range.map((r): WireMessage => ({ type: 'hash-request', ...r })), range.map((r): WireMessage => ({ type: 'hash-reject', ...r })), reply);
    fc.assert(fc.property(arb, (msg) => void expect(decodeMessage(encodeMessage(msg).subarray(4))).to.deep.equal(msg)), { numRuns: 300 });
  });

  describe('refuses malformed bodies', () => {
    const table: [string, Uint8Array, WireLimits, string][] = [
      ['a hash request of 48 bytes', body(21, header(0, 0, 2, 0).slice(1)), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['a hash reject with a trailing byte', body(23, [...header(0, 0, 2, 0), 0]), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['hashes without its header', body(22, ROOT), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['hashes of length 0', body(22, header(0, 0, 0, 0)), {}, 'ERR_WIRE_BAD_HASHES'],
      ['hashes over maxHashes', body(22, [...header(0, 0, 513, 0), ...new Array(513 * 32).fill(0)]), {}, 'ERR_WIRE_BAD_HASHES'],
      ['hashes with absurd proof layers', body(22, [...header(0, 0, 2, 2 ** 32 - 1), ...new Array(64).fill(0)]), {}, 'ERR_WIRE_BAD_HASHES'],
      ['hashes with an absurd base layer', body(22, [...header(64, 0, 2, 0), ...new Array(64).fill(0)]), {}, 'ERR_WIRE_BAD_HASHES'],
      ['hashes one hash short', body(22, [...header(0, 0, 4, 3), ...new Array(32 * 5).fill(0)]), {}, 'ERR_WIRE_BAD_HASHES'],
      ['hashes one hash long', body(22, [...header(0, 0, 4, 0), ...new Array(32 * 5).fill(0)]), {}, 'ERR_WIRE_BAD_HASHES'],
      ['hashes not whole hashes', body(22, [...header(0, 0, 2, 0), ...new Array(65).fill(0)]), {}, 'ERR_WIRE_BAD_HASHES'],
    ];
    for (const [name, bytes, limits, code] of table) it(name, () => expect(wireCode(() => decodeMessage(bytes, limits))).to.equal(code));
    it('accepts maxHashes raised for a large piece\'s block hashes', () => {
      expect(decodeMessage(body(22, [...header(0, 0, 1024, 0), ...new Array(1024 * 32).fill(0)]), { maxHashes: 1024 }).type).to.equal('hashes');
    });
  });

  it('refuses to encode a root that is not 32 bytes, hashes not whole, or a field over u32', () => {
    const base = { piecesRoot: new Uint8Array(32), baseLayer: 0, index: 0, length: 2, proofLayers: 0 };
    expect(wireCode(() => encodeMessage({ type: 'hash-request', ...base, piecesRoot: new Uint8Array(31) }))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
    expect(wireCode(() => encodeMessage({ type: 'hashes', ...base, hashes: new Uint8Array(33) }))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
    expect(wireCode(() => encodeMessage({ type: 'hash-reject', ...base, index: 2 ** 32 }))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
  });
});
