import { expect } from 'chai';
import { PEER_ID_PREFIX, describePeerId, generatePeerId } from '../../../src/protocol/wire/index.js';
import { ascii, concat } from './wireFixtures.js';

/** A 20-byte id: `head` then filler. */
const id = (head: string | Uint8Array): Uint8Array => {
  const bytes = typeof head === 'string' ? ascii(head) : head;
  return concat([bytes, ascii('x'.repeat(20 - bytes.length))]);
};

describe('peer ids', () => {
  describe('generatePeerId', () => {
    it('is -RX0100- followed by 12 bytes from the injected RNG', () => {
      const bytes = generatePeerId(() => 0.5);
      expect(bytes).to.have.length(20);
      expect(String.fromCharCode(...bytes.subarray(0, 8))).to.equal(PEER_ID_PREFIX).and.to.equal('-RX0100-');
      expect([...bytes.subarray(8)]).to.deep.equal(new Array(12).fill(128));
      expect([...generatePeerId(() => 0.999999).subarray(8)]).to.deep.equal(new Array(12).fill(255));
    });

    it('uses crypto randomness by default', () => {
      const a = generatePeerId();
      const b = generatePeerId();
      expect(a.subarray(0, 8)).to.deep.equal(ascii(PEER_ID_PREFIX));
      expect(a.subarray(8)).not.to.deep.equal(b.subarray(8));
    });

    it('describes itself', () => {
      expect(describePeerId(generatePeerId())).to.deep.equal({ client: 'rxtorrent', version: '0.1.0' });
    });
  });

  describe('describePeerId', () => {
    const table: [string | Uint8Array, string, string][] = [
      ['-LT2080-', 'libtorrent (Rasterbar)', '2.0.8'],
      ['-LT20A0-', 'libtorrent (Rasterbar)', '2.0.10'],
      ['-lt0D60-', 'libTorrent (Rakshasa)', '0.13.6'],
      ['-TR3000-', 'Transmission', '3.00'],
      ['-TR4060-', 'Transmission', '4.06'],
      ['-TR0072-', 'Transmission', '0.72'],
      ['-TR0006-', 'Transmission', '0.6'],
      ['-TR111Z-', 'Transmission', '1.11+'],
      ['-qB4630-', 'qBittorrent', '4.6.3'],
      ['-AZ5770-', 'Vuze', '5.7.7.0'],
      ['-UT3550-', 'µTorrent', '3.5.5'],
      ['-UT220B-', 'µTorrent', '2.2.0 (Beta)'],
      ['-DE13F0-', 'Deluge', '1.3.15.0'],
      ['-BT7A50-', 'BitTorrent', '7.10.5'],
      ['-BC0200-', 'BitComet', '2.00'],
      ['-WW0102-', 'WebTorrent', '1.2'],
      ['-RX0100-', 'rxtorrent', '0.1.0'],
      ['-ZZ1234-', 'ZZ', '1.2.3.4'],
      ['A2-1-36-0-', 'aria2', '1.36.0'],
      ['A2-1-9-12-', 'aria2', '1.9.12'],
      ['M7-2-0--', 'BitTorrent (Mainline)', '7.2.0'],
      ['M4-20-8-', 'BitTorrent (Mainline)', '4.20.8'],
      ['Q1-10-0-', 'Queen Bee', '1.10.0'],
      ['S58B-----', 'Shad0w', '5.8.11'],
      ['T03I-----', 'BitTornado', '0.3.18'],
      [concat([ascii('exbc'), Uint8Array.of(0, 59)]), 'BitComet', '0.59'],
    ];
    for (const [head, client, version] of table) {
      it(`${typeof head === 'string' ? head : 'exbc'} → ${client} ${version}`, () => {
        expect(describePeerId(id(head))).to.deep.equal({ client, version });
      });
    }

    it('returns undefined for ids that follow no convention', () => {
      expect(describePeerId(new Uint8Array(20))).to.equal(undefined);
      expect(describePeerId(id('xyzzy'))).to.equal(undefined);
      expect(describePeerId(id('-LT20'))).to.equal(undefined);
      expect(describePeerId(ascii('-LT2080-'))).to.equal(undefined);
    });
  });
});
