import { expect } from 'chai';
import bencode from 'bencode';
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from '../../../src/protocol/tracker/reply.js';
import type { AnnounceReply } from '../../../src/protocol/tracker/reply.js';
import { BINARY_INFO_HASH, peerIdOf } from './trackerQueries.js';

const latin1 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

const reply: AnnounceReply = {
  interval: 600,
  minInterval: 60,
  complete: 1,
  incomplete: 2,
  peers: [
    { host: '10.0.0.1', port: 6881, peerId: peerIdOf(2) },
    { host: '2001:db8::1', port: 6882, peerId: peerIdOf(3) },
  ],
};

describe('tracker replies', () => {
  it('encodes a compact reply with peers and peers6', () => {
    const decoded = bencode.decode(encodeAnnounceReply(reply, { compact: true, noPeerId: false }));
    expect(decoded).to.deep.equal({
      interval: 600,
      'min interval': 60,
      complete: 1,
      incomplete: 2,
      peers: Uint8Array.of(10, 0, 0, 1, 0x1a, 0xe1),
      peers6: Uint8Array.of(0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1, 0x1a, 0xe2),
    });
  });

  it('leaves out peers6 when there is no IPv6 peer, and keeps an empty peers', () => {
    const bytes = encodeAnnounceReply({ ...reply, peers: [] }, { compact: true, noPeerId: false });
    expect(Buffer.from(bytes).toString('latin1')).to.equal('d8:completei1e10:incompletei2e8:intervali600e12:min intervali60e5:peers0:e');
  });

  it('encodes the dictionary form with and without peer ids', () => {
    const withIds = bencode.decode(encodeAnnounceReply(reply, { compact: false, noPeerId: false }));
    expect(withIds.peers).to.deep.equal([
      { ip: latin1('10.0.0.1'), port: 6881, 'peer id': peerIdOf(2) },
      { ip: latin1('2001:db8::1'), port: 6882, 'peer id': peerIdOf(3) },
    ]);
    const withoutIds = bencode.decode(encodeAnnounceReply(reply, { compact: false, noPeerId: true }));
    expect(withoutIds.peers).to.deep.equal([{ ip: latin1('10.0.0.1'), port: 6881 }, { ip: latin1('2001:db8::1'), port: 6882 }]);
  });

  it('encodes a failure', () => {
    expect(Buffer.from(encodeFailure('port is missing')).toString('latin1')).to.equal('d14:failure reason15:port is missinge');
  });

  it('encodes scrape files under their raw info-hash, keys sorted bytewise', () => {
    const low = new Uint8Array(20).fill(0x20);
    const bytes = encodeScrapeReply([
      { infoHash: BINARY_INFO_HASH, complete: 1, incomplete: 2, downloaded: 3 },
      { infoHash: low, complete: 0, incomplete: 0, downloaded: 0 },
    ]);
    expect(bytes).to.deep.equal(concat(
      latin1('d5:filesd20:'), low, latin1('d8:completei0e10:downloadedi0e10:incompletei0ee'),
      latin1('20:'), BINARY_INFO_HASH, latin1('d8:completei1e10:downloadedi3e10:incompletei2ee'),
      latin1('ee'),
    ));
  });

  it('encodes an empty scrape', () => {
    expect(Buffer.from(encodeScrapeReply([])).toString('latin1')).to.equal('d5:filesdee');
  });
});
