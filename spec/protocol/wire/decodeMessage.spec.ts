import { expect } from 'chai';
import fc from 'fast-check';
import { WireError } from '../../../src/errors.js';
import { decodeMessage, encodeMessage, isKnownMessageId } from '../../../src/protocol/wire/index.js';
import type { WireLimits, WireMessage } from '../../../src/protocol/wire/index.js';
import { rawFrame, u32, wireCode, wireMessageArb } from './wireFixtures.js';

/** The body of an encoded message (what FrameDecoder hands to decodeMessage). */
const bodyOf = (msg: WireMessage): Uint8Array => encodeMessage(msg).subarray(4);
const body = (id: number, payload: number[] = []): Uint8Array => rawFrame(id, payload).subarray(4);

describe('decodeMessage', () => {
  it('round-trips every message type (property)', () => {
    fc.assert(fc.property(wireMessageArb, (msg) => {
      expect(decodeMessage(bodyOf(msg))).to.deep.equal(msg);
    }), { numRuns: 500 });
  });

  it('returns zero-copy views for byte payloads', () => {
    const frame = bodyOf({ type: 'piece', index: 0, begin: 0, block: Uint8Array.of(1, 2, 3) });
    const msg = decodeMessage(frame);
    expect(msg.type === 'piece' && msg.block.buffer).to.equal(frame.buffer);
  });

  it('knows exactly the BEP 3, 5, 6, 10 and 52 ids', () => {
    const known = Array.from({ length: 256 }, (_, id) => id).filter(isKnownMessageId);
    expect(known).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 20, 21, 22, 23]);
  });

  describe('refuses hostile bodies with a stable code', () => {
    const geometry: WireLimits = { pieceCount: 20, pieceLength: (i) => (i === 19 ? 1000 : 32768) };
    const table: [string, Uint8Array, WireLimits, string][] = [
      ['choke with a payload', body(0, [0]), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['have of 3 bytes', body(4, [0, 0, 1]), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['have of 5 bytes', body(4, [0, 0, 0, 1, 0]), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['request of 16 bytes', body(6, new Array(16).fill(0)), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['port of 1 byte', body(9, [1]), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['have-all with a payload', body(0x0e, [1]), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['piece without begin', body(7, [0, 0, 0, 0]), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['extended without an id', body(20), {}, 'ERR_WIRE_BAD_LENGTH'],
      ['have index out of range', body(4, u32(20)), geometry, 'ERR_WIRE_INDEX_OUT_OF_RANGE'],
      ['suggest index out of range', body(0x0d, u32(0xffffffff)), geometry, 'ERR_WIRE_INDEX_OUT_OF_RANGE'],
      ['allowed-fast index out of range', body(0x11, u32(20)), geometry, 'ERR_WIRE_INDEX_OUT_OF_RANGE'],
      ['request index out of range', body(6, [...u32(20), ...u32(0), ...u32(1)]), geometry, 'ERR_WIRE_INDEX_OUT_OF_RANGE'],
      ['request length 0', body(6, [...u32(0), ...u32(0), ...u32(0)]), {}, 'ERR_WIRE_BAD_REQUEST'],
      ['request length 16 KiB + 1', body(6, [...u32(0), ...u32(0), ...u32(16385)]), {}, 'ERR_WIRE_BAD_REQUEST'],
      ['request over a raised cap', body(6, [...u32(0), ...u32(0), ...u32(65537)]), { maxRequestLength: 65536 }, 'ERR_WIRE_BAD_REQUEST'],
      ['request past the piece end', body(6, [...u32(19), ...u32(1), ...u32(1000)]), geometry, 'ERR_WIRE_BAD_REQUEST'],
      ['cancel length 0', body(8, [...u32(0), ...u32(0), ...u32(0)]), {}, 'ERR_WIRE_BAD_REQUEST'],
      ['reject-request over the cap', body(0x10, [...u32(0), ...u32(0), ...u32(1 << 20)]), {}, 'ERR_WIRE_BAD_REQUEST'],
      ['piece index out of range', body(7, [...u32(20), ...u32(0), 1]), geometry, 'ERR_WIRE_INDEX_OUT_OF_RANGE'],
      ['piece with an empty block', body(7, [...u32(0), ...u32(0)]), {}, 'ERR_WIRE_BAD_BLOCK'],
      ['piece block past the piece end', body(7, [...u32(19), ...u32(999), 1, 2]), geometry, 'ERR_WIRE_BAD_BLOCK'],
      ['piece block over the cap', body(7, [...u32(0), ...u32(0), ...new Array(16385).fill(0)]), {}, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['bitfield of the wrong size', body(5, [0xff, 0xff]), geometry, 'ERR_WIRE_BITFIELD_LENGTH'],
      ['bitfield with spare bits set', body(5, [0xff, 0xff, 0xf8]), geometry, 'ERR_WIRE_BITFIELD_SPARE_BITS'],
      ['bitfield over the loose cap', body(5, [1, 2, 3]), { maxBitfieldLength: 2 }, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['extended over 64 KiB', body(20, new Array(65536).fill(0)), {}, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['unknown id 0x0a', body(0x0a), {}, 'ERR_WIRE_UNKNOWN_MESSAGE'],
      ['unknown id 0xff', body(0xff, [1, 2, 3]), {}, 'ERR_WIRE_UNKNOWN_MESSAGE'],
    ];
    for (const [name, bytes, limits, code] of table) {
      it(`${name} → ${code}`, () => expect(wireCode(() => decodeMessage(bytes, limits))).to.equal(code));
    }
  });

  it('accepts the edges of every range', () => {
    const geometry: WireLimits = { pieceCount: 20, pieceLength: (i) => (i === 19 ? 1000 : 32768) };
    expect(decodeMessage(body(4, u32(19)), geometry)).to.deep.equal({ type: 'have', index: 19 });
    expect(decodeMessage(body(6, [...u32(19), ...u32(0), ...u32(1000)]), geometry)).to.deep.include({ length: 1000 });
    expect(decodeMessage(body(5, [0xff, 0xff, 0xf0]), geometry)).to.have.property('type', 'bitfield');
    expect(decodeMessage(body(20, new Array(65535).fill(0)))).to.have.property('type', 'extended');
  });

  it('throws nothing but WireError on random bodies (property)', () => {
    const limitsArb = fc.record({
      pieceCount: fc.option(fc.integer({ min: 0, max: 64 }), { nil: undefined }),
      pieceLength: fc.option(fc.integer({ min: 1, max: 40000 }).map((n) => () => n), { nil: undefined }),
    });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), limitsArb, (bytes, limits) => {
      try {
        decodeMessage(bytes, limits);
      } catch (err) {
        expect(err).to.be.instanceOf(WireError);
      }
    }), { numRuns: 2000 });
  });
});
