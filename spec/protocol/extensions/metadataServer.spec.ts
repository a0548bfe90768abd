import { expect } from 'chai';
import {
  METADATA_PIECE_LENGTH,
  MetadataFetcher,
  MetadataServer,
  decodeMetadataMessage,
  encodeMetadataMessage,
  type MetadataActions,
} from '../../../src/protocol/extensions/index.js';
import { bytesOf, extCode, sha1 } from './extFixtures.js';

const INFO = bytesOf(2 * METADATA_PIECE_LENGTH + 100, 7);

describe('MetadataServer (BEP 9 upload side)', () => {
  it('serves each piece, the last one short', () => {
    const server = new MetadataServer(INFO);
    expect(server.metadataSize).to.equal(INFO.length);
    expect(server.pieceCount).to.equal(3);
    const last = server.request('a', 2, 0);
    expect(last).to.deep.equal({ type: 'data', piece: 2, totalSize: INFO.length, data: INFO.subarray(2 * METADATA_PIECE_LENGTH) });
    expect(server.request('a', 0, 0)).to.deep.include({ type: 'data', piece: 0 });
  });

  it('rejects pieces out of range', () => {
    const server = new MetadataServer(INFO);
    for (const piece of [3, -1, 1.5, 2 ** 31]) expect(server.request('a', piece, 0)).to.deep.equal({ type: 'reject', piece });
  });

  it('caps requests per peer per interval, then serves again', () => {
    const server = new MetadataServer(INFO, { maxRequestsPerInterval: 2, intervalMs: 1_000 });
    expect(server.request('a', 0, 0).type).to.equal('data');
    expect(server.request('a', 1, 10).type).to.equal('data');
    expect(server.request('a', 2, 20)).to.deep.equal({ type: 'reject', piece: 2 });
    expect(server.request('b', 2, 20).type).to.equal('data'); // budgets are per peer
    expect(server.request('a', 2, 999).type).to.equal('reject');
    expect(server.request('a', 2, 1_000).type).to.equal('data');
    server.peerLeft('b');
    expect(server.request('b', 0, 30).type).to.equal('data');
  });

  it('by default lets a peer fetch the whole dict twice a minute', () => {
    const server = new MetadataServer(INFO);
    const served = Array.from({ length: 20 }, (_, i) => server.request('a', i % 3, i)).filter((m) => m.type === 'data');
    expect(served).to.have.length(2 * 3 + 8);
  });

  it('forgets the oldest budgets beyond maxPeers', () => {
    const server = new MetadataServer(INFO, { maxRequestsPerInterval: 1, maxPeers: 2 });
    server.request('a', 0, 0);
    server.request('b', 0, 0);
    server.request('c', 0, 0);
    expect(server.request('a', 0, 1).type).to.equal('data');
    expect(server.request('c', 0, 1).type).to.equal('reject');
  });

  it('checks its arguments', () => {
    expect(extCode(() => new MetadataServer(new Uint8Array(0)))).to.equal('ERR_EXT_INVALID_ARGUMENT');
    expect(extCode(() => new MetadataServer(INFO, { intervalMs: 0 }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
    expect(extCode(() => new MetadataServer(INFO, { maxRequestsPerInterval: 0 }))).to.equal('ERR_EXT_INVALID_ARGUMENT');
  });

  it('a fetcher and a server talk through the codec', () => {
    const server = new MetadataServer(INFO);
    const fetcher = new MetadataFetcher({ infoHash: sha1(INFO) });
    let pending = [...fetcher.peerJoined('seed', server.metadataSize, 0).requests];
    let done: Uint8Array | undefined;
    for (let now = 1; pending.length > 0; now++) {
      const r = pending.shift()!;
      const request = decodeMetadataMessage(encodeMetadataMessage({ type: 'request', piece: r.piece }));
      expect(request).to.deep.equal({ type: 'request', piece: r.piece });
      const reply = decodeMetadataMessage(encodeMetadataMessage(server.request('leech', r.piece, now)), { metadataSize: INFO.length });
      const actions: MetadataActions = fetcher.received(r.peer, reply!, now);
      pending.push(...actions.requests);
      done ??= actions.done;
    }
    expect(done).to.deep.equal(INFO);
  });
});
