import { expect } from 'chai';
import fc from 'fast-check';
import { BencodeError } from '../../../src/errors.js';
import { decodeBencode, dictSpans, encodeBencode, scanBencode } from '../../../src/protocol/bencode/index.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The code of the BencodeError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, BencodeError);

describe('bencode scanner', () => {
  describe('accepts canonical values', () => {
    for (const input of ['i0e', 'i-1e', 'i42e', '0:', '3:abc', 'le', 'de', 'li1e3:abce', 'd1:ai1e1:b0:e', 'i9007199254740991e']) {
      it(input, () => expect(scanBencode(enc(input))).to.deep.equal({ start: 0, end: input.length }));
    }
  });

  describe('rejects malformed input with a stable code', () => {
    const table: [string, string | Uint8Array, string][] = [
      ['empty input', '', 'ERR_BENCODE_TRUNCATED'],
      ['truncated integer', 'i12', 'ERR_BENCODE_TRUNCATED'],
      ['truncated list', 'li1e', 'ERR_BENCODE_TRUNCATED'],
      ['truncated dict', 'd1:a', 'ERR_BENCODE_TRUNCATED'],
      ['trailing bytes', 'i1ei2e', 'ERR_BENCODE_TRAILING_BYTES'],
      ['negative zero', 'i-0e', 'ERR_BENCODE_INVALID_INTEGER'],
      ['leading zero in integer', 'i03e', 'ERR_BENCODE_INVALID_INTEGER'],
      ['empty integer', 'ie', 'ERR_BENCODE_INVALID_INTEGER'],
      ['lone minus', 'i-e', 'ERR_BENCODE_INVALID_INTEGER'],
      ['integer beyond 2^53', 'i9007199254740993e', 'ERR_BENCODE_INVALID_INTEGER'],
      ['huge integer', `i${'9'.repeat(400)}e`, 'ERR_BENCODE_INVALID_INTEGER'],
      ['integer with junk', 'i1xe', 'ERR_BENCODE_INVALID_INTEGER'],
      ['leading zero in length', '03:abc', 'ERR_BENCODE_INVALID_LENGTH'],
      ['length without colon', '3abc', 'ERR_BENCODE_INVALID_LENGTH'],
      ['length beyond the input', '99999999999:abc', 'ERR_BENCODE_TRUNCATED'],
      ['absurd length digits', `${'9'.repeat(40)}:x`, 'ERR_BENCODE_INVALID_LENGTH'],
      ['unexpected byte', 'x', 'ERR_BENCODE_UNEXPECTED_BYTE'],
      ['integer as dict key', 'di1ei2ee', 'ERR_BENCODE_KEY_NOT_STRING'],
      ['duplicate key', 'd1:ai1e1:ai2ee', 'ERR_BENCODE_DUPLICATE_KEY'],
      ['non-UTF-8 key', new Uint8Array([0x64, 0x32, 0x3a, 0xff, 0xfe, 0x69, 0x31, 0x65, 0x65]), 'ERR_BENCODE_KEY_NOT_UTF8'],
      ['__proto__ key (would replace the decoded object\'s prototype)', 'd9:__proto__d6:lengthi5eee', 'ERR_BENCODE_RESERVED_KEY'],
      ['__proto__ key nested', 'd1:md9:__proto__i1eee', 'ERR_BENCODE_RESERVED_KEY'],
      ['too deep', 'l'.repeat(65) + 'e'.repeat(65), 'ERR_BENCODE_TOO_DEEP'],
    ];
    for (const [name, input, code] of table) {
      it(name, () => expect(codeOf(() => scanBencode(typeof input === 'string' ? enc(input) : input))).to.equal(code));
    }
    it('unsorted keys only when strict', () => {
      expect(codeOf(() => scanBencode(enc('d1:bi1e1:ai2ee')))).to.equal(undefined);
      expect(codeOf(() => scanBencode(enc('d1:bi1e1:ai2ee'), { sortedKeys: true }))).to.equal('ERR_BENCODE_UNSORTED_KEYS');
    });
    it('input over the size cap', () => {
      expect(codeOf(() => scanBencode(enc('4:abcd'), { maxBytes: 5 }))).to.equal('ERR_BENCODE_TOO_LARGE');
    });
    it('depth cap is configurable', () => {
      expect(codeOf(() => scanBencode(enc('llee'), { maxDepth: 1 }))).to.equal('ERR_BENCODE_TOO_DEEP');
      expect(codeOf(() => scanBencode(enc('llee'), { maxDepth: 2 }))).to.equal(undefined);
    });
  });

  describe('dictSpans', () => {
    it('returns the raw span of each top-level value, even when keys are unsorted', () => {
      const bytes = enc('d4:infod1:bi1e1:ai2ee3:zzz0:e');
      const info = dictSpans(bytes).get('info');
      expect(new TextDecoder().decode(bytes.subarray(info?.start, info?.end))).to.equal('d1:bi1e1:ai2ee');
      expect(dictSpans(bytes).get('zzz')).to.deep.equal({ start: 26, end: 28 });
    });
    it('requires a dict', () => expect(codeOf(() => dictSpans(enc('le')))).to.equal('ERR_BENCODE_NOT_A_DICT'));
    it('with utf8Keys off, accepts binary keys and leaves binary top-level keys out', () => {
      const bytes = new Uint8Array([...enc('d2:'), 0xff, 0xfe, ...enc('i1e1:ad2:'), 0xff, 0xfe, ...enc('i2eee')]);
      expect(codeOf(() => dictSpans(bytes))).to.equal('ERR_BENCODE_KEY_NOT_UTF8');
      expect([...dictSpans(bytes, { utf8Keys: false }).keys()]).to.deep.equal(['a']);
    });
  });

  describe('codec', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.maxSafeInteger(),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(tie('v'), { maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 5 }),
      ),
    })).v;

    it('decode(encode(x)) round-trips and encode is canonical', () => {
      fc.assert(
        fc.property(value, (v) => {
          const bytes = encodeBencode(v as never);
          expect(scanBencode(bytes, { sortedKeys: true }).end).to.equal(bytes.length);
          const back = decodeBencode(bytes);
          expect(encodeBencode(back as never)).to.deep.equal(bytes);
        }),
      );
    });

    it('random bytes give a value or a BencodeError, never anything else', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          try {
            decodeBencode(bytes);
          } catch (err) {
            expect(err).to.be.instanceOf(BencodeError);
          }
        }),
        { numRuns: 2000 },
      );
    });

    it('refuses floats instead of truncating them', () => {
      expect(codeOf(() => encodeBencode(1.5))).to.equal('ERR_BENCODE_UNENCODABLE');
    });
  });
});
