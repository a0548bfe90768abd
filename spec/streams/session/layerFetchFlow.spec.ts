import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { fileGeometry, fileTreeOf, parseInfoDict, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { serveHashes } from '../../../src/protocol/merkle/index.js';
import type { HashRequestMessage } from '../../../src/protocol/wire/index.js';
import { LAYER_REQUEST_TIMEOUT_MS, layerFetchFlow, type LayerFetchOut } from '../../../src/streams/session/layerFetchFlow.js';
import type { LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { toHex } from '../../../src/protocol/bytes.js';
import { filesOf, v2Torrent } from '../../protocol/metainfo/v2Fixtures.js';
import { HandPeer } from './flowHelpers.js';

describe('layerFetchFlow: a v2 torrent\'s piece layers from its peers, proven to each root', () => {
  const full = parseMetainfo(v2Torrent(filesOf([['b.bin', 300_001], ['c.bin', 100_000], ['small', 1000]]), { pieceLength: 32768 }));
  const layerless = parseInfoDict(full.infoBytes);
  const fileOfRoot = new Map(full.files.map((f, i) => [f.piecesRoot === undefined ? '' : toHex(f.piecesRoot), i]));

  /** The honest answer to a request, from the full torrent's trees. */
  function answer(r: HashRequestMessage) {
    const i = fileOfRoot.get(toHex(r.piecesRoot))!;
    const hashes = serveHashes(fileTreeOf(full, i)!, r) as Uint8Array;
    return { ...r, type: 'hashes' as const, hashes };
  }

  function setup(torrent = layerless) {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    const out: LayerFetchOut[] = [];
    let completed = false;
    layerFetchFlow({ torrent, links$, scheduler }).subscribe({ next: (o) => out.push(o), complete: () => (completed = true) });
    const asked = (peer: HandPeer): HashRequestMessage[] =>
      out.flatMap((o) => (o.type === 'send' && o.peer === peer.peer.key && o.message.type === 'hash-request' ? [o.message] : []));
    return { scheduler, links$, out, asked, completed: () => completed };
  }

  it('asks one request per file needing a layer, and ends with the torrent holding every layer (the one-piece file needs none)', () => {
    const { links$, out, asked, completed } = setup();
    const a = new HandPeer(2, full.pieceCount);
    links$.next(a.joined());
    const requests = asked(a);
    expect(requests).to.have.length(2);
    for (const r of requests) links$.next(a.says(answer(r)));
    const last = out.at(-1);
    expect(last?.type).to.equal('torrent');
    if (last?.type !== 'torrent') return;
    expect(last.torrent.files.map((f) => f.pieceLayer && toHex(f.pieceLayer))).to.deep.equal(full.files.map((f) => f.pieceLayer && toHex(f.pieceLayer)));
    expect(out.filter((o) => o.type === 'progress').map((o) => o.type === 'progress' && o.fraction)).to.deep.equal([10 / 14, 1]);
    expect(completed()).to.equal(true);
  });

  it('hashes that do not chain to the root get their sender banned and the chunk asked of another peer', () => {
    const { links$, out, asked } = setup();
    const liar = new HandPeer(2, full.pieceCount);
    const honest = new HandPeer(3, full.pieceCount);
    links$.next(liar.joined());
    links$.next(honest.joined());
    const [r] = asked(liar);
    const forged = answer(r!);
    forged.hashes[5] = forged.hashes[5]! ^ 1;
    links$.next(liar.says(forged));
    expect(out.filter((o) => o.type === 'ban').map((o) => o.type === 'ban' && o.peer.key)).to.deep.equal(['p2']);
    expect(asked(honest).map((m) => toHex(m.piecesRoot))).to.include(toHex(r!.piecesRoot));
  });

  it('a reject, a timeout or a peer leaving sends the chunk to another peer; unasked hashes are ignored', () => {
    const { links$, out, asked, scheduler } = setup();
    const a = new HandPeer(2, full.pieceCount);
    links$.next(a.joined());
    const [r1, r2] = asked(a);
    const b = new HandPeer(3, full.pieceCount);
    links$.next(b.joined());
    expect(asked(b), 'nothing to ask while both chunks are pending').to.deep.equal([]);
    links$.next(b.says(answer(r1!)));
    expect(out.some((o) => o.type === 'progress'), 'unasked hashes teach nothing').to.equal(false);
    links$.next(a.says({ ...r1!, type: 'hash-reject' }));
    expect(asked(b)).to.have.length(1);
    scheduler.schedule(() => undefined, LAYER_REQUEST_TIMEOUT_MS);
    scheduler.flush();
    // r2 timed out at a (asked of b), r1 at b (a refused it already: nobody left for it).
    expect(asked(b).map((m) => m.index)).to.deep.equal([r1!.index, r2!.index]);
    const c = new HandPeer(4, full.pieceCount);
    links$.next(c.joined());
    links$.next(b.left());
    expect(asked(c)).to.have.length(2);
  });

  it('a torrent that lacks no layer is emitted at once', () => {
    const { out, completed } = setup(full);
    expect(out.map((o) => o.type)).to.deep.equal(['torrent']);
    expect(completed()).to.equal(true);
    expect(fileGeometry(full, 0).pieces).to.be.greaterThan(1);
  });
});
