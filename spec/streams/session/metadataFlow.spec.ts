import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { encodeMetadataMessage } from '../../../src/protocol/extensions/index.js';
import { buildMetainfo, magnetOf, parseMagnet, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import type { LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { metadataFlow, type MetadataFlowOutput } from '../../../src/streams/session/metadataFlow.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';
import { HandPeer } from './flowHelpers.js';

describe('metadataFlow', () => {
  const data = content(50_000, 8);
  const torrent = parseMetainfo(buildMetainfo({ name: 'm.bin', multiFile: false, files: [{ path: ['m.bin'], length: data.length }], pieceLength: 16384, pieces: hashes(data, 16384) }));
  const link = parseMagnet(`${magnetOf({ ...torrent, announce: [] })}&tr=${encodeURIComponent('http://127.0.0.1:1/announce')}`);

  function setup() {
    const links$ = new Subject<LinkEvent>();
    const out: MetadataFlowOutput[] = [];
    let end: unknown;
    metadataFlow({ link, links$, metadata: undefined, scheduler: new VirtualTimeScheduler() }).subscribe({ next: (o) => out.push(o), error: (e: unknown) => (end = e), complete: () => (end = 'complete') });
    return { links$, out, end: () => end };
  }
  const speaking = (n: number, extensions: Record<string, number>): HandPeer => {
    const p = new HandPeer(n, undefined);
    p.connection.extendedHandshake = { extensions, metadataSize: torrent.infoBytes.length };
    return p;
  };

  it('asks a peer that speaks ut_metadata, verifies the answer, emits the torrent (with the magnet\'s trackers) and completes', () => {
    const { links$, out, end } = setup();
    const peer = speaking(2, { ut_metadata: 7 });
    links$.next(peer.joined());
    const request = out.find((o) => o.type === 'send');
    expect(request?.type === 'send' && request.message.type === 'extended' && request.message.id === 7).to.equal(true);
    links$.next(peer.says({ type: 'extended', id: 1, payload: encodeMetadataMessage({ type: 'data', piece: 0, totalSize: torrent.infoBytes.length, data: torrent.infoBytes }) }));
    const done = out.find((o) => o.type === 'torrent');
    expect(done?.type === 'torrent' && done.torrent.infoHash === torrent.infoHash).to.equal(true);
    expect(done?.type === 'torrent' && done.torrent.announce).to.deep.equal([['http://127.0.0.1:1/announce']]);
    expect(out.some((o) => o.type === 'progress' && o.status.state === 'done')).to.equal(true);
    expect(end()).to.equal('complete');
  });

  it('a peer without ut_metadata is never asked; a malformed answer gets the peer closed', () => {
    const { links$, out } = setup();
    links$.next(speaking(2, {}).joined());
    expect(out.filter((o) => o.type === 'send')).to.deep.equal([]);
    const liar = speaking(3, { ut_metadata: 7 });
    links$.next(liar.joined());
    links$.next(liar.says({ type: 'extended', id: 1, payload: new Uint8Array([0x64, 0x31, 0x3a]) }));
    expect(out.at(-1)).to.deep.equal({ type: 'close', peer: 'p3' });
  });
});
