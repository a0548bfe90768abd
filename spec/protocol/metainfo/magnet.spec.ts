import { expect } from 'chai';
import fc from 'fast-check';
import { MagnetError } from '../../../src/errors.js';
import { formatMagnet, magnetOf, MAX_MAGNET_WEB_SEEDS, parseMagnet, parseMetainfo, type TorrentVersion } from '../../../src/protocol/metainfo/index.js';
import { multiFileTorrent } from './fixtures.js';
import { filesOf, v2Torrent } from './v2Fixtures.js';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';

function codeOf(uri: string): string | undefined {
  try {
    parseMagnet(uri);
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(MagnetError);
    return (err as MagnetError).code;
  }
}

describe('magnet links', () => {
  it('parses hex btih, dn, xl, repeated tr and x.pe', () => {
    const m = parseMagnet(
      `magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=My+File%20x&xl=1234&tr=http%3A%2F%2Fa%2Fannounce&tr=udp://b:1&tr.1=http%3A%2F%2Fa%2Fannounce&x.pe=127.0.0.1:6881`,
    );
    expect(m.infoHash).to.equal(HEX);
    expect(m.name).to.equal('My File x');
    expect(m.length).to.equal(1234);
    expect(m.trackers).to.deep.equal(['http://a/announce', 'udp://b:1']);
    expect(m.peers).to.deep.equal(['127.0.0.1:6881']);
  });

  it(`ws web seeds: http(s) URLs only, no repeats, at most ${MAX_MAGNET_WEB_SEEDS}; format → parse keeps them`, () => {
    const many = Array.from({ length: 12 }, (_, i) => `ws=${encodeURIComponent(`http://127.0.0.1:80${i}/f`)}`).join('&');
    const odd = ['ftp://127.0.0.1/f', 'file:///etc/passwd', 'http://', `http://127.0.0.1/${'a'.repeat(3000)}`, 'not a url'].map((u) => `ws=${encodeURIComponent(u)}`).join('&');
    const m = parseMagnet(`magnet:?xt=urn:btih:${HEX}&ws=https%3A%2F%2F127.0.0.1%2Fa&${odd}&ws=https://127.0.0.1/a&${many}`);
    expect(m.webSeeds).to.have.length(MAX_MAGNET_WEB_SEEDS);
    expect(m.webSeeds?.slice(0, 2)).to.deep.equal(['https://127.0.0.1/a', 'http://127.0.0.1:800/f']);
    expect(parseMagnet(formatMagnet({ ...m, peers: [] })).webSeeds).to.deep.equal(m.webSeeds);
    expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}`)).to.not.have.property('webSeeds');
  });

  it('parses base32 btih', () => {
    // base32 of the hex above
    const bytes = Buffer.from(HEX, 'hex');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = '';
    for (const b of bytes) bits += b.toString(2).padStart(8, '0');
    const b32 = bits.match(/.{5}/g)!.map((c) => alphabet[parseInt(c, 2)]).join('');
    expect(parseMagnet(`magnet:?xt=urn:btih:${b32.toLowerCase()}`).infoHash).to.equal(HEX);
  });

  it('format → parse round-trips', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        fc.array(fc.webUrl(), { maxLength: 3 }),
        (hash, name, trackers) => {
          const infoHash = Buffer.from(hash).toString('hex');
          const unique = [...new Set(trackers)];
          const m = parseMagnet(formatMagnet({ infoHash, name, trackers: unique, peers: ['127.0.0.1:1'] }));
          expect(m.infoHash).to.equal(infoHash);
          expect(m.name).to.equal(name);
          expect(m.trackers).to.deep.equal(unique);
        },
      ),
    );
  });

  it('magnetOf a torrent names its hash, name, length and trackers', () => {
    const t = parseMetainfo(multiFileTorrent());
    const m = parseMagnet(magnetOf(t));
    expect(m.infoHash).to.equal(t.infoHash);
    expect(m.name).to.equal('folder');
    expect(m.length).to.equal(t.length);
    expect(m.trackers).to.have.length(3);
  });

  describe('BitTorrent v2 (BEP 52)', () => {
    const V2 = 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8);

    it('a v2-only link: btmh 1220 + SHA-256, swarm id its first 20 bytes', () => {
      const m = parseMagnet(`magnet:?xt=urn:btmh:1220${V2.toUpperCase()}&dn=x`);
      expect(m.version).to.equal(2);
      expect(m.infoHashV2).to.equal(V2);
      expect(m.infoHashV2Bytes).to.deep.equal(Buffer.from(V2, 'hex'));
      expect(m.infoHash).to.equal(V2.slice(0, 40));
      expect(formatMagnet(m)).to.equal(`magnet:?xt=urn:btmh:1220${V2}&dn=x`);
    });

    it('a hybrid link has both xt (in either order); the swarm id is the v1 hash', () => {
      for (const uri of [`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${V2}`, `magnet:?xt=urn:btmh:1220${V2}&xt=urn:btih:${HEX}`]) {
        const m = parseMagnet(uri);
        expect([m.version, m.infoHash, m.infoHashV2]).to.deep.equal(['hybrid', HEX, V2]);
        expect(formatMagnet(m)).to.equal(`magnet:?xt=urn:btih:${HEX}&xt=urn:btmh:1220${V2}`);
      }
      expect(parseMagnet(`magnet:?xt=urn:btih:${HEX}`).version).to.equal(1);
    });

    it('format → parse round-trips every version (property)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom<TorrentVersion>(1, 2, 'hybrid'), (h1, h2, version) => {
          const infoHashV2 = Buffer.from(h2).toString('hex');
          const infoHash = version === 2 ? infoHashV2.slice(0, 40) : Buffer.from(h1).toString('hex');
          const m = parseMagnet(formatMagnet({ infoHash, version, ...(version === 1 ? {} : { infoHashV2 }), trackers: [], peers: [] }));
          expect([m.version, m.infoHash, m.infoHashV2]).to.deep.equal([version, infoHash, version === 1 ? undefined : infoHashV2]);
        }),
      );
    });

    it('magnetOf a v2 or hybrid torrent names its hashes', () => {
      for (const version of ['v2', 'hybrid'] as const) {
        const t = parseMetainfo(v2Torrent(filesOf([['a', 100]]), { version }));
        const m = parseMagnet(magnetOf(t));
        expect([m.version, m.infoHash, m.infoHashV2]).to.deep.equal([t.version, t.infoHash, t.infoHashV2]);
      }
    });
  });

  describe('rejects', () => {
    const table: [string, string, string][] = [
      ['not a magnet', 'http://x', 'ERR_MAGNET_NOT_MAGNET'],
      ['no xt', 'magnet:?dn=x', 'ERR_MAGNET_NO_INFO_HASH'],
      ['a short btmh', 'magnet:?xt=urn:btmh:1220abcd', 'ERR_MAGNET_BAD_INFO_HASH'],
      ['a btmh that is not SHA-256', `magnet:?xt=urn:btmh:1320${'ab'.repeat(32)}`, 'ERR_MAGNET_BAD_INFO_HASH'],
      ['a btmh with bad hex', `magnet:?xt=urn:btmh:1220${'zz'.repeat(32)}`, 'ERR_MAGNET_BAD_INFO_HASH'],
      ['short hex', `magnet:?xt=urn:btih:${HEX.slice(2)}`, 'ERR_MAGNET_BAD_INFO_HASH'],
      ['bad hex', `magnet:?xt=urn:btih:${'z'.repeat(40)}`, 'ERR_MAGNET_BAD_INFO_HASH'],
      ['bad base32', `magnet:?xt=urn:btih:${'1'.repeat(32)}`, 'ERR_MAGNET_BAD_INFO_HASH'],
      ['too long', `magnet:?xt=urn:btih:${HEX}&dn=${'x'.repeat(70000)}`, 'ERR_MAGNET_TOO_LONG'],
    ];
    for (const [name, uri, code] of table) it(name, () => expect(codeOf(uri)).to.equal(code));
    it('random strings never throw anything but MagnetError', () => {
      fc.assert(fc.property(fc.string(), (s) => void codeOf(`magnet:?${s}`)), { numRuns: 1000 });
    });
  });
});
