import { expect } from 'chai';
import { FrameCaps, MessageId } from '../../../src/protocol/wire/index.js';
import type { FrameCapsConfig } from '../../../src/protocol/wire/index.js';
import { wireCode } from './wireFixtures.js';

describe('FrameCaps', () => {
  const accepted: [string, number, number, FrameCapsConfig, boolean][] = [
    ['choke of 1', MessageId.choke, 1, {}, true],
    ['port of 3', MessageId.port, 3, {}, true],
    ['request of 13', MessageId.request, 13, {}, true],
    ['piece of 9 + 16 KiB', MessageId.piece, 9 + 16384, {}, true],
    ['piece of 9 + 32 KiB with a 32 KiB block cap', MessageId.piece, 9 + 32768, { maxBlockLength: 32768 }, true],
    ['extended of 64 KiB', MessageId.extended, 65536, {}, true],
    ['bitfield of 1 + ⌈9 / 8⌉', MessageId.bitfield, 3, { pieceCount: 9 }, true],
    ['unknown id of 1 KiB (skipped)', 0x42, 1024, {}, false],
    ['hash request of 49', MessageId.hashRequest, 49, {}, true],
    ['hash reject of 49', MessageId.hashReject, 49, {}, true],
    ['hashes of 49 + 32 × (512 + 64)', MessageId.hashes, 49 + 32 * 576, {}, true],
    ['hashes of 49 + 32 × (1024 + 64) with maxHashes 1024', MessageId.hashes, 49 + 32 * 1088, { maxHashes: 1024 }, true],
  ];
  for (const [name, id, length, config, deliver] of accepted) {
    it(`accepts ${name}`, () => expect(new FrameCaps(config).check(id, length)).to.equal(deliver));
  }

  const refused: [string, number, number, FrameCapsConfig, string][] = [
    ['allowed-fast of 4', MessageId.allowedFast, 4, {}, 'ERR_WIRE_BAD_LENGTH'],
    ['piece over its cap', MessageId.piece, 9 + 16385, {}, 'ERR_WIRE_FRAME_TOO_LONG'],
    ['extended of 1', MessageId.extended, 1, {}, 'ERR_WIRE_BAD_LENGTH'],
    ['bitfield of the wrong size', MessageId.bitfield, 2, { pieceCount: 9 }, 'ERR_WIRE_BITFIELD_LENGTH'],
    ['unknown id when refused', 0x42, 2, { unknownMessages: 'error' }, 'ERR_WIRE_UNKNOWN_MESSAGE'],
    ['hash request of 50', MessageId.hashRequest, 50, {}, 'ERR_WIRE_BAD_LENGTH'],
    ['hash reject of 48', MessageId.hashReject, 48, {}, 'ERR_WIRE_BAD_LENGTH'],
    ['hashes shorter than its header', MessageId.hashes, 48, {}, 'ERR_WIRE_BAD_LENGTH'],
    ['hashes over its cap', MessageId.hashes, 49 + 32 * 576 + 1, {}, 'ERR_WIRE_FRAME_TOO_LONG'],
    ['hashes of 4 GiB', MessageId.hashes, 0xffffffff, {}, 'ERR_WIRE_FRAME_TOO_LONG'],
  ];
  for (const [name, id, length, config, code] of refused) {
    it(`refuses ${name} → ${code}`, () => expect(wireCode(() => new FrameCaps(config).check(id, length))).to.equal(code));
  }

  it('caps every frame by the largest per-id cap, which follows the piece count', () => {
    const caps = new FrameCaps();
    expect(caps.maxFrameLength).to.equal(1 + 1048576);
    caps.setPieceCount(8);
    expect(caps.maxFrameLength).to.equal(65536);
    caps.setPieceCount(undefined);
    expect(caps.maxFrameLength).to.equal(1 + 1048576);
  });
});
