import { expect } from 'chai';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { buildMetainfo, parseMagnet, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { ProgressBook } from '../../../src/streams/session/progressBook.js';
import { NO_RATES } from '../../../src/streams/session/rateBook.js';
import { sessionSnapshot, trackerViewOf, type SnapshotParts } from '../../../src/streams/session/sessionSnapshot.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';
import { HandPeer } from './flowHelpers.js';

describe('sessionSnapshot: a pure function of the parts', () => {
  const data = content(4 * 16384, 3);
  const torrent = parseMetainfo(buildMetainfo({ name: 's.bin', multiFile: false, files: [{ path: ['s.bin'], length: data.length }], pieceLength: 16384, pieces: hashes(data, 16384) }));

  it('a downloading session: progress from the book, rates from the clock\'s sample, peers from their wire state', () => {
    const have = new Bitfield(4);
    have.set(0);
    const peer = new HandPeer(2, 4);
    peer.says({ type: 'have', index: 1 });
    peer.says({ type: 'unchoke' });
    const parts: SnapshotParts = {
      source: torrent, phase: { status: 'downloading', checked: 1, rechecked: 4 }, book: new ProgressBook(torrent, have),
      links: [{ peer: peer.peer, state: peer.state }], downloaded: 20_000, uploaded: 10,
      rates: { ...NO_RATES, downloadRate: 16384, peers: new Map([['p2', { downloadRate: 16384, uploadRate: 0 }]]) },
      trackers: [], downloading: new Set([2]),
    };
    const s = sessionSnapshot(parts);
    expect(s).to.deep.include({ status: 'downloading', progress: 0.25, piecesHave: 1, left: 3 * 16384, eta: 3, downloaded: 20_000, pieceMap: 'hmdm' });
    expect(s.peers[0]).to.deep.include({ address: '127.0.0.2:6881', peerChoking: false, amInterested: false, progress: 0.25, downloadRate: 16384 });
    expect(sessionSnapshot(parts), 'the same parts, the same snapshot').to.deep.equal(s);
  });

  it('files with their priority and progress (a file partly in a had piece counts that part); readers in file terms', () => {
    const lengths = [16384 + 8192, 8192, 2 * 16384];
    const multi = parseMetainfo(buildMetainfo({
      name: 'm', multiFile: true, files: lengths.map((length, i) => ({ path: [`f${i}`], length })), pieceLength: 16384, pieces: hashes(data, 16384),
    }));
    const have = new Bitfield(4);
    have.set(1);
    const s = sessionSnapshot({
      source: multi, phase: { status: 'downloading', checked: 1, rechecked: 0 }, book: new ProgressBook(multi, have), links: [], downloaded: 0, uploaded: 0,
      rates: NO_RATES, trackers: [], downloading: new Set(), priorities: ['normal', 'skip'], readers: [{ position: 16384 * 2 + 100, end: 16384 * 4, rate: 5 }],
    });
    expect(s.files).to.deep.equal([
      { index: 0, path: 'm/f0', length: 24576, priority: 'normal', progress: 8192 / 24576 },
      { index: 1, path: 'm/f1', length: 8192, priority: 'skip', progress: 1 },
      { index: 2, path: 'm/f2', length: 32768, priority: 'normal', progress: 0 },
    ]);
    expect(s.readers).to.deep.equal([{ file: 2, position: 100, end: 32768, rate: 5 }]);
  });

  it('a magnet link\'s metadata phase: the link\'s name and size, no pieces', () => {
    const link = parseMagnet(`magnet:?xt=urn:btih:${torrent.infoHash}&dn=later.bin&xl=1000`);
    const s = sessionSnapshot({ source: link, phase: { status: 'metadata', checked: 0, rechecked: 0, metadata: 0.5 }, book: undefined, links: [], downloaded: 0, uploaded: 0, rates: NO_RATES, trackers: [], downloading: new Set() });
    expect(s).to.deep.include({ status: 'metadata', name: 'later.bin', length: 1000, left: 1000, metadata: 0.5, pieceCount: 0, pieceMap: '', progress: 0 });
    expect(s.files).to.equal(undefined);
  });

  it('a tracker\'s row after its status', () => {
    const view = trackerViewOf({ type: 'status', tracker: 'http://t/announce', event: 'started', nextAnnounceInMs: 1000, ok: true, interval: 60, minInterval: undefined, complete: 3, incomplete: 1, warning: undefined }, 42);
    expect(view).to.deep.equal({ url: 'http://t/announce', ok: true, message: undefined, seeders: 3, leechers: 1, at: 42 });
    expect(trackerViewOf({ type: 'peers', tracker: 'http://t/announce', peers: [] }, 1)).to.equal(undefined);
  });
});
