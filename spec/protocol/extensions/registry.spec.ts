import { expect } from 'chai';
import fc from 'fast-check';
import { WireError } from '../../../src/errors.js';
import {
  ExtensionRegistry,
  OUR_EXTENSION_IDS,
  offeredExtensions,
  ourHandshakeMessage,
  readPeerExtensionIds,
} from '../../../src/protocol/extensions/index.js';
import { decodeExtendedHandshake, encodeExtendedHandshake } from '../../../src/protocol/wire/index.js';
import { ascii, errorCode } from './extFixtures.js';

const handshake = (extensions: Record<string, number>, more = {}) =>
  ({ type: 'extended' as const, id: 0, payload: encodeExtendedHandshake({ extensions, ...more }) });

describe('extension registry (BEP 10)', () => {
  it('offers ut_metadata and ut_pex, and no ut_pex on a private torrent (BEP 27)', () => {
    expect(OUR_EXTENSION_IDS).to.deep.equal({ ut_metadata: 1, ut_pex: 2 });
    expect(offeredExtensions()).to.deep.equal({ ut_metadata: 1, ut_pex: 2 });
    expect(offeredExtensions({ private: true })).to.deep.equal({ ut_metadata: 1 });
  });

  it('builds our handshake message with m, v, p, reqq and metadata_size', () => {
    const msg = ourHandshakeMessage({ client: 'rxtorrent 0.1.0', port: 6881, requestQueueSize: 250, metadataSize: 31235 });
    expect(msg.type).to.equal('extended');
    expect(msg.id).to.equal(0);
    expect(decodeExtendedHandshake(msg.payload)).to.deep.equal({
      extensions: { ut_metadata: 1, ut_pex: 2 },
      client: 'rxtorrent 0.1.0',
      port: 6881,
      requestQueueSize: 250,
      metadataSize: 31235,
    });
    expect(decodeExtendedHandshake(ourHandshakeMessage({ private: true }).payload)).to.deep.equal({ extensions: { ut_metadata: 1 } });
    expect(errorCode(() => ourHandshakeMessage({ port: 0 }), WireError)).to.equal('ERR_WIRE_INVALID_ARGUMENT');
  });

  describe('readPeerExtensionIds', () => {
    it('keeps known names, drops 0 (disabled) and unknown names', () => {
      expect(readPeerExtensionIds({ ut_metadata: 3, ut_pex: 0, lt_donthave: 7 })).to.deep.equal({ ut_metadata: 3 });
    });
    it('a later handshake is additive: absent names keep their id, 0 disables', () => {
      const first = readPeerExtensionIds({ ut_metadata: 3, ut_pex: 1 });
      expect(readPeerExtensionIds({ ut_pex: 0 }, first)).to.deep.equal({ ut_metadata: 3 });
      expect(readPeerExtensionIds({ ut_metadata: 9 }, first)).to.deep.equal({ ut_metadata: 9, ut_pex: 1 });
    });
    it('ignores inherited keys and impossible ids', () => {
      const m = Object.create({ ut_pex: 5 }) as Record<string, number>;
      m['ut_metadata'] = 256;
      expect(readPeerExtensionIds(m)).to.deep.equal({});
    });
    it('never holds more than the names we know (property)', () => {
      fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 255 }), { maxKeys: 50 }), (m) => {
        const ids = readPeerExtensionIds(m);
        expect(Object.keys(ids).every((k) => k === 'ut_metadata' || k === 'ut_pex')).to.equal(true);
        expect(Object.values(ids).every((id) => id >= 1 && id <= 255)).to.equal(true);
      }));
    });
  });

  describe('ExtensionRegistry', () => {
    it('routes incoming messages by OUR ids and sends with the PEER\'s ids', () => {
      const ext = new ExtensionRegistry();
      expect(ext.supports('ut_metadata')).to.equal(false);
      expect(ext.message('ut_metadata', ascii('x'))).to.equal(undefined);
      const routed = ext.route(handshake({ ut_metadata: 3, ut_pex: 7 }, { metadataSize: 100 }));
      expect(routed.kind).to.equal('handshake');
      expect(ext.handshake?.metadataSize).to.equal(100);
      expect(ext.peerIds).to.deep.equal({ ut_metadata: 3, ut_pex: 7 });
      expect(ext.route({ type: 'extended', id: 1, payload: ascii('a') })).to.deep.equal({ kind: 'ut_metadata', payload: ascii('a') });
      expect(ext.route({ type: 'extended', id: 2, payload: ascii('b') })).to.deep.equal({ kind: 'ut_pex', payload: ascii('b') });
      expect(ext.route({ type: 'extended', id: 3, payload: ascii('c') })).to.deep.equal({ kind: 'unknown', id: 3 });
      expect(ext.message('ut_metadata', ascii('x'))).to.deep.equal({ type: 'extended', id: 3, payload: ascii('x') });
      expect(ext.message('ut_pex', ascii('y'))).to.deep.equal({ type: 'extended', id: 7, payload: ascii('y') });
    });

    it('a later handshake disables an extension', () => {
      const ext = new ExtensionRegistry();
      ext.route(handshake({ ut_metadata: 3, ut_pex: 7 }));
      ext.route(handshake({ ut_pex: 0 }));
      expect(ext.supports('ut_pex')).to.equal(false);
      expect(ext.supports('ut_metadata')).to.equal(true);
      expect(ext.message('ut_pex', ascii('y'))).to.equal(undefined);
    });

    it('learns a handshake decoded elsewhere', () => {
      const ext = new ExtensionRegistry();
      ext.learn({ extensions: { ut_metadata: 4 } });
      expect(ext.message('ut_metadata', ascii('x'))?.id).to.equal(4);
    });

    it('a private torrent neither routes nor sends ut_pex', () => {
      const ext = new ExtensionRegistry({ private: true });
      ext.route(handshake({ ut_metadata: 3, ut_pex: 7 }));
      expect(ext.supports('ut_pex')).to.equal(false);
      expect(ext.message('ut_pex', ascii('y'))).to.equal(undefined);
      expect(ext.route({ type: 'extended', id: 2, payload: ascii('b') })).to.deep.equal({ kind: 'unknown', id: 2 });
    });

    it('a malformed handshake is a WireError', () => {
      const ext = new ExtensionRegistry();
      expect(errorCode(() => ext.route({ type: 'extended', id: 0, payload: ascii('garbage') }), WireError)).to.equal('ERR_WIRE_BAD_EXTENDED_HANDSHAKE');
      expect(errorCode(() => ext.route({ type: 'extended', id: 0, payload: ascii('de') }, 1), WireError)).to.equal('ERR_WIRE_FRAME_TOO_LONG');
    });
  });
});
