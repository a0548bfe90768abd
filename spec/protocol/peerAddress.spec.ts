import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerError } from '../../src/errors.js';
import { bytesToIp, formatPeerAddress, ipToBytes, normalizeIp, parsePeerAddress } from '../../src/protocol/peerAddress.js';
import { codeOf as codeOfError } from '../helpers/errors.js';

/** The code of the TrackerError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, TrackerError);

describe('peer addresses', () => {
  const good: Array<[string, string, number]> = [
    ['1.2.3.4:5', '1.2.3.4', 5],
    ['127.0.0.8:42420', '127.0.0.8', 42420],
    ['[::1]:6', '::1', 6],
    ['[2001:DB8:0:0:0:0:0:7]:65535', '2001:db8::7', 65535],
    ['[::ffff:10.0.0.1]:80', '10.0.0.1', 80],
    ['Peer.Example:6881', 'peer.example', 6881],
    ['localhost:1', 'localhost', 1],
  ];
  for (const [text, host, port] of good) {
    it(`parses ${text}`, () => expect(parsePeerAddress(text)).to.deep.equal({ host, port }));
  }

  const bad = [
    '', '1.2.3.4', '1.2.3.4:', '1.2.3.4:0', '1.2.3.4:65536', '1.2.3.4:-1', '1.2.3.4:+80', '1.2.3.4:0x50',
    '::1:80', '[::1]', '[1.2.3.4]:80', '[::1:80', '1.2.3.256:80', '01.2.3.4:80', '1.2.3:80', '[fe80::1%eth0]:80',
    '[1::2::3]:80', '[1:2:3:4:5:6:7:8:9]:80', 'bad_host:80', '-host:80', ' 1.2.3.4:80', 'a..b:80',
  ];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => expect(codeOf(() => parsePeerAddress(text))).to.equal('ERR_TRACKER_BAD_PEER_ADDRESS'));
  }

  it('formats IPv6 hosts in brackets', () => {
    expect(formatPeerAddress({ host: '1.2.3.4', port: 5 })).to.equal('1.2.3.4:5');
    expect(formatPeerAddress({ host: '::1', port: 6 })).to.equal('[::1]:6');
  });

  it('round-trips format → parse for IP addresses (property)', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6()).map((h) => normalizeIp(h)!.host);
    fc.assert(fc.property(host, fc.integer({ min: 1, max: 65535 }), (h, port) => {
      expect(parsePeerAddress(formatPeerAddress({ host: h, port }))).to.deep.equal({ host: h, port });
    }));
  });

  it('formats IPv6 as RFC 5952 text, as the WHATWG URL parser does (property)', () => {
    const notMapped = fc.ipV6().filter((h) => !ipToBytes(h)!.subarray(0, 12).every((b, i) => b === (i < 10 ? 0 : 0xff)));
    fc.assert(fc.property(notMapped, (h) => {
      expect(`[${bytesToIp(ipToBytes(h)!)}]`).to.equal(new URL(`http://[${h}]/`).hostname);
    }));
  });

  it('compresses the first of two equal zero runs, and never a single zero word', () => {
    expect(bytesToIp(ipToBytes('1:0:0:2:3:0:0:4')!)).to.equal('1::2:3:0:0:4');
    expect(bytesToIp(ipToBytes('1:0:2:3:4:5:6:7')!)).to.equal('1:0:2:3:4:5:6:7');
    expect(bytesToIp(new Uint8Array(16))).to.equal('::');
  });

  it('keeps a mapped address mapped in bytesToIp, unwraps it in normalizeIp', () => {
    const bytes = ipToBytes('::ffff:1.2.3.4')!;
    expect(bytesToIp(bytes)).to.equal('::ffff:1.2.3.4');
    expect(normalizeIp('::FFFF:0102:0304')).to.deep.equal({ host: '1.2.3.4', family: 4 });
  });

  it('refuses byte strings that are not 4 or 16 long', () => {
    expect(codeOf(() => bytesToIp(new Uint8Array(6)))).to.equal('ERR_TRACKER_BAD_PEER_ADDRESS');
  });
});
