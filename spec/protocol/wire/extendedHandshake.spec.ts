import { expect } from 'chai';
import fc from 'fast-check';
import { WireError } from '../../../src/errors.js';
import { decodeExtendedHandshake, encodeExtendedHandshake } from '../../../src/protocol/wire/index.js';
import type { ExtendedHandshake } from '../../../src/protocol/wire/index.js';
import { ascii, wireCode } from './wireFixtures.js';

describe('extension handshake (BEP 10)', () => {
  it('encodes BEP 10 keys, sorted', () => {
    const bytes = encodeExtendedHandshake({
      extensions: { ut_pex: 1, ut_metadata: 2 },
      client: 'rxtorrent 0.1.0',
      port: 6881,
      yourIp: Uint8Array.of(127, 0, 0, 1),
      requestQueueSize: 250,
      metadataSize: 31235,
    });
    expect(String.fromCharCode(...bytes)).to.equal(
      'd1:md11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e4:reqqi250e' +
        '1:v15:rxtorrent 0.1.06:yourip4:\x7f\x00\x00\x01e',
    );
  });

  it('decodes a handshake as qBittorrent sends it, ignoring unknown keys', () => {
    const bytes = ascii(
      'd12:complete_agoi-1e1:md11:lt_donthavei7e10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e' +
        '11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei5713e4:reqqi500e11:upload_onlyi0e' +
        '1:v17:qBittorrent/4.6.36:yourip4:\xc0\xa8\x00\x02e',
    );
    expect(decodeExtendedHandshake(bytes)).to.deep.equal({
      extensions: { lt_donthave: 7, share_mode: 8, upload_only: 3, ut_holepunch: 4, ut_metadata: 2, ut_pex: 1 },
      client: 'qBittorrent/4.6.3',
      requestQueueSize: 500,
      metadataSize: 5713,
      yourIp: Uint8Array.of(192, 168, 0, 2),
    });
  });

  it('round-trips (property)', () => {
    const arb: fc.Arbitrary<ExtendedHandshake> = fc.record(
      {
        // `__proto__` is refused on decode (ERR_BENCODE_RESERVED_KEY, see the table below).
        extensions: fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/).filter((k) => k !== '__proto__'), fc.integer({ min: 0, max: 255 })),
        client: fc.string({ maxLength: 40 }),
        port: fc.integer({ min: 1, max: 65535 }),
        yourIp: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 })),
        requestQueueSize: fc.integer({ min: 1, max: 0x7fffffff }),
        metadataSize: fc.integer({ min: 1, max: 0x7fffffff }),
      },
      { requiredKeys: ['extensions'] },
    );
    fc.assert(fc.property(arb, (handshake) => {
      // Lone surrogates cannot survive UTF-8; compare with what the encoder could carry.
      const expected = handshake.client === undefined
        ? handshake
        : { ...handshake, client: new TextDecoder().decode(new TextEncoder().encode(handshake.client)) };
      expect(decodeExtendedHandshake(encodeExtendedHandshake(handshake))).to.deep.equal(expected);
    }));
  });

  describe('refuses malformed payloads with a stable code', () => {
    const table: [string, string, string][] = [
      ['empty', '', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['not a dict', 'li1ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['truncated', 'd1:md11:ut_metadatai2e', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['trailing bytes', 'd1:pi1eexx', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['non-canonical integer', 'd1:pi01ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['negative zero', 'd1:pi-0ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['negative string length', 'd1:m-1:ae', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['string length past the end', 'd1:v99:abce', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['an extension named __proto__', 'd1:md9:__proto__i1eee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['nesting bomb', `d1:x${'l'.repeat(50)}${'e'.repeat(50)}e`, 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['m not a dict', 'd1:mi1ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['m id over 255', 'd1:md6:ut_pexi256eee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['m id negative', 'd1:md6:ut_pexi-1eee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['m id a string', 'd1:md6:ut_pex1:1ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['p over 65535', 'd1:pi65536ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['p a string', 'd1:p4:6881e', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['v an integer', 'd1:vi1ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['yourip of 5 bytes', 'd6:yourip5:abcdee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['reqq 0', 'd4:reqqi0ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['metadata_size negative', 'd13:metadata_sizei-5ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
      ['duplicate key', 'd1:pi1e1:pi2ee', 'ERR_WIRE_BAD_EXTENDED_HANDSHAKE'],
    ];
    for (const [name, text, code] of table) {
      it(`${name} → ${code}`, () => expect(wireCode(() => decodeExtendedHandshake(ascii(text)))).to.equal(code));
    }

    it('a payload over the cap → ERR_WIRE_FRAME_TOO_LONG', () => {
      const big = ascii(`d1:x65530:${'a'.repeat(65530)}e`);
      expect(wireCode(() => decodeExtendedHandshake(big))).to.equal('ERR_WIRE_FRAME_TOO_LONG');
      expect(decodeExtendedHandshake(big, 70000)).to.deep.equal({ extensions: {} });
    });
  });

  it('never reads inherited properties: a __proto__ key is refused, constructor is an own key', () => {
    expect(wireCode(() => decodeExtendedHandshake(ascii('d9:__proto__d1:pi1eee')))).to.equal('ERR_WIRE_BAD_EXTENDED_HANDSHAKE');
    expect(decodeExtendedHandshake(ascii('d1:md11:constructori3eee'))).to.deep.equal({ extensions: { constructor: 3 } });
    expect(decodeExtendedHandshake(ascii('d8:toStringi1ee'))).to.deep.equal({ extensions: {} });
  });

  it('refuses values it cannot encode', () => {
    const bad: ExtendedHandshake[] = [
      { extensions: { ut_pex: 256 } },
      { extensions: {}, port: 0 },
      { extensions: {}, yourIp: new Uint8Array(6) },
      { extensions: {}, requestQueueSize: 0.5 },
      { extensions: {}, metadataSize: -1 },
    ];
    for (const handshake of bad) expect(wireCode(() => encodeExtendedHandshake(handshake))).to.equal('ERR_WIRE_INVALID_ARGUMENT');
  });

  it('throws nothing but WireError on random payloads (property)', () => {
    const bencodeish = fc.array(fc.constantFrom(...'dlie0123456789:-mpvx'.split('')), { maxLength: 40 }).map((cs) => ascii(cs.join('')));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 60 }), bencodeish), (payload) => {
      try {
        decodeExtendedHandshake(payload);
      } catch (err) {
        expect(err).to.be.instanceOf(WireError);
      }
    }), { numRuns: 3000 });
  });
});
