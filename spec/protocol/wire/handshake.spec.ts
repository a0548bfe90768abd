import { expect } from 'chai';
import fc from 'fast-check';
import { HANDSHAKE_LENGTH, decodeHandshake, encodeHandshake } from '../../../src/protocol/wire/index.js';
import { ascii, concat, wireCode } from './wireFixtures.js';

const infoHash = new Uint8Array(20).fill(0xaa);
const peerId = ascii('-RX0100-abcdefghijkl');

describe('handshake', () => {
  it('lays out pstrlen, pstr, reserved, info-hash and peer id (BEP 3)', () => {
    const bytes = encodeHandshake({ infoHash, peerId });
    expect(bytes).to.have.length(HANDSHAKE_LENGTH);
    expect(bytes[0]).to.equal(19);
    expect(bytes.subarray(1, 20)).to.deep.equal(ascii('BitTorrent protocol'));
    expect(bytes.subarray(20, 28)).to.deep.equal(new Uint8Array(8));
    expect(bytes.subarray(28, 48)).to.deep.equal(infoHash);
    expect(bytes.subarray(48)).to.deep.equal(peerId);
  });

  it('puts each extension on its reserved bit', () => {
    const reserved = (extensions: object): number[] => [...encodeHandshake({ infoHash, peerId, extensions }).subarray(20, 28)];
    expect(reserved({ extended: true })).to.deep.equal([0, 0, 0, 0, 0, 0x10, 0, 0]);
    expect(reserved({ fast: true })).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0x04]);
    expect(reserved({ dht: true })).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0x01]);
    expect(reserved({ v2: true }), 'BEP 52').to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0x10]);
  });

  it('round-trips (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.record({ extended: fc.boolean(), fast: fc.boolean(), dht: fc.boolean(), v2: fc.boolean() }),
        (hash, id, extensions) => {
          const decoded = decodeHandshake(encodeHandshake({ infoHash: hash, peerId: id, extensions }));
          expect(decoded.infoHash).to.deep.equal(hash);
          expect(decoded.peerId).to.deep.equal(id);
          expect(decoded.extensions).to.deep.equal(extensions);
        },
      ),
    );
  });

  it('reads extension bits among other reserved bits and keeps all 8 bytes', () => {
    const bytes = encodeHandshake({ infoHash, peerId });
    bytes.set([0x80, 0, 0, 0, 0, 0x18, 0, 0x05], 20);
    const { extensions, reserved } = decodeHandshake(bytes);
    expect(extensions).to.deep.equal({ extended: true, fast: true, dht: true, v2: false });
    expect([...reserved]).to.deep.equal([0x80, 0, 0, 0, 0, 0x18, 0, 0x05]);
    bytes[27] = 0x15;
    expect(decodeHandshake(bytes).extensions).to.deep.equal({ extended: true, fast: true, dht: true, v2: true });
  });

  it('copies the ids out of the input', () => {
    const bytes = encodeHandshake({ infoHash, peerId });
    const decoded = decodeHandshake(bytes);
    bytes.fill(0);
    expect(decoded.infoHash).to.deep.equal(infoHash);
    expect(decoded.peerId).to.deep.equal(peerId);
  });

  it('refuses a wrong protocol string, garbage and a wrong length', () => {
    const good = encodeHandshake({ infoHash, peerId });
    const wrongName = good.slice();
    wrongName[19] = 0x58;
    expect(wireCode(() => decodeHandshake(wrongName))).to.equal('ERR_WIRE_BAD_PROTOCOL');
    const wrongLength = good.slice();
    wrongLength[0] = 18;
    expect(wireCode(() => decodeHandshake(wrongLength))).to.equal('ERR_WIRE_BAD_PROTOCOL');
    const http = concat([ascii('GET /announce HTTP/1.1\r\n'), new Uint8Array(44)]);
    expect(wireCode(() => decodeHandshake(http))).to.equal('ERR_WIRE_BAD_PROTOCOL');
    expect(wireCode(() => decodeHandshake(good.subarray(0, 67)))).to.equal('ERR_WIRE_BAD_LENGTH');
  });

  it('refuses ids that are not 20 bytes when encoding', () => {
    expect(wireCode(() => encodeHandshake({ infoHash: new Uint8Array(19), peerId }))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
    expect(wireCode(() => encodeHandshake({ infoHash, peerId: new Uint8Array(32) }))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
  });
});
