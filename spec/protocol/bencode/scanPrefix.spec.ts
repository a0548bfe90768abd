import { expect } from 'chai';
import fc from 'fast-check';
import { BencodeError } from '../../../src/errors.js';
import { encodeBencode, scanBencode, scanBencodePrefix } from '../../../src/protocol/bencode/index.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The code of the BencodeError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, BencodeError);

describe('scanBencodePrefix', () => {
  it('returns the end of the leading value and ignores what follows', () => {
    const header = 'd8:msg_typei1e5:piecei0e10:total_sizei3ee';
    expect(scanBencodePrefix(enc(`${header}abc`))).to.equal(header.length);
    expect(scanBencodePrefix(enc('i42e'))).to.equal(4);
    expect(scanBencodePrefix(enc('3:abc\xff\xfe'))).to.equal(5);
  });

  it('agrees with scanBencode on exactly one value, whatever follows (property)', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.maxSafeInteger(),
        fc.uint8Array({ maxLength: 20 }),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, fc.uint8Array({ maxLength: 40 }), (v, tail) => {
        const bytes = encodeBencode(v as never);
        const joined = new Uint8Array([...bytes, ...tail]);
        expect(scanBencodePrefix(joined)).to.equal(scanBencode(bytes).end);
      }),
    );
  });

  describe('rejects a malformed leading value with the scanner codes', () => {
    const table: [string, string, string][] = [
      ['empty input', '', 'ERR_BENCODE_TRUNCATED'],
      ['truncated dict', 'd1:ai1e', 'ERR_BENCODE_TRUNCATED'],
      ['string past the input', '5:abc', 'ERR_BENCODE_TRUNCATED'],
      ['non-canonical integer', 'i01eXX', 'ERR_BENCODE_INVALID_INTEGER'],
      ['unexpected byte', 'xi1e', 'ERR_BENCODE_UNEXPECTED_BYTE'],
      ['duplicate key', 'd1:ai1e1:ai2eeXX', 'ERR_BENCODE_DUPLICATE_KEY'],
      ['too deep', `${'l'.repeat(65)}${'e'.repeat(65)}`, 'ERR_BENCODE_TOO_DEEP'],
    ];
    for (const [name, input, code] of table) {
      it(name, () => expect(codeOf(() => scanBencodePrefix(enc(input)))).to.equal(code));
    }
  });

  it('caps the value, not the input', () => {
    expect(scanBencodePrefix(enc(`i1e${'x'.repeat(100)}`), { maxBytes: 3 })).to.equal(3);
    expect(codeOf(() => scanBencodePrefix(enc('d1:a3:xyze'), { maxBytes: 8 }))).to.equal('ERR_BENCODE_TOO_LARGE');
    expect(codeOf(() => scanBencodePrefix(enc('i12345e'), { maxBytes: 4 }))).to.equal('ERR_BENCODE_TOO_LARGE');
    // A value that is merely truncated inside the cap stays truncated.
    expect(codeOf(() => scanBencodePrefix(enc('d1:a'), { maxBytes: 8 }))).to.equal('ERR_BENCODE_TRUNCATED');
  });

  it('applies depth and key rules', () => {
    expect(codeOf(() => scanBencodePrefix(enc('lleeX'), { maxDepth: 1 }))).to.equal('ERR_BENCODE_TOO_DEEP');
    expect(codeOf(() => scanBencodePrefix(enc('d1:bi1e1:ai2eeX'), { sortedKeys: true }))).to.equal('ERR_BENCODE_UNSORTED_KEYS');
  });

  it('random bytes give an offset inside the input or a BencodeError (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const end = scanBencodePrefix(bytes);
          expect(end).to.be.within(1, bytes.length);
        } catch (err) {
          expect(err).to.be.instanceOf(BencodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
