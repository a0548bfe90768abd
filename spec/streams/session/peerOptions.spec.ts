import { expect } from 'chai';
import { WireError } from '../../../src/errors.js';
import { buildMetainfo, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { decodeMessage, encodeMessage } from '../../../src/protocol/wire/index.js';
import { limitsOf } from '../../../src/streams/session/peerOptions.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';

describe('limitsOf: a torrent\'s wire limits', () => {
  const PIECE = 32 * 1024;
  const data = content(2 * PIECE + 1000, 2);
  const torrent = parseMetainfo(buildMetainfo({ name: 'l.bin', multiFile: false, files: [{ path: ['l.bin'], length: data.length }], pieceLength: PIECE, pieces: hashes(data, PIECE) }));
  const body = (message: Parameters<typeof encodeMessage>[0]): Uint8Array => encodeMessage(message).subarray(4);
  const codeOf = (f: () => unknown): string | undefined => {
    try {
      f();
      return undefined;
    } catch (err) {
      expect(err).to.be.instanceOf(WireError);
      return (err as WireError).code;
    }
  };

  it('a block at begin = piece length (it would alias the next piece\'s first block) or past the short last piece is refused', () => {
    const limits = limitsOf(torrent);
    const block = new Uint8Array(16384);
    expect(codeOf(() => decodeMessage(body({ type: 'piece', index: 0, begin: PIECE, block }), limits))).to.equal('ERR_WIRE_BAD_BLOCK');
    expect(codeOf(() => decodeMessage(body({ type: 'piece', index: 2, begin: 0, block }), limits))).to.equal('ERR_WIRE_BAD_BLOCK');
    expect(codeOf(() => decodeMessage(body({ type: 'piece', index: 2, begin: 0, block: block.subarray(0, 1000) }), limits))).to.equal(undefined);
    expect(codeOf(() => decodeMessage(body({ type: 'request', index: 1, begin: PIECE - 100, length: 16384 }), limits))).to.equal('ERR_WIRE_BAD_REQUEST');
  });
});
