import { expect } from 'chai';
import { BehaviorSubject, Subject, VirtualTimeScheduler } from 'rxjs';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { buildMetainfo, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import type { LinkEvent, SendCommand } from '../../../src/streams/session/linkEvents.js';
import { ProgressBook } from '../../../src/streams/session/progressBook.js';
import { NO_RATES, type RateSample } from '../../../src/streams/session/rateBook.js';
import { uploadFlow } from '../../../src/streams/session/uploadFlow.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';
import { HandPeer } from './flowHelpers.js';

describe('uploadFlow', () => {
  const data = content(4 * 32768, 9);
  const torrent = parseMetainfo(buildMetainfo({ name: 'u.bin', multiFile: false, files: [{ path: ['u.bin'], length: data.length }], pieceLength: 32768, pieces: hashes(data, 32768) }));

  function setup(have: number[]) {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    const written$ = new Subject<number>();
    const rates$ = new BehaviorSubject<RateSample>(NO_RATES);
    const initial = new Bitfield(4);
    for (const i of have) initial.set(i);
    const book = new ProgressBook(torrent, initial);
    const out: SendCommand[] = [];
    let error: unknown;
    uploadFlow({ torrent, storage: memoryStorage(torrent, { data }), book, links$, rates$, written$, buckets: [], scheduler, random: () => 0.5 })
      .subscribe({ next: (c) => out.push(c), error: (e: unknown) => (error = e) });
    return { scheduler, links$, written$, rates$, book, out, error: () => error };
  }
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

  it('an interested peer gets a free slot at once; its request for a piece we have is served through its connection', async () => {
    const { links$, out } = setup([0, 1]);
    const peer = new HandPeer(2, 4);
    links$.next(peer.joined());
    links$.next(peer.says({ type: 'interested' }));
    expect(out).to.deep.equal([{ type: 'send', peer: 'p2', message: { type: 'unchoke' } }]);
    links$.next(peer.says({ type: 'request', index: 1, begin: 16384, length: 16384 }));
    await settle();
    const piece = peer.connection.received.find((m) => m.type === 'piece');
    expect(piece?.type === 'piece' && Buffer.from(piece.block).equals(Buffer.from(data.subarray(32768 + 16384, 65536)))).to.equal(true);
  });

  it('a request for a piece we lack is rejected (BEP 6); a written piece is announced to every peer', async () => {
    const { links$, written$, out } = setup([0]);
    const a = new HandPeer(2, 4);
    const b = new HandPeer(3, 4);
    links$.next(a.joined());
    links$.next(b.joined());
    links$.next(a.says({ type: 'interested' }));
    links$.next(a.says({ type: 'request', index: 3, begin: 0, length: 16384 }));
    await settle();
    expect(a.connection.received).to.deep.include({ type: 'reject-request', index: 3, begin: 0, length: 16384 });
    written$.next(3);
    expect(out.filter((c) => c.message.type === 'have')).to.deep.equal([
      { type: 'send', peer: 'p2', message: { type: 'have', index: 3 } },
      { type: 'send', peer: 'p3', message: { type: 'have', index: 3 } },
    ]);
  });

  it('a peer handed over already interested is heard as interested at once', () => {
    const { links$, out } = setup([0]);
    const peer = new HandPeer(2, 4);
    peer.says({ type: 'interested' });
    links$.next(peer.joined());
    expect(out).to.deep.equal([{ type: 'send', peer: 'p2', message: { type: 'unchoke' } }]);
  });

  it('a storage read that fails errors the flow', async () => {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    let error: unknown;
    const storage = { readBlock: () => Promise.reject(new Error('bad sector')) };
    uploadFlow({ torrent, storage, book: new ProgressBook(torrent, Bitfield.full(4)), links$, rates$: new BehaviorSubject(NO_RATES), written$: new Subject(), buckets: [], scheduler, random: () => 0.5 })
      .subscribe({ error: (e: unknown) => (error = e) });
    const peer = new HandPeer(2, 4);
    links$.next(peer.joined());
    links$.next(peer.says({ type: 'interested' }));
    links$.next(peer.says({ type: 'request', index: 0, begin: 0, length: 16384 }));
    await settle();
    expect(String(error)).to.match(/bad sector/);
  });
});
