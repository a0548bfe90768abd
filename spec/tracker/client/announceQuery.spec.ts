import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerError } from '../../../src/errors.js';
import { parseAnnounceQuery } from '../../../src/protocol/tracker/announceRequest.js';
import { announceUrl, encodeAnnounceQuery, percentEncodeBytes } from '../../../src/protocol/tracker/announceQuery.js';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import { BINARY_INFO_HASH, peerIdOf } from '../../protocol/tracker/trackerQueries.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

const base: AnnounceParams = { infoHash: BINARY_INFO_HASH, peerId: peerIdOf(1), port: 6881, uploaded: 0, downloaded: 0, left: 1000 };
const twenty = fc.uint8Array({ minLength: 20, maxLength: 20 });
const opaque = fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined });

/** The code of the TrackerError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, TrackerError);

describe('encodeAnnounceQuery (client side of BEP 3)', () => {
  it('percent-encodes every byte, %20 for a space and never +', () => {
    const encoded = percentEncodeBytes(Uint8Array.of(0x20, 0x2b, 0x41, 0xff, 0x00));
    expect(encoded).to.equal('%20%2B%41%FF%00');
    fc.assert(fc.property(fc.uint8Array(), (bytes) => {
      expect(percentEncodeBytes(bytes)).to.match(/^(%[0-9A-F]{2})*$/).and.have.length(3 * bytes.length);
    }));
  });

  it('writes the parameters in a fixed order, leaving out what is unset', () => {
    const query = encodeAnnounceQuery({ ...base, infoHash: new Uint8Array(20).fill(0x20) });
    expect(query).to.equal(`info_hash=${'%20'.repeat(20)}&peer_id=${percentEncodeBytes(peerIdOf(1))}` +
      '&port=6881&uploaded=0&downloaded=0&left=1000&compact=1');
    const full = encodeAnnounceQuery({
      ...base, event: 'started', numwant: 30, key: Uint8Array.of(0x61), trackerId: Uint8Array.of(0xfe), compact: false, noPeerId: true,
    });
    expect(full).to.match(/&compact=0&no_peer_id=1&event=started&numwant=30&key=%61&trackerid=%FE$/);
    expect(encodeAnnounceQuery({ ...base, event: 'none' })).to.not.include('event=');
  });

  it('round-trips through the server parser, bytes and numbers intact (property)', () => {
    const params = fc.record({
      infoHash: twenty,
      peerId: twenty,
      port: fc.integer({ min: 1, max: 65535 }),
      uploaded: fc.maxSafeNat(),
      downloaded: fc.maxSafeNat(),
      left: fc.maxSafeNat(),
      event: fc.constantFrom('none', 'started', 'completed', 'stopped' as const),
      numwant: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
      key: opaque,
      trackerId: opaque,
      compact: fc.boolean(),
      noPeerId: fc.boolean(),
    });
    fc.assert(fc.property(params, (p) => {
      const parsed = parseAnnounceQuery(encodeAnnounceQuery(p), { address: '10.0.0.1' }, { maxNumwant: 10_000, defaultNumwant: 7 });
      expect(parsed).to.deep.equal({
        infoHash: p.infoHash, peerId: p.peerId, host: '10.0.0.1', family: 4, port: p.port,
        uploaded: p.uploaded, downloaded: p.downloaded, left: p.left, event: p.event, numwant: p.numwant ?? 7,
        compact: p.compact, noPeerId: p.noPeerId, key: p.key, trackerId: p.trackerId,
      });
    }));
  });

  const bad: Array<[string, Partial<AnnounceParams>, string]> = [
    ['a 19-byte info-hash', { infoHash: new Uint8Array(19) }, 'ERR_TRACKER_BAD_INFO_HASH'],
    ['a 21-byte peer id', { peerId: new Uint8Array(21) }, 'ERR_TRACKER_BAD_PEER_ID'],
    ['port 0', { port: 0 }, 'ERR_TRACKER_BAD_PORT'],
    ['port 65536', { port: 65536 }, 'ERR_TRACKER_BAD_PORT'],
    ['a fractional port', { port: 1.5 }, 'ERR_TRACKER_BAD_PORT'],
    ['negative uploaded', { uploaded: -1 }, 'ERR_TRACKER_BAD_PARAMETER'],
    ['fractional left', { left: 0.5 }, 'ERR_TRACKER_BAD_PARAMETER'],
    ['left beyond 2^53', { left: 2 ** 53 }, 'ERR_TRACKER_BAD_PARAMETER'],
    ['NaN numwant', { numwant: NaN }, 'ERR_TRACKER_BAD_PARAMETER'],
    ['a 65-byte key', { key: new Uint8Array(65) }, 'ERR_TRACKER_BAD_PARAMETER'],
    ['a 65-byte tracker id', { trackerId: new Uint8Array(65) }, 'ERR_TRACKER_BAD_PARAMETER'],
  ];
  for (const [what, override, code] of bad) {
    it(`refuses ${what} with ${code}`, () => {
      expect(codeOf(() => encodeAnnounceQuery({ ...base, ...override }))).to.equal(code);
    });
  }
});

describe('announceUrl', () => {
  const query = encodeAnnounceQuery(base);
  it('appends the query after ? or after the query the URL already has', () => {
    expect(announceUrl('http://t.example/announce', base)).to.equal(`http://t.example/announce?${query}`);
    expect(announceUrl('http://t.example/a?passkey=x', base)).to.equal(`http://t.example/a?passkey=x&${query}`);
    expect(announceUrl('http://t.example/a?', base)).to.equal(`http://t.example/a?${query}`);
    expect(announceUrl('http://t.example/a?k=v&', base)).to.equal(`http://t.example/a?k=v&${query}`);
  });

  it('drops a fragment, which is never sent', () => {
    expect(announceUrl('http://t.example/announce#x?y', base)).to.equal(`http://t.example/announce?${query}`);
  });
});
