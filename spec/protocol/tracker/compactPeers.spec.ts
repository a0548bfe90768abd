import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerError } from '../../../src/errors.js';
import { normalizeIp } from '../../../src/protocol/peerAddress.js';
import { decodeCompactPeers, encodeCompactPeerLists, encodeCompactPeers, splitByFamily } from '../../../src/protocol/tracker/compactPeers.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

/** The code of the TrackerError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, TrackerError);

const port = fc.integer({ min: 1, max: 65535 });
const canonical = (host: string): string => normalizeIp(host)!.host;

describe('compact peers (BEP 23 / BEP 7)', () => {
  it('encodes IPv4 as 4 address bytes and a big-endian port', () => {
    expect(encodeCompactPeers([{ host: '10.0.0.1', port: 6881 }, { host: '255.1.2.3', port: 1 }], 4))
      .to.deep.equal(Uint8Array.of(10, 0, 0, 1, 0x1a, 0xe1, 255, 1, 2, 3, 0, 1));
  });

  it('encodes IPv6 as 16 address bytes and a big-endian port', () => {
    const bytes = encodeCompactPeers([{ host: '2001:db8::1', port: 0xabcd }], 6);
    expect(bytes).to.deep.equal(Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xab, 0xcd));
  });

  it('encodes no peers as an empty string', () => {
    expect(encodeCompactPeers([], 4)).to.have.length(0);
    expect(decodeCompactPeers(new Uint8Array(0), 6)).to.deep.equal([]);
  });

  it('round-trips IPv4 peers (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ host: fc.ipV4(), port })), (peers) => {
      const expected = peers.map((p) => ({ host: canonical(p.host), port: p.port }));
      expect(decodeCompactPeers(encodeCompactPeers(expected, 4), 4)).to.deep.equal(expected);
    }));
  });

  it('round-trips IPv6 peers in canonical form (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ host: fc.ipV6(), port })), (peers) => {
      const given = peers.map((p) => ({ host: p.host, port: p.port }));
      const decoded = decodeCompactPeers(encodeCompactPeers(given, 6), 6);
      // Mapped addresses keep their IPv6 form in peers6; everything else is RFC 5952 text.
      expect(decoded.map((p) => canonical(p.host))).to.deep.equal(given.map((p) => canonical(p.host)));
      expect(decoded.map((p) => p.port)).to.deep.equal(given.map((p) => p.port));
      expect(encodeCompactPeers(decoded, 6)).to.deep.equal(encodeCompactPeers(given, 6));
    }));
  });

  it('decodes any whole number of entries with non-zero ports (property)', () => {
    const entries = (size: number) => fc.array(fc.uint8Array({ minLength: size, maxLength: size }).filter((e) => (e[size - 2]! | e[size - 1]!) !== 0));
    fc.assert(fc.property(entries(6), (list) => {
      const bytes = Uint8Array.from(list.flatMap((e) => [...e]));
      expect(encodeCompactPeers(decodeCompactPeers(bytes, 4), 4)).to.deep.equal(bytes);
    }));
    fc.assert(fc.property(entries(18), (list) => {
      const bytes = Uint8Array.from(list.flatMap((e) => [...e]));
      expect(encodeCompactPeers(decodeCompactPeers(bytes, 6), 6)).to.deep.equal(bytes);
    }));
  });

  const refused: Array<[string, () => unknown, string]> = [
    ['an IPv4 list of 7 bytes', () => decodeCompactPeers(new Uint8Array(7).fill(1), 4), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['an IPv4 list of 5 bytes', () => decodeCompactPeers(new Uint8Array(5).fill(1), 4), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['an IPv6 list of 12 bytes (a multiple of 6, not 18)', () => decodeCompactPeers(new Uint8Array(12).fill(1), 6), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['an IPv4 peer with port 0', () => decodeCompactPeers(Uint8Array.of(1, 1, 1, 1, 0, 1, 1, 2, 3, 4, 0, 0), 4), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['an IPv6 peer with port 0', () => decodeCompactPeers(new Uint8Array(18), 6), 'ERR_TRACKER_BAD_COMPACT_PEERS'],
    ['encoding an IPv6 host as IPv4', () => encodeCompactPeers([{ host: '::1', port: 1 }], 4), 'ERR_TRACKER_BAD_PEER_ADDRESS'],
    ['encoding a name', () => encodeCompactPeers([{ host: 'peer.example', port: 1 }], 4), 'ERR_TRACKER_BAD_PEER_ADDRESS'],
    ['encoding port 0', () => encodeCompactPeers([{ host: '1.2.3.4', port: 0 }], 4), 'ERR_TRACKER_BAD_PORT'],
    ['encoding port 65536', () => encodeCompactPeers([{ host: '1.2.3.4', port: 65536 }], 4), 'ERR_TRACKER_BAD_PORT'],
  ];
  for (const [what, fn, code] of refused) {
    it(`refuses ${what}`, () => expect(codeOf(fn)).to.equal(code));
  }

  it('splits peers by family and drops names', () => {
    const peers = [{ host: '1.2.3.4', port: 1 }, { host: '::1', port: 2 }, { host: 'peer.example', port: 3 }];
    expect(splitByFamily(peers)).to.deep.equal({ v4: [peers[0]], v6: [peers[1]] });
  });

  it('encodes both lists in one pass exactly as split + encode does (property)', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('peer.example', '010.1.1.1', '1.2.3', '::ffff:1.2.3.4', '256.1.1.1'));
    fc.assert(fc.property(fc.array(fc.record({ host, port })), (peers) => {
      const { v4, v6 } = splitByFamily(peers);
      expect(encodeCompactPeerLists(peers)).to.deep.equal({ v4: encodeCompactPeers(v4, 4), v6: encodeCompactPeers(v6, 6) });
    }), { numRuns: 500 });
    expect(codeOf(() => encodeCompactPeerLists([{ host: '1.2.3.4', port: 0 }]))).to.equal('ERR_TRACKER_BAD_PORT');
  });
});
