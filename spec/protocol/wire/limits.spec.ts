import { expect } from 'chai';
import { MAX_REQUEST_LENGTH_LIMIT, checkRequest, resolveWireLimits } from '../../../src/protocol/wire/index.js';
import { wireCode } from './wireFixtures.js';

describe('wire limits', () => {
  it('fills in the defaults', () => {
    expect(resolveWireLimits()).to.deep.include({
      maxBlockLength: 16384,
      maxRequestLength: 16384,
      maxExtendedLength: 65536,
      maxBitfieldLength: 1048576,
    });
  });

  it('refuses impossible caps at factory time', () => {
    for (const limits of [
      { maxRequestLength: 0 },
      { maxRequestLength: MAX_REQUEST_LENGTH_LIMIT + 1 },
      { maxBlockLength: 1.5 },
      { maxExtendedLength: 1 },
      { pieceCount: -1 },
    ]) {
      expect(wireCode(() => resolveWireLimits(limits)), JSON.stringify(limits)).to.equal('ERR_WIRE_INVALID_ARGUMENT');
    }
    expect(resolveWireLimits({ maxRequestLength: MAX_REQUEST_LENGTH_LIMIT }).maxRequestLength).to.equal(131072);
  });

  describe('checkRequest', () => {
    const geometry = { pieceCount: 3, pieceLength: (i: number) => (i === 2 ? 1000 : 32768) };
    const table: [string, { index: number; begin: number; length: number }, string | undefined][] = [
      ['a first block', { index: 0, begin: 0, length: 16384 }, undefined],
      ['the last block of the last piece', { index: 2, begin: 0, length: 1000 }, undefined],
      ['length 0', { index: 0, begin: 0, length: 0 }, 'ERR_WIRE_BAD_REQUEST'],
      ['length over the cap', { index: 0, begin: 0, length: 16385 }, 'ERR_WIRE_BAD_REQUEST'],
      ['past the end of the piece', { index: 0, begin: 16385, length: 16384 }, 'ERR_WIRE_BAD_REQUEST'],
      ['past the end of the short last piece', { index: 2, begin: 1, length: 1000 }, 'ERR_WIRE_BAD_REQUEST'],
      ['a piece outside the torrent', { index: 3, begin: 0, length: 1 }, 'ERR_WIRE_INDEX_OUT_OF_RANGE'],
    ];
    for (const [name, range, expected] of table) {
      it(`${name} → ${expected ?? 'ok'}`, () => expect(checkRequest(range, geometry)?.code).to.equal(expected));
    }

    it('skips geometry checks it has no geometry for', () => {
      expect(checkRequest({ index: 1e9, begin: 0xffffffff, length: 1 }, {})).to.equal(undefined);
      expect(checkRequest({ index: 0, begin: 0, length: 65536 }, { maxRequestLength: 65536 })).to.equal(undefined);
    });
  });
});
