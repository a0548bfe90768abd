import { expect } from 'chai';
import fc from 'fast-check';
import { ExtensionError } from '../../../src/errors.js';
import {
  METADATA_PIECE_LENGTH,
  decodeMetadataMessage,
  encodeMetadataMessage,
  metadataPieceCount,
  metadataPieceLength,
  type MetadataMessage,
} from '../../../src/protocol/extensions/index.js';
import { ascii, bytesOf, concat, extCode } from './extFixtures.js';

const header = (s: string): Uint8Array => ascii(s);

describe('ut_metadata messages (BEP 9)', () => {
  it('encodes the BEP 9 examples', () => {
    expect(String.fromCharCode(...encodeMetadataMessage({ type: 'request', piece: 0 }))).to.equal('d8:msg_typei0e5:piecei0ee');
    expect(String.fromCharCode(...encodeMetadataMessage({ type: 'reject', piece: 0 }))).to.equal('d8:msg_typei2e5:piecei0ee');
    const data = encodeMetadataMessage({ type: 'data', piece: 0, totalSize: 3, data: ascii('abc') });
    expect(String.fromCharCode(...data)).to.equal('d8:msg_typei1e5:piecei0e10:total_sizei3eeabc');
  });

  it('piece geometry', () => {
    expect(metadataPieceCount(1)).to.equal(1);
    expect(metadataPieceCount(METADATA_PIECE_LENGTH)).to.equal(1);
    expect(metadataPieceCount(METADATA_PIECE_LENGTH + 1)).to.equal(2);
    expect(metadataPieceLength(40_000, 0)).to.equal(16_384);
    expect(metadataPieceLength(40_000, 2)).to.equal(40_000 - 32_768);
  });

  describe('round trips (property)', () => {
    it('request and reject', () => {
      fc.assert(fc.property(fc.constantFrom('request' as const, 'reject' as const), fc.integer({ min: 0, max: 0x7fffffff }), (type, piece) => {
        expect(decodeMetadataMessage(encodeMetadataMessage({ type, piece }))).to.deep.equal({ type, piece });
      }));
    });

    it('data, every piece of every size', () => {
      const arb = fc.integer({ min: 1, max: 5 * METADATA_PIECE_LENGTH }).chain((totalSize) =>
        fc.record({ totalSize: fc.constant(totalSize), piece: fc.integer({ min: 0, max: metadataPieceCount(totalSize) - 1 }), seed: fc.nat() }),
      );
      fc.assert(fc.property(arb, ({ totalSize, piece, seed }) => {
        const data = bytesOf(metadataPieceLength(totalSize, piece), seed);
        const message: MetadataMessage = { type: 'data', piece, totalSize, data };
        const decoded = decodeMetadataMessage(encodeMetadataMessage(message), { metadataSize: totalSize });
        expect(decoded).to.deep.equal(message);
      }), { numRuns: 200 });
    });
  });

  it('ignores unknown msg_types (BEP 9: MUST be ignored), even with trailing bytes', () => {
    expect(decodeMetadataMessage(ascii('d8:msg_typei3e5:piecei0ee'))).to.equal(undefined);
    expect(decodeMetadataMessage(ascii('d8:msg_typei-1eexyz'))).to.equal(undefined);
    expect(decodeMetadataMessage(ascii('d8:msg_typei99999999999ee'))).to.equal(undefined);
  });

  it('ignores unknown keys', () => {
    expect(decodeMetadataMessage(ascii('d8:msg_typei0e5:piecei2e10:total_sizei5e1:xli1eee'))).to.deep.equal({ type: 'request', piece: 2 });
  });

  it('returns data as a view of the payload', () => {
    const payload = encodeMetadataMessage({ type: 'data', piece: 0, totalSize: 3, data: ascii('abc') });
    const decoded = decodeMetadataMessage(payload);
    expect(decoded?.type === 'data' && decoded.data.buffer).to.equal(payload.buffer);
  });

  describe('hostile payloads give typed errors', () => {
    const full = bytesOf(METADATA_PIECE_LENGTH);
    const table: [string, Uint8Array, string, { metadataSize?: number; maxMetadataSize?: number }?][] = [
      ['empty', new Uint8Array(0), 'ERR_EXT_BAD_MESSAGE'],
      ['garbage', ascii('\xff\x00garbage'), 'ERR_EXT_BAD_MESSAGE'],
      ['not a dict', ascii('li1ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['truncated dict', ascii('d8:msg_typei0e5:piecei0e'), 'ERR_EXT_BAD_MESSAGE'],
      ['non-canonical integer', ascii('d8:msg_typei00e5:piecei0ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['nesting bomb', ascii(`d1:x${'l'.repeat(10)}${'e'.repeat(10)}8:msg_typei0e5:piecei0ee`), 'ERR_EXT_BAD_MESSAGE'],
      ['header over 1 KiB', ascii(`d1:x2000:${'a'.repeat(2000)}8:msg_typei0e5:piecei0ee`), 'ERR_EXT_BAD_MESSAGE'],
      ['msg_type missing', ascii('d5:piecei0ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['msg_type a string', ascii('d8:msg_type1:05:piecei0ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['piece missing', ascii('d8:msg_typei0ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['piece a string', ascii('d8:msg_typei0e5:piece1:0e'), 'ERR_EXT_BAD_MESSAGE'],
      ['piece negative', ascii('d8:msg_typei2e5:piecei-1ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['piece beyond 31 bits', ascii('d8:msg_typei0e5:piecei4294967296ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['bytes after a request', ascii('d8:msg_typei0e5:piecei0eexx'), 'ERR_EXT_BAD_MESSAGE'],
      ['bytes after a reject', ascii('d8:msg_typei2e5:piecei0eex'), 'ERR_EXT_BAD_MESSAGE'],
      ['data without total_size', concat(header('d8:msg_typei1e5:piecei0ee'), full), 'ERR_EXT_BAD_MESSAGE'],
      ['total_size zero', header('d8:msg_typei1e5:piecei0e10:total_sizei0ee'), 'ERR_EXT_BAD_MESSAGE'],
      ['total_size a string', concat(header('d8:msg_typei1e5:piecei0e10:total_size1:3e'), ascii('abc')), 'ERR_EXT_BAD_MESSAGE'],
      ['total_size over the cap', concat(header('d8:msg_typei1e5:piecei0e10:total_sizei16777217ee'), full), 'ERR_EXT_METADATA_TOO_LARGE'],
      ['total_size over a smaller cap', concat(header('d8:msg_typei1e5:piecei0e10:total_sizei3ee'), ascii('abc')), 'ERR_EXT_METADATA_TOO_LARGE', { maxMetadataSize: 2 }],
      ['total_size not the expected one', concat(header('d8:msg_typei1e5:piecei0e10:total_sizei3ee'), ascii('abc')), 'ERR_EXT_METADATA_SIZE_MISMATCH', { metadataSize: 4 }],
      ['piece out of range', concat(header('d8:msg_typei1e5:piecei1e10:total_sizei3ee'), ascii('abc')), 'ERR_EXT_BAD_PIECE'],
      ['data too short', concat(header('d8:msg_typei1e5:piecei0e10:total_sizei40000ee'), full.subarray(1)), 'ERR_EXT_BAD_PIECE'],
      ['data too long', concat(header('d8:msg_typei1e5:piecei0e10:total_sizei40000ee'), full, ascii('x')), 'ERR_EXT_BAD_PIECE'],
      ['last piece too long', concat(header('d8:msg_typei1e5:piecei2e10:total_sizei40000ee'), full), 'ERR_EXT_BAD_PIECE'],
      ['no data at all', header('d8:msg_typei1e5:piecei0e10:total_sizei3ee'), 'ERR_EXT_BAD_PIECE'],
    ];
    for (const [name, payload, code, limits] of table) {
      it(name, () => expect(extCode(() => decodeMetadataMessage(payload, limits))).to.equal(code));
    }
  });

  it('random bytes give a message, undefined or an ExtensionError (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      try {
        decodeMetadataMessage(bytes);
      } catch (err) {
        expect(err).to.be.instanceOf(ExtensionError);
      }
    }), { numRuns: 2000 });
  });

  describe('refuses to encode what it would refuse to decode', () => {
    const table: [string, MetadataMessage][] = [
      ['negative piece', { type: 'request', piece: -1 }],
      ['fractional piece', { type: 'reject', piece: 0.5 }],
      ['piece past the end', { type: 'data', piece: 1, totalSize: 3, data: ascii('abc') }],
      ['wrong data length', { type: 'data', piece: 0, totalSize: 4, data: ascii('abc') }],
      ['zero total size', { type: 'data', piece: 0, totalSize: 0, data: new Uint8Array(0) }],
    ];
    for (const [name, message] of table) {
      it(name, () => expect(extCode(() => encodeMetadataMessage(message))).to.equal('ERR_EXT_INVALID_ARGUMENT'));
    }
  });
});
