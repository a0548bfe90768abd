import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { decodeMetadataMessage, decodePexMessage, encodeMetadataMessage, encodePexMessage, PexFlags } from '../../../src/protocol/extensions/index.js';
import { buildMetainfo, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { extensionFlow, type ExtensionFlowOutput } from '../../../src/streams/session/extensionFlow.js';
import type { LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';
import { HandPeer } from './flowHelpers.js';

describe('extensionFlow', () => {
  const data = content(40_000, 2);
  const torrent = parseMetainfo(buildMetainfo({ name: 'e.bin', multiFile: false, files: [{ path: ['e.bin'], length: data.length }], pieceLength: 16384, pieces: hashes(data, 16384) }));

  function setup(isPrivate = false) {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    const out: ExtensionFlowOutput[] = [];
    extensionFlow({ torrent: { ...torrent, private: isPrivate }, links$, pexIntervalMs: 2000, scheduler }).subscribe((o) => out.push(o));
    return { scheduler, links$, out };
  }
  const speaking = (n: number, direction: 'inbound' | 'outbound' = 'outbound', port?: number): HandPeer => {
    const p = new HandPeer(n, torrent.pieceCount, { direction });
    p.connection.extendedHandshake = { extensions: { ut_metadata: 3, ut_pex: 4 }, ...(port === undefined ? {} : { port }) };
    return p;
  };

  it('answers a ut_metadata request with that piece of our info dict, under the peer\'s id', () => {
    const { links$, out } = setup();
    const peer = speaking(2);
    links$.next(peer.joined());
    links$.next(peer.says({ type: 'extended', id: 1, payload: encodeMetadataMessage({ type: 'request', piece: 0 }) }));
    const reply = out[0];
    expect(reply?.type === 'send' && reply.message.type === 'extended' && reply.message.id === 3).to.equal(true);
    if (reply?.type !== 'send' || reply.message.type !== 'extended') return;
    const decoded = decodeMetadataMessage(reply.message.payload, { metadataSize: torrent.infoBytes.length });
    expect(decoded?.type === 'data' && Buffer.from(decoded.data).equals(Buffer.from(torrent.infoBytes))).to.equal(true);
  });

  it('PEX: tells each peer of the others (flags: seed, connectable) and hands on what it heard', () => {
    const { scheduler, links$, out } = setup();
    const a = speaking(2);
    const b = speaking(3, 'inbound', 7000);
    links$.next(a.joined());
    links$.next(b.joined());
    links$.next(b.says({ type: 'have-all' }));
    scheduler.maxFrames = 6000;
    scheduler.flush();
    const toA = out.find((o) => o.type === 'send' && o.peer === 'p2');
    if (toA?.type !== 'send' || toA.message.type !== 'extended') throw new Error('no PEX to a');
    expect(decodePexMessage(toA.message.payload).added).to.deep.equal([{ address: { host: '127.0.0.3', port: 7000 }, flags: PexFlags.seed }]);
    out.length = 0;
    links$.next(a.says({ type: 'extended', id: 2, payload: encodePexMessage({ added: [{ address: { host: '127.0.0.9', port: 6000 }, flags: 0 }], dropped: [] }) }));
    expect(out).to.deep.equal([{ type: 'learned', addresses: [{ host: '127.0.0.9', port: 6000 }] }]);
  });

  it('a private torrent does no PEX; a malformed message ends that peer only', () => {
    const { scheduler, links$, out } = setup(true);
    const a = speaking(2);
    const b = speaking(3);
    links$.next(a.joined());
    links$.next(b.joined());
    scheduler.maxFrames = 20_000;
    scheduler.flush();
    expect(out).to.deep.equal([]);
    links$.next(a.says({ type: 'extended', id: 1, payload: new Uint8Array([0x64, 0x31]) }));
    expect(a.connection.closed).to.equal(true);
    expect(b.connection.closed).to.equal(false);
  });
});
