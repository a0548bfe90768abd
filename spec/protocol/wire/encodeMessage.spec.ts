import { expect } from 'chai';
import fc from 'fast-check';
import { encodeMessage, encodePieceHeader } from '../../../src/protocol/wire/index.js';
import type { WireMessage } from '../../../src/protocol/wire/index.js';
import { concat, wireCode, wireMessageArb } from './wireFixtures.js';

describe('encodeMessage', () => {
  const golden: [WireMessage, number[]][] = [
    [{ type: 'keep-alive' }, [0, 0, 0, 0]],
    [{ type: 'choke' }, [0, 0, 0, 1, 0]],
    [{ type: 'unchoke' }, [0, 0, 0, 1, 1]],
    [{ type: 'interested' }, [0, 0, 0, 1, 2]],
    [{ type: 'not-interested' }, [0, 0, 0, 1, 3]],
    [{ type: 'have', index: 0x01020304 }, [0, 0, 0, 5, 4, 1, 2, 3, 4]],
    [{ type: 'bitfield', bytes: Uint8Array.of(0xf0) }, [0, 0, 0, 2, 5, 0xf0]],
    [{ type: 'request', index: 1, begin: 0x4000, length: 0x4000 }, [0, 0, 0, 13, 6, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0x40, 0]],
    [{ type: 'piece', index: 2, begin: 0, block: Uint8Array.of(9, 8) }, [0, 0, 0, 11, 7, 0, 0, 0, 2, 0, 0, 0, 0, 9, 8]],
    [{ type: 'cancel', index: 0xffffffff, begin: 0, length: 1 }, [0, 0, 0, 13, 8, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 1]],
    [{ type: 'port', port: 6881 }, [0, 0, 0, 3, 9, 0x1a, 0xe1]],
    [{ type: 'suggest', index: 7 }, [0, 0, 0, 5, 0x0d, 0, 0, 0, 7]],
    [{ type: 'have-all' }, [0, 0, 0, 1, 0x0e]],
    [{ type: 'have-none' }, [0, 0, 0, 1, 0x0f]],
    [{ type: 'reject-request', index: 0, begin: 0, length: 16384 }, [0, 0, 0, 13, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0]],
    [{ type: 'allowed-fast', index: 3 }, [0, 0, 0, 5, 0x11, 0, 0, 0, 3]],
    [{ type: 'extended', id: 0, payload: Uint8Array.of(0x64, 0x65) }, [0, 0, 0, 4, 20, 0, 0x64, 0x65]],
  ];
  for (const [msg, bytes] of golden) {
    it(`${msg.type} → ${bytes.length} bytes`, () => expect([...encodeMessage(msg)]).to.deep.equal(bytes));
  }

  it('prefixes every frame with its body length (property)', () => {
    fc.assert(fc.property(wireMessageArb, (msg) => {
      const frame = encodeMessage(msg);
      const length = new DataView(frame.buffer, frame.byteOffset).getUint32(0);
      expect(length).to.equal(frame.length - 4);
    }));
  });

  it('encodePieceHeader + block is byte-for-byte the piece message', () => {
    fc.assert(fc.property(fc.nat(), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 100 }), (index, begin, block) => {
      const header = encodePieceHeader(index, begin, block.length);
      expect(header).to.have.length(13);
      expect(concat([header, block])).to.deep.equal(encodeMessage({ type: 'piece', index, begin, block }));
    }));
  });

  it('refuses numbers that do not fit their field', () => {
    const bad: WireMessage[] = [
      { type: 'have', index: -1 },
      { type: 'have', index: 2 ** 32 },
      { type: 'suggest', index: 1.5 },
      { type: 'request', index: 0, begin: Number.NaN, length: 1 },
      { type: 'port', port: 65536 },
      { type: 'port', port: -1 },
      { type: 'extended', id: 256, payload: new Uint8Array(0) },
    ];
    for (const msg of bad) expect(wireCode(() => encodeMessage(msg)), JSON.stringify(msg)).to.equal('ERR_WIRE_INVALID_ARGUMENT');
  });
});
