import { expect } from 'chai';
import fc from 'fast-check';
import { TrackerError } from '../../../src/errors.js';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import {
  encodeUdpAnnounceReply,
  encodeUdpConnectReply,
  encodeUdpError,
  encodeUdpScrapeReply,
  parseUdpReply,
  udpTransactionIdOf,
} from '../../../src/protocol/tracker/udpReply.js';
import { encodeUdpAnnounce, encodeUdpConnect, udpKeyOf } from '../../../src/protocol/tracker/udpClientPackets.js';
import { parseUdpAnnounce, parseUdpRequest, UDP_ANNOUNCE_LENGTH } from '../../../src/protocol/tracker/udpRequest.js';
import { BINARY_INFO_HASH, peerIdOf } from './trackerQueries.js';
import { codeOf as codeOfError } from '../../helpers/errors.js';

const CONNECTION_ID = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const V4 = { host: '192.0.2.7', family: 4 as const };
const params = (extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(1), port: 6881, uploaded: 5, downloaded: 6, left: 7, event: 'started', ...extra,
});
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** The code of the TrackerError `fn` throws. */
const codeOf = (fn: () => unknown): string | undefined => codeOfError(fn, TrackerError);

describe('UDP tracker packets (BEP 15)', () => {
  it('encodes a connect request with the protocol id, and frames it back', () => {
    const packet = encodeUdpConnect(0xdeadbeef);
    expect(hex(packet)).to.equal('0000041727101980' + '00000000' + 'deadbeef');
    expect(parseUdpRequest(packet)).to.deep.equal({ action: 'connect', transactionId: 0xdeadbeef });
  });

  it('encodes an announce at the BEP 15 offsets and parses it into the HTTP request shape', () => {
    const packet = encodeUdpAnnounce(CONNECTION_ID, 42, params({ key: Uint8Array.from('0a0b0c0d', (c) => c.charCodeAt(0)), numwant: 30 }));
    expect(packet).to.have.length(UDP_ANNOUNCE_LENGTH);
    const framed = parseUdpRequest(packet);
    expect(framed).to.deep.include({ action: 'announce', transactionId: 42, connectionId: CONNECTION_ID });
    expect(parseUdpAnnounce(packet, V4)).to.deep.equal({
      infoHash: BINARY_INFO_HASH, peerId: peerIdOf(1), host: '192.0.2.7', family: 4, port: 6881,
      downloaded: 6, left: 7, uploaded: 5, event: 'started', numwant: 30, compact: true, noPeerId: true,
      key: Uint8Array.of(10, 11, 12, 13), trackerId: undefined,
    });
  });

  it('maps every event, a default numwant of -1, the numwant cap and a negative left', () => {
    for (const event of ['none', 'completed', 'started', 'stopped'] as const) {
      expect(parseUdpAnnounce(encodeUdpAnnounce(CONNECTION_ID, 1, params({ event })), V4).event).to.equal(event);
    }
    expect(parseUdpAnnounce(encodeUdpAnnounce(CONNECTION_ID, 1, params()), V4, { defaultNumwant: 11 }).numwant).to.equal(11);
    expect(parseUdpAnnounce(encodeUdpAnnounce(CONNECTION_ID, 1, params({ numwant: 5000 })), V4).numwant).to.equal(200);
    const unknownLeft = encodeUdpAnnounce(CONNECTION_ID, 1, params());
    new DataView(unknownLeft.buffer).setBigInt64(64, -1n);
    expect(parseUdpAnnounce(unknownLeft, V4).left).to.equal(undefined);
  });

  it('honours the ip field only when allowed', () => {
    const packet = encodeUdpAnnounce(CONNECTION_ID, 1, params());
    packet.set([10, 1, 2, 3], 84);
    expect(parseUdpAnnounce(packet, V4).host).to.equal('192.0.2.7');
    expect(parseUdpAnnounce(packet, V4, { allowIpParam: true }).host).to.equal('10.1.2.3');
  });

  it('refuses port 0 and an unknown event with client-facing codes', () => {
    const packet = encodeUdpAnnounce(CONNECTION_ID, 1, params());
    packet.set([0, 0], 96);
    expect(codeOf(() => parseUdpAnnounce(packet, V4))).to.equal('ERR_TRACKER_BAD_PORT');
    const event = encodeUdpAnnounce(CONNECTION_ID, 1, params());
    event[83] = 9;
    expect(codeOf(() => parseUdpAnnounce(event, V4))).to.equal('ERR_TRACKER_BAD_PARAMETER');
  });

  it('appends the URL path as BEP 41 URLData options, which the server ignores', () => {
    const path = `/announce?passkey=${'x'.repeat(300)}`;
    const packet = encodeUdpAnnounce(CONNECTION_ID, 1, params(), path);
    expect(packet[98]).to.equal(2);
    expect(packet[99]).to.equal(255);
    expect(packet[packet.length - 1]).to.equal(0);
    expect(packet.length).to.equal(98 + 2 + 255 + 2 + (path.length - 255) + 1);
    expect(parseUdpAnnounce(packet, V4).port).to.equal(6881);
    expect(encodeUdpAnnounce(CONNECTION_ID, 1, params(), '/')).to.have.length(98);
  });

  it('folds keys that are not 8 hex digits into 4 bytes, deterministically', () => {
    expect(udpKeyOf(Uint8Array.from('deadBEEF', (c) => c.charCodeAt(0)))).to.deep.equal(Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    expect(udpKeyOf(Uint8Array.of(1, 2, 3, 4, 1))).to.deep.equal(Uint8Array.of(0, 2, 3, 4));
  });

  it('refuses invalid params at encode time', () => {
    expect(codeOf(() => encodeUdpAnnounce(CONNECTION_ID, 1, params({ port: 0 })))).to.equal('ERR_TRACKER_BAD_PORT');
    expect(codeOf(() => encodeUdpAnnounce(CONNECTION_ID, 1, params({ left: -1 })))).to.equal('ERR_TRACKER_BAD_PARAMETER');
    expect(codeOf(() => encodeUdpAnnounce(CONNECTION_ID, 1, params({ infoHash: new Uint8Array(19) })))).to.equal('ERR_TRACKER_BAD_INFO_HASH');
  });

  it('frames a scrape of 1–74 info-hashes, and nothing else', () => {
    const scrape = (n: number, extra = 0): Uint8Array => {
      const packet = new Uint8Array(16 + 20 * n + extra);
      packet.set(CONNECTION_ID);
      new DataView(packet.buffer).setUint32(8, 2);
      for (let i = 0; i < n; i++) packet.fill(i + 1, 16 + 20 * i, 36 + 20 * i);
      return packet;
    };
    const framed = parseUdpRequest(scrape(2));
    expect(framed).to.deep.include({ action: 'scrape', infoHashes: [new Uint8Array(20).fill(1), new Uint8Array(20).fill(2)] });
    expect(parseUdpRequest(scrape(74))).to.not.equal(undefined);
    for (const packet of [scrape(0), scrape(75), scrape(1, 3)]) expect(parseUdpRequest(packet)).to.equal(undefined);
  });

  it('drops short packets, a wrong protocol id, short announces and unknown actions', () => {
    const badMagic = encodeUdpConnect(1);
    badMagic[0] = 1;
    const unknown = encodeUdpConnect(1);
    unknown[11] = 7;
    for (const packet of [new Uint8Array(0), encodeUdpConnect(1).subarray(0, 15), badMagic, unknown,
      encodeUdpAnnounce(CONNECTION_ID, 1, params()).subarray(0, 97)]) {
      expect(parseUdpRequest(packet)).to.equal(undefined);
    }
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      const request = parseUdpRequest(bytes);
      if (request?.action === 'announce') {
        try {
          parseUdpAnnounce(request.packet, V4);
        } catch (err) {
          expect(err).to.be.instanceOf(TrackerError);
        }
      }
    }), { numRuns: 2000 });
  });

  describe('replies', () => {
    const reply = { interval: 900, minInterval: 60, complete: 3, incomplete: 4, peers: [
      { peerId: peerIdOf(1), host: '10.0.0.1', port: 6881 },
      { peerId: peerIdOf(2), host: '2001:db8::1', port: 6882 },
    ] };

    it('round-trips a connect reply (16 bytes, like the request)', () => {
      const packet = encodeUdpConnectReply(77, CONNECTION_ID);
      expect(packet).to.have.length(16);
      expect(udpTransactionIdOf(packet)).to.equal(77);
      expect(parseUdpReply(packet, 4)).to.deep.equal({ action: 'connect', transactionId: 77, connectionId: CONNECTION_ID });
    });

    it('sends IPv4 peers to an IPv4 client and IPv6 peers to an IPv6 one', () => {
      const v4 = parseUdpReply(encodeUdpAnnounceReply(5, reply, 4), 4);
      expect(v4).to.deep.include({ action: 'announce', transactionId: 5 });
      expect(v4.action === 'announce' && v4.response).to.deep.include({ interval: 900, complete: 3, incomplete: 4, peers: [{ host: '10.0.0.1', port: 6881 }] });
      const v6 = encodeUdpAnnounceReply(5, reply, 6);
      expect(v6).to.have.length(20 + 18);
      expect(parseUdpReply(v6, 6)).to.have.nested.property('response.peers').that.deep.equals([{ host: '2001:db8::1', port: 6882 }]);
    });

    it('round-trips a scrape reply in request order', () => {
      const files = [{ infoHash: BINARY_INFO_HASH, complete: 1, incomplete: 2, downloaded: 3 }, { infoHash: new Uint8Array(20), complete: 0, incomplete: 0, downloaded: 9 }];
      expect(parseUdpReply(encodeUdpScrapeReply(8, files), 4)).to.deep.equal({
        action: 'scrape', transactionId: 8, files: files.map(({ complete, incomplete, downloaded }) => ({ complete, incomplete, downloaded })),
      });
    });

    it('cuts an error reply to the size of the request, at a character boundary', () => {
      expect(parseUdpReply(encodeUdpError(9, 'swarm is full'), 4)).to.deep.equal({ action: 'error', transactionId: 9, message: 'swarm is full' });
      const cut = encodeUdpError(9, 'ééé', 8 + 5);
      expect(cut).to.have.length(8 + 4);
      expect(parseUdpReply(cut, 4)).to.include({ message: 'éé' });
    });

    it('refuses malformed replies with ERR_TRACKER_BAD_RESPONSE', () => {
      const announce = encodeUdpAnnounceReply(5, reply, 4);
      for (const packet of [announce.subarray(0, 19), announce.subarray(0, 23), encodeUdpConnectReply(1, CONNECTION_ID).subarray(0, 12),
        Uint8Array.of(0, 0, 0, 9, 0, 0, 0, 1), new Uint8Array(4)]) {
        expect(codeOf(() => parseUdpReply(packet, 4))).to.be.oneOf(['ERR_TRACKER_BAD_RESPONSE', 'ERR_TRACKER_BAD_COMPACT_PEERS']);
      }
    });
  });
});
