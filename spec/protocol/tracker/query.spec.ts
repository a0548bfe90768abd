import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerError } from '../../../src/errors.js';
import { parseQueryString, singleParam, twentyBytes } from '../../../src/protocol/tracker/query.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

/** Percent-encodes every byte, the way a careful client does. */
const escapeAll = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** The code of the TrackerError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, TrackerError);

describe('parseQueryString', () => {
  it('keeps binary values byte for byte (≥ 0x80, %20, +)', () => {
    const params = parseQueryString('info_hash=%FF%80%20a+b%00&x=%7e');
    expect(params.get('info_hash')).to.deep.equal([Uint8Array.of(0xff, 0x80, 0x20, 0x61, 0x20, 0x62, 0x00)]);
    expect(params.get('x')).to.deep.equal([Uint8Array.of(0x7e)]);
  });

  it('accepts upper- and lowercase hex escapes alike', () => {
    expect(parseQueryString('a=%aB%Cd').get('a')).to.deep.equal([Uint8Array.of(0xab, 0xcd)]);
  });

  it('keeps every value of a repeated key, in order', () => {
    expect(parseQueryString('a=1&b=2&a=3').get('a')).to.deep.equal([Uint8Array.of(0x31), Uint8Array.of(0x33)]);
  });

  it('skips empty pairs and reads a bare key as an empty value', () => {
    const params = parseQueryString('&a=1&&flag&');
    expect([...params.keys()]).to.deep.equal(['a', 'flag']);
    expect(params.get('flag')).to.deep.equal([new Uint8Array(0)]);
  });

  it('splits a pair at its first = only', () => {
    expect(parseQueryString('a=b=c').get('a')).to.deep.equal([Uint8Array.from('b=c', (c) => c.charCodeAt(0))]);
  });

  it('decodes escaped keys', () => {
    expect(parseQueryString('info%5Fhash=1').has('info_hash')).to.equal(true);
  });

  it('returns nothing for an empty query', () => {
    expect(parseQueryString('').size).to.equal(0);
  });

  const refused: Array<[string, string, string]> = [
    ['a lone %', 'a=%', 'ERR_TRACKER_BAD_QUERY'],
    ['a % with one digit', 'a=%4', 'ERR_TRACKER_BAD_QUERY'],
    ['a % with one digit before &', 'a=%4&b=1', 'ERR_TRACKER_BAD_QUERY'],
    ['a % with non-hex digits', 'a=%zz', 'ERR_TRACKER_BAD_QUERY'],
    ['a % with one non-hex digit', 'a=%4g', 'ERR_TRACKER_BAD_QUERY'],
    ['%%', 'a=%%41', 'ERR_TRACKER_BAD_QUERY'],
    ['a broken escape in a key', '%G1=1', 'ERR_TRACKER_BAD_QUERY'],
    ['a raw space', 'a=b c', 'ERR_TRACKER_BAD_QUERY'],
    ['a raw control byte', 'a=\u0001', 'ERR_TRACKER_BAD_QUERY'],
    ['a raw DEL', 'a=\u007f', 'ERR_TRACKER_BAD_QUERY'],
    ['a raw Latin-1 byte', 'a=\u00ff', 'ERR_TRACKER_BAD_QUERY'],
    ['raw UTF-8 text', 'a=é', 'ERR_TRACKER_BAD_QUERY'],
  ];
  for (const [what, raw, code] of refused) {
    it(`refuses ${what}`, () => expect(codeOf(() => parseQueryString(raw))).to.equal(code));
  }

  it('refuses a query over maxLength before parsing it', () => {
    expect(codeOf(() => parseQueryString('a=1'.padEnd(101, 'x'), { maxLength: 100 }))).to.equal('ERR_TRACKER_QUERY_TOO_LONG');
    expect(codeOf(() => parseQueryString('a=1'.padEnd(100, 'x'), { maxLength: 100 }))).to.equal(undefined);
  });

  it('refuses more than maxParameters pairs', () => {
    expect(codeOf(() => parseQueryString('a&b&c', { maxParameters: 2 }))).to.equal('ERR_TRACKER_BAD_QUERY');
    expect(codeOf(() => parseQueryString('a&b&&', { maxParameters: 2 }))).to.equal(undefined);
  });

  it('round-trips any bytes escaped byte by byte', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(parseQueryString(`v=${escapeAll(bytes)}`).get('v')).to.deep.equal([bytes]);
    }));
  });

  it('fuzz: any string either parses or throws a TrackerError', () => {
    const alphabet = fc.constantFrom('%', '&', '=', '+', 'a', 'F', '0', '9', 'g', ' ', '\u00ff', '\u0000', 'é', '😀');
    const strings = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: alphabet, maxLength: 60 }));
    fc.assert(fc.property(strings, (raw) => {
      try {
        parseQueryString(raw, { maxLength: 200 });
      } catch (err) {
        expect(err).to.be.instanceOf(TrackerError);
      }
    }), { numRuns: 1000 });
  });
});

describe('singleParam / twentyBytes', () => {
  it('refuses a repeated key', () => {
    const params = parseQueryString('k=1&k=1');
    expect(codeOf(() => singleParam(params, 'k'))).to.equal('ERR_TRACKER_REPEATED_PARAMETER');
  });

  it('wants exactly 20 bytes', () => {
    const params = parseQueryString(`a=${'%01'.repeat(19)}&b=${'%01'.repeat(20)}&c=${'%01'.repeat(21)}`);
    expect(codeOf(() => twentyBytes(singleParam(params, 'a'), 'a', 'ERR_TRACKER_BAD_INFO_HASH'))).to.equal('ERR_TRACKER_BAD_INFO_HASH');
    expect(twentyBytes(singleParam(params, 'b'), 'b', 'ERR_TRACKER_BAD_INFO_HASH')).to.have.length(20);
    expect(codeOf(() => twentyBytes(singleParam(params, 'c'), 'c', 'ERR_TRACKER_BAD_PEER_ID'))).to.equal('ERR_TRACKER_BAD_PEER_ID');
    expect(codeOf(() => twentyBytes(singleParam(params, 'd'), 'd', 'ERR_TRACKER_BAD_PEER_ID'))).to.equal('ERR_TRACKER_MISSING_PARAMETER');
  });
});
