import { expect } from 'chai';
import fc from 'fast-check';
import { RxTorrentError, TrackerError } from '../../../src/errors.js';
import { encodeBencode } from '../../../src/protocol/bencode/index.js';
import type { BencodeInput } from '../../../src/protocol/bencode/index.js';
import { normalizeIp } from '../../../src/protocol/peerAddress.js';
import { parseAnnounceResponse } from '../../../src/protocol/tracker/announceResponse.js';
import { encodeAnnounceReply, encodeFailure } from '../../../src/protocol/tracker/reply.js';
import { peerIdOf } from '../../protocol/tracker/trackerQueries.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const canonical = (host: string): string => normalizeIp(host)!.host;
const reply = (fields: Record<string, BencodeInput | undefined>): Uint8Array => encodeBencode({ interval: 600, ...fields });

/** The code of the TrackerError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, TrackerError);

describe('parseAnnounceResponse (client side of BEP 3 / 7 / 23 / 24)', () => {
  const peer = fc.record({
    host: fc.oneof(fc.ipV4(), fc.ipV6()),
    port: fc.integer({ min: 1, max: 65535 }),
    peerId: fc.uint8Array({ minLength: 20, maxLength: 20 }),
  });
  const counts = fc.record({
    interval: fc.integer({ min: 0, max: 2 ** 31 }),
    minInterval: fc.integer({ min: 0, max: 2 ** 31 }),
    complete: fc.maxSafeNat(),
    incomplete: fc.maxSafeNat(),
  });

  it('reads what our server writes, compact (peers + peers6) and dictionary (property)', () => {
    fc.assert(fc.property(counts, fc.array(peer, { maxLength: 30 }), fc.boolean(), fc.boolean(), (c, peers, compact, noPeerId) => {
      const parsed = parseAnnounceResponse(encodeAnnounceReply({ ...c, peers }, { compact, noPeerId }));
      expect(parsed).to.deep.include({ ...c, trackerId: undefined, warning: undefined, externalIp: undefined });
      const ordered = compact ? [...peers.filter((p) => !p.host.includes(':')), ...peers.filter((p) => p.host.includes(':'))] : peers;
      expect(parsed.peers.map((p) => ({ host: canonical(p.host), port: p.port }))).to.deep.equal(
        ordered.map((p) => ({ host: canonical(p.host), port: p.port })),
      );
      const ids = parsed.peers.map((p) => p.peerId);
      expect(ids).to.deep.equal(compact || noPeerId ? ordered.map(() => undefined) : ordered.map((p) => p.peerId));
    }));
  });

  it('reads the optional fields', () => {
    const parsed = parseAnnounceResponse(reply({
      'warning message': 'slow down\nplease', 'tracker id': latin1('tid'), 'external ip': Uint8Array.of(192, 0, 2, 7),
      peers: [{ ip: 'tracker-peer.example', port: 6881 }, { ip: '::ffff:10.0.0.1', port: 1 }],
    }));
    expect(parsed).to.deep.equal({
      interval: 600, minInterval: undefined, complete: undefined, incomplete: undefined, trackerId: latin1('tid'),
      warning: 'slow down please', externalIp: '192.0.2.7',
      peers: [{ host: 'tracker-peer.example', port: 6881 }, { host: '10.0.0.1', port: 1 }],
    });
    expect(parseAnnounceResponse(reply({})).peers).to.deep.equal([]);
  });

  it('turns a failure reason into ERR_TRACKER_FAILURE_REASON carrying the reason', () => {
    const err = (() => {
      try {
        parseAnnounceResponse(encodeFailure('Requested download is not authorized for use with this tracker.'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).to.be.instanceOf(TrackerError).and.include({ code: 'ERR_TRACKER_FAILURE_REASON' });
    expect((err as Error).message).to.equal('Requested download is not authorized for use with this tracker.');
    // A failure wins over everything else, even without an interval.
    expect(codeOf(() => parseAnnounceResponse(encodeBencode({ 'failure reason': 'x', peers: 'bad' })))).to.equal('ERR_TRACKER_FAILURE_REASON');
  });

  const malformed: Array<[string, Uint8Array, string]> = [
    ['an empty body', new Uint8Array(0), 'ERR_TRACKER_BAD_RESPONSE'],
    ['an HTML page', latin1('<html>502 Bad Gateway</html>'), 'ERR_TRACKER_BAD_RESPONSE'],
    ['trailing bytes', latin1('d8:intervali1ee\n'), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a list', latin1('li1ee'), 'ERR_TRACKER_BAD_RESPONSE'],
    ['no interval', encodeBencode({ peers: new Uint8Array(0) }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a negative interval', reply({ interval: -1 }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a string interval', reply({ interval: '600' }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a negative complete', reply({ complete: -3 }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['peers as an integer', reply({ peers: 5 }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a 7-byte compact list', reply({ peers: new Uint8Array(7) }), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['a compact peer with port 0', reply({ peers: Uint8Array.of(1, 2, 3, 4, 0, 0) }), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['a 17-byte peers6', reply({ peers6: new Uint8Array(17) }), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['a dictionary peer without port', reply({ peers: [{ ip: '1.2.3.4' }] }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a dictionary peer that is a string', reply({ peers: ['1.2.3.4:5'] }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a dictionary peer with port 70000', reply({ peers: [{ ip: '1.2.3.4', port: 70000 }] }), 'ERR_TRACKER_BAD_PEER_ADDRESS'],
    ['a dictionary peer with a bad ip', reply({ peers: [{ ip: '1.2.3.256', port: 1 }] }), 'ERR_TRACKER_BAD_PEER_ADDRESS'],
    ['a dictionary peer with a 19-byte peer id', reply({ peers: [{ ip: '1.2.3.4', port: 1, 'peer id': peerIdOf(1).subarray(1) }] }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a 5-byte external ip', reply({ 'external ip': new Uint8Array(5) }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a 65-byte tracker id', reply({ 'tracker id': new Uint8Array(65) }), 'ERR_TRACKER_BAD_RESPONSE'],
    ['a failure reason that is a list', encodeBencode({ 'failure reason': ['x'] }), 'ERR_TRACKER_BAD_RESPONSE'],
  ];
  for (const [what, body, code] of malformed) {
    it(`refuses ${what} with ${code}`, () => {
      expect(codeOf(() => parseAnnounceResponse(body))).to.equal(code);
    });
  }

  it('refuses a body over maxBytes before decoding it', () => {
    const body = reply({ peers: new Uint8Array(600).fill(1) });
    expect(codeOf(() => parseAnnounceResponse(body, { maxBytes: body.length - 1 }))).to.equal('ERR_TRACKER_RESPONSE_TOO_LARGE');
    expect(parseAnnounceResponse(body, { maxBytes: body.length }).peers).to.have.length(100);
  });

  it('caps and cleans the text of a failure reason', () => {
    const err = (() => {
      try {
        parseAnnounceResponse(encodeFailure(`\u0007${'x'.repeat(2000)}`));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).to.match(/^ x{511}\.\.\.$/);
  });

  it('throws only typed errors on arbitrary bytes (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.string().map(latin1)), (bytes) => {
      try {
        parseAnnounceResponse(bytes);
      } catch (err) {
        expect(err).to.be.instanceOf(RxTorrentError);
      }
    }));
  });
});
