import { expect } from 'chai';
import fc from 'fast-check';
import { WireError } from '../../../src/errors.js';
import {
  FrameDecoder,
  decodeMessage,
  encodeExtendedHandshake,
  encodeHandshake,
  encodeMessage,
} from '../../../src/protocol/wire/index.js';
import type { Frame, FrameDecoderConfig, Handshake, WireMessage } from '../../../src/protocol/wire/index.js';
import { ascii, concat, rawFrame, splitAt, splitsArb, u32, wireCode, wireMessageArb } from './wireFixtures.js';

const PIECES = 20;
const handshakeBytes = encodeHandshake({
  infoHash: new Uint8Array(20).fill(7),
  peerId: ascii('-LT2080-abcdefghijkl'),
  extensions: { extended: true, fast: true },
});

/** A recorded session: every message type, plus one frame with an id we do not know. */
const recorded: readonly WireMessage[] = [
  { type: 'extended', id: 0, payload: encodeExtendedHandshake({ extensions: { ut_metadata: 2 }, port: 6881 }) },
  { type: 'bitfield', bytes: Uint8Array.of(0xff, 0x0f, 0x30) },
  { type: 'port', port: 6881 },
  { type: 'allowed-fast', index: 3 },
  { type: 'suggest', index: 4 },
  { type: 'unchoke' },
  { type: 'interested' },
  { type: 'request', index: 1, begin: 0, length: 16384 },
  { type: 'keep-alive' },
  { type: 'piece', index: 2, begin: 16384, block: Uint8Array.from({ length: 300 }, (_, i) => i & 0xff) },
  { type: 'have', index: 19 },
  { type: 'cancel', index: 1, begin: 0, length: 16384 },
  { type: 'reject-request', index: 5, begin: 0, length: 16384 },
  { type: 'not-interested' },
  { type: 'choke' },
  { type: 'keep-alive' },
  { type: 'have-all' },
  { type: 'have-none' },
  { type: 'extended', id: 2, payload: ascii('d8:msg_typei0e5:piecei0ee') },
];
const unknownFrame = rawFrame(0x42, [1, 2, 3, 4, 5, 6]);
const stream = concat([handshakeBytes, ...recorded.slice(0, 10).map(encodeMessage), unknownFrame, ...recorded.slice(10).map(encodeMessage)]);

type Decoded = Handshake | WireMessage;

/** Feeds `chunks` through a fresh decoder and decodes every frame. */
function decodeAll(chunks: readonly Uint8Array[], config: FrameDecoderConfig = { pieceCount: PIECES }): Decoded[] {
  const decoder = new FrameDecoder(config);
  const out: Decoded[] = [];
  const take = (frame: Frame): void => {
    out.push(frame.kind === 'handshake' ? frame.handshake : decodeMessage(frame.body, config));
  };
  for (const chunk of chunks) decoder.write(chunk).forEach(take);
  decoder.end();
  return out;
}

describe('FrameDecoder', () => {
  const expected: Decoded[] = decodeAll([stream]);

  it('decodes a recorded session: handshake, then every message, skipping the unknown id', () => {
    expect(expected).to.have.length(1 + recorded.length);
    expect(expected[0]).to.deep.include({ extensions: { extended: true, fast: true, dht: false, v2: false } });
    expect(expected.slice(1)).to.deep.equal(recorded);
  });

  it('gives the same messages for a split at every byte', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      expect(decodeAll(splitAt(stream, [cut])), `split at ${cut}`).to.deep.equal(expected);
    }
  });

  it('gives the same messages fed one byte at a time', () => {
    expect(decodeAll(splitAt(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1)))).to.deep.equal(expected);
  });

  it('gives the same messages for random multi-splits (property)', () => {
    fc.assert(fc.property(splitsArb(stream.length), (cuts) => {
      expect(decodeAll(splitAt(stream, cuts))).to.deep.equal(expected);
    }), { numRuns: 300 });
  });

  it('round-trips random message sequences through random chunking (property)', () => {
    fc.assert(fc.property(fc.array(wireMessageArb, { maxLength: 20 }).chain((msgs) => {
      const bytes = concat(msgs.map(encodeMessage));
      return fc.tuple(fc.constant(msgs), fc.constant(bytes), splitsArb(bytes.length));
    }), ([msgs, bytes, cuts]) => {
      expect(decodeAll(splitAt(bytes, cuts), { expectHandshake: false })).to.deep.equal(msgs);
    }), { numRuns: 200 });
  });

  it('hands out zero-copy views for frames inside one chunk, one copy across chunks', () => {
    const bytes = concat([encodeMessage({ type: 'have', index: 1 }), encodeMessage({ type: 'have', index: 2 })]);
    const [first] = new FrameDecoder({ expectHandshake: false }).write(bytes) as [Frame];
    expect(first.kind === 'message' && first.body.buffer).to.equal(bytes.buffer);
    const decoder = new FrameDecoder({ expectHandshake: false });
    expect(decoder.write(bytes.subarray(0, 6))).to.deep.equal([]);
    expect(decoder.bufferedBytes).to.equal(6);
    const [split] = decoder.write(bytes.subarray(6, 9)) as [Frame];
    expect(split.kind === 'message' && split.body.buffer).not.to.equal(bytes.buffer);
    expect(decoder.bufferedBytes).to.equal(0);
  });

  describe('refuses hostile input with a stable code', () => {
    const afterHandshake = (...parts: Uint8Array[]): Uint8Array => concat([handshakeBytes, ...parts]);
    const table: [string, Uint8Array, FrameDecoderConfig, string][] = [
      ['length prefix 0xFFFFFFFF', Uint8Array.from(u32(0xffffffff)), { expectHandshake: false }, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['length prefix 2^31', Uint8Array.from(u32(0x80000000)), { expectHandshake: false }, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['piece over 9 + 16 KiB', rawFrame(7, [], 9 + 16384 + 1), { expectHandshake: false }, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['extended over 64 KiB', rawFrame(20, [], 65537), { expectHandshake: false }, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['bitfield over 1 MiB, count unknown', rawFrame(5, [], 2 + 1048576), { expectHandshake: false }, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['unknown id over 1 KiB', rawFrame(0x42, [], 1025), { expectHandshake: false }, 'ERR_WIRE_FRAME_TOO_LONG'],
      ['have of length 6', rawFrame(4, [], 6), { expectHandshake: false }, 'ERR_WIRE_BAD_LENGTH'],
      ['choke of length 2', rawFrame(0, [], 2), { expectHandshake: false }, 'ERR_WIRE_BAD_LENGTH'],
      ['request of length 1e6', rawFrame(6, [], 1e6), { expectHandshake: false }, 'ERR_WIRE_BAD_LENGTH'],
      ['piece shorter than its header', rawFrame(7, [], 8), { expectHandshake: false }, 'ERR_WIRE_BAD_LENGTH'],
      ['bitfield of the wrong size', rawFrame(5, [], 5), { expectHandshake: false, pieceCount: PIECES }, 'ERR_WIRE_BITFIELD_LENGTH'],
      ['unknown id with unknownMessages: error', rawFrame(0x42, [0]), { expectHandshake: false, unknownMessages: 'error' }, 'ERR_WIRE_UNKNOWN_MESSAGE'],
      ['wrong protocol string', afterHandshake().map((b, i) => (i === 5 ? 0x21 : b)), {}, 'ERR_WIRE_BAD_PROTOCOL'],
      ['HTTP instead of a handshake', ascii('GET /announce?info_hash=x HTTP/1.1\r\n'), {}, 'ERR_WIRE_BAD_PROTOCOL'],
      ['random bytes instead of a handshake (an encrypted peer)', Uint8Array.of(0x8f, 0x12, 0x00), {}, 'ERR_WIRE_BAD_PROTOCOL'],
    ];
    for (const [name, bytes, config, code] of table) {
      it(`${name} → ${code}`, () => expect(wireCode(() => new FrameDecoder(config).write(bytes))).to.equal(code));
    }

    it('refuses a huge prefix before its id byte arrives, without buffering', () => {
      const decoder = new FrameDecoder({ expectHandshake: false });
      expect(wireCode(() => decoder.write(Uint8Array.from(u32(0xffffffff))))).to.equal('ERR_WIRE_FRAME_TOO_LONG');
    });

    it('refuses garbage at its first byte', () => {
      expect(wireCode(() => new FrameDecoder().write(ascii('G')))).to.equal('ERR_WIRE_BAD_PROTOCOL');
    });

    it('reports a half frame at end() with how many bytes it held', () => {
      const decoder = new FrameDecoder({ expectHandshake: false });
      decoder.write(rawFrame(7, [0, 0, 0, 0, 0, 0, 0, 0, 1, 2], 9 + 16384));
      expect(wireCode(() => decoder.end())).to.equal('ERR_WIRE_TRUNCATED');
      expect(() => decoder.end()).to.throw(WireError, /15 bytes into a 16397-byte frame/);
    });

    it('reports a half handshake and a half length prefix at end()', () => {
      const half = new FrameDecoder();
      half.write(handshakeBytes.subarray(0, 30));
      expect(() => half.end()).to.throw(WireError, /30 bytes into a 68-byte handshake/);
      const prefix = new FrameDecoder({ expectHandshake: false });
      prefix.write(Uint8Array.of(0, 0));
      expect(() => prefix.end()).to.throw(WireError, /2 bytes into a 4-byte frame/);
    });

    it('ends cleanly at a frame boundary, and before any byte', () => {
      expect(() => new FrameDecoder().end()).not.to.throw();
      const decoder = new FrameDecoder();
      decoder.write(handshakeBytes);
      expect(() => decoder.end()).not.to.throw();
    });

    it('stays broken after an error', () => {
      const decoder = new FrameDecoder({ expectHandshake: false });
      expect(wireCode(() => decoder.write(rawFrame(4, [], 9)))).to.equal('ERR_WIRE_BAD_LENGTH');
      expect(wireCode(() => decoder.write(encodeMessage({ type: 'choke' })))).to.equal('ERR_WIRE_BAD_LENGTH');
      expect(wireCode(() => decoder.end())).to.equal('ERR_WIRE_BAD_LENGTH');
    });
  });

  it('skips unknown ids by default, across chunk boundaries, without emitting them', () => {
    const bytes = concat([rawFrame(0x42, new Array(1023).fill(9)), encodeMessage({ type: 'have', index: 1 })]);
    expect(decodeAll(splitAt(bytes, [3, 5, 700]), { expectHandshake: false })).to.deep.equal([{ type: 'have', index: 1 }]);
  });

  it('tightens the bitfield cap once the piece count is set (magnet downloads)', () => {
    const decoder = new FrameDecoder({ expectHandshake: false });
    expect(decoder.write(rawFrame(5, [0xff, 0xff, 0xff, 0xff]))).to.have.length(1);
    decoder.setPieceCount(PIECES);
    expect(decoder.write(rawFrame(5, [0xff, 0xff, 0xf0]))).to.have.length(1);
    expect(wireCode(() => decoder.write(rawFrame(5, [0xff, 0xff, 0xf0, 0])))).to.equal('ERR_WIRE_BITFIELD_LENGTH');
  });

  it('refuses impossible configuration at construction', () => {
    expect(wireCode(() => new FrameDecoder({ maxBlockLength: 0 }))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
    expect(wireCode(() => new FrameDecoder({ maxUnknownLength: 0 }))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
    expect(wireCode(() => new FrameDecoder().setPieceCount(-1))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
  });

  it('throws nothing but WireError on random bytes, with or without a handshake (property)', () => {
    const input = fc.tuple(fc.boolean(), fc.uint8Array({ maxLength: 200 })).chain(([withHandshake, tail]) => {
      const bytes = withHandshake ? concat([handshakeBytes, tail]) : tail;
      return fc.tuple(fc.constant(withHandshake), fc.constant(bytes), splitsArb(bytes.length));
    });
    fc.assert(fc.property(input, fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), ([withHandshake, bytes, cuts], pieceCount) => {
      try {
        decodeAll(splitAt(bytes, cuts), { expectHandshake: withHandshake, pieceCount });
      } catch (err) {
        expect(err).to.be.instanceOf(WireError);
      }
    }), { numRuns: 2000 });
  });
});
