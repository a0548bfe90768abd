import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerError } from '../../../src/errors.js';
import { parseAnnounceQuery } from '../../../src/protocol/tracker/announceRequest.js';
import type { AnnounceQueryOptions } from '../../../src/protocol/tracker/announceRequest.js';
import { parseScrapeQuery } from '../../../src/protocol/tracker/scrapeRequest.js';
import { announceQuery, BINARY_INFO_HASH, escapeBytes, MALFORMED_ANNOUNCES, peerIdOf } from './trackerQueries.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

const REMOTE = { address: '10.1.2.3' };

/** The code of the TrackerError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, TrackerError);

const parse = (raw: string, options?: AnnounceQueryOptions) => parseAnnounceQuery(raw, REMOTE, options);

describe('parseAnnounceQuery', () => {
  it('parses a full announce, binary info-hash byte for byte', () => {
    const request = parse(announceQuery({ uploaded: '10', downloaded: '20', left: '30', numwant: '7', key: 'abcd', trackerid: 't1' }));
    expect(request).to.deep.equal({
      infoHash: BINARY_INFO_HASH,
      peerId: peerIdOf(1),
      host: '10.1.2.3',
      family: 4,
      port: 6881,
      uploaded: 10,
      downloaded: 20,
      left: 30,
      event: 'started',
      numwant: 7,
      compact: true,
      noPeerId: false,
      key: Uint8Array.from('abcd', (c) => c.charCodeAt(0)),
      trackerId: Uint8Array.from('t1', (c) => c.charCodeAt(0)),
    });
  });

  it('reads + as a space, like %20', () => {
    const raw = announceQuery({ info_hash: escapeBytes(BINARY_INFO_HASH).replace(/%20/g, '+') });
    expect(parse(raw).infoHash).to.deep.equal(BINARY_INFO_HASH);
  });

  it('fills in defaults: uploaded/downloaded 0, left unknown, event none, numwant 50, compact', () => {
    const request = parse(announceQuery({ uploaded: null, downloaded: null, left: null, event: null, compact: null }));
    expect(request).to.include({ uploaded: 0, downloaded: 0, left: undefined, event: 'none', numwant: 50, compact: true, noPeerId: false });
  });

  for (const [raw, event] of [['', 'none'], ['empty', 'none'], ['none', 'none'], ['started', 'started'], ['completed', 'completed'], ['stopped', 'stopped']]) {
    it(`reads event=${raw} as ${event}`, () => expect(parse(announceQuery({ event: raw! })).event).to.equal(event));
  }

  it('caps numwant at maxNumwant (200 by default)', () => {
    expect(parse(announceQuery({ numwant: '1000' })).numwant).to.equal(200);
    expect(parse(announceQuery({ numwant: '1000' }), { maxNumwant: 30 }).numwant).to.equal(30);
    expect(parse(announceQuery({ numwant: '0' })).numwant).to.equal(0);
  });

  it('reads the dictionary form and no_peer_id', () => {
    expect(parse(announceQuery({ compact: '0', no_peer_id: '1' }))).to.include({ compact: false, noPeerId: true });
  });

  it('ignores unknown parameters, even repeated ones', () => {
    expect(parse(`${announceQuery()}&supportcrypto=1&ipv6=x&ipv6=y&corrupt=0`).port).to.equal(6881);
  });

  it('ignores ip unless allowed, then honours it (IP literals only)', () => {
    expect(parse(announceQuery({ ip: '192.0.2.9' })).host).to.equal('10.1.2.3');
    expect(parse(announceQuery({ ip: 'garbage%FF' })).host).to.equal('10.1.2.3');
    expect(parse(announceQuery({ ip: '192.0.2.9' }), { allowIpParam: true })).to.include({ host: '192.0.2.9', family: 4 });
    expect(parse(announceQuery({ ip: '2001:DB8:0::1' }), { allowIpParam: true })).to.include({ host: '2001:db8::1', family: 6 });
    expect(codeOf(() => parse(announceQuery({ ip: 'tracker.example' }), { allowIpParam: true }))).to.equal('ERR_TRACKER_BAD_PARAMETER');
  });

  it('unwraps an IPv4-mapped socket address and canonicalises IPv6', () => {
    expect(parseAnnounceQuery(announceQuery(), { address: '::ffff:127.0.0.1' })).to.include({ host: '127.0.0.1', family: 4 });
    expect(parseAnnounceQuery(announceQuery(), { address: '0:0:0:0:0:0:0:1' })).to.include({ host: '::1', family: 6 });
  });

  it('refuses a request whose address is unknown', () => {
    expect(codeOf(() => parseAnnounceQuery(announceQuery(), { address: '' }))).to.equal('ERR_TRACKER_BAD_PEER_ADDRESS');
  });

  describe('refuses malformed queries with a typed error', () => {
    for (const [what, raw, code] of MALFORMED_ANNOUNCES) {
      it(what, () => {
        let caught: unknown;
        try {
          parse(raw);
        } catch (err) {
          caught = err;
        }
        expect(caught).to.be.instanceOf(TrackerError);
        expect((caught as TrackerError).code).to.equal(code);
        expect((caught as TrackerError).message).to.be.a('string').and.not.equal('');
      });
    }
  });

  it('echoes bad values escaped, never raw bytes', () => {
    try {
      parse(announceQuery({ uploaded: '%FF%00x' }));
      expect.fail('should throw');
    } catch (err) {
      expect((err as Error).message).to.equal('uploaded must be a non-negative integer below 2^53, got "%FF%00x"');
    }
  });

  it('fuzz: a structured query parses or throws only TrackerError', () => {
    const value = fc.oneof(
      fc.uint8Array({ maxLength: 24 }).map(escapeBytes),
      fc.string({ unit: fc.constantFrom('%', '+', '-', '0', '1', '9', 'a', 'F', '.', '=', ':'), maxLength: 24 }),
      fc.constantFrom('', '0', '1', '65535', '65536', 'started', 'stopped', 'completed', '-1', '1e3'),
    );
    const keys = fc.constantFrom('info_hash', 'peer_id', 'port', 'uploaded', 'downloaded', 'left', 'event', 'numwant', 'compact', 'no_peer_id', 'key', 'trackerid', 'ip', 'x');
    const query = fc.array(fc.tuple(keys, value), { maxLength: 14 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
    fc.assert(fc.property(query, fc.boolean(), (raw, allowIpParam) => {
      try {
        parse(raw, { allowIpParam });
      } catch (err) {
        expect(err).to.be.instanceOf(TrackerError);
      }
    }), { numRuns: 1000 });
  });

  it('fuzz: any string parses or throws only TrackerError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (raw) => {
      try {
        parse(raw);
      } catch (err) {
        expect(err).to.be.instanceOf(TrackerError);
      }
    }), { numRuns: 500 });
  });
});

describe('parseScrapeQuery', () => {
  const hashes = [BINARY_INFO_HASH, new Uint8Array(20).fill(0x20), new Uint8Array(20).fill(0xff)];
  const scrapeQuery = (list: Uint8Array[]): string => list.map((h) => `info_hash=${escapeBytes(h)}`).join('&');

  it('reads every info_hash byte for byte, in order, without duplicates', () => {
    expect(parseScrapeQuery(`${scrapeQuery([...hashes, hashes[0]!])}&other=1`).infoHashes).to.deep.equal(hashes);
  });

  const refused: Array<[string, string, string]> = [
    ['no info_hash (a full scrape)', 'x=1', 'ERR_TRACKER_MISSING_PARAMETER'],
    ['an empty query', '', 'ERR_TRACKER_MISSING_PARAMETER'],
    ['a 19-byte info_hash', scrapeQuery([BINARY_INFO_HASH.subarray(1)]), 'ERR_TRACKER_BAD_INFO_HASH'],
    ['a 21-byte one among good ones', scrapeQuery([...hashes, new Uint8Array(21)]), 'ERR_TRACKER_BAD_INFO_HASH'],
    ['a broken escape', `${scrapeQuery(hashes)}%`, 'ERR_TRACKER_BAD_QUERY'],
    ['more than maxInfoHashes', scrapeQuery(new Array<Uint8Array>(65).fill(BINARY_INFO_HASH)), 'ERR_TRACKER_TOO_MANY_INFO_HASHES'],
    ['an oversize query', `${scrapeQuery(hashes)}&pad=${'x'.repeat(9000)}`, 'ERR_TRACKER_QUERY_TOO_LONG'],
  ];
  for (const [what, raw, code] of refused) {
    it(`refuses ${what}`, () => expect(codeOf(() => parseScrapeQuery(raw))).to.equal(code));
  }
});
