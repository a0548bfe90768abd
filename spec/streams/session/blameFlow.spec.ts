import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { fileTreeOf, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { blockHashes, serveHashes } from '../../../src/protocol/merkle/index.js';
import type { PieceVerdict } from '../../../src/protocol/pieces/index.js';
import type { HashRequestMessage } from '../../../src/protocol/wire/index.js';
import { BLAME_PIECES_AT_ONCE, BLAME_TIMEOUT_MS, blameFlow, type BlameOut } from '../../../src/streams/session/blameFlow.js';
import type { LinkEvent } from '../../../src/streams/session/linkEvents.js';
import { filesOf, layoutOf, v2Torrent } from '../../protocol/metainfo/v2Fixtures.js';
import { HandPeer } from './flowHelpers.js';

describe('blameFlow: a v2 piece that fails names the senders of its bad blocks (BEP 52 block hashes)', () => {
  // 64 KiB pieces: 4 blocks each; b.bin has 5 pieces.
  const files = filesOf([['b.bin', 300_001]]);
  const torrent = parseMetainfo(v2Torrent(files, { pieceLength: 65536, multiFile: true }));
  const data = layoutOf(torrent, files);
  const B = torrent.files.findIndex((f) => !f.pad);
  const first = torrent.files[B]!.offset / torrent.pieceLength;
  const pieceData = (i: number): Uint8Array => data.slice((first + i) * 65536, (first + i + 1) * 65536);

  function setup() {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    const verdicts$ = new Subject<PieceVerdict>();
    const out: BlameOut[] = [];
    blameFlow({ torrent, verdicts$, links$, scheduler }).subscribe((o) => out.push(o));
    const [a, b, c] = [2, 3, 4].map((n) => new HandPeer(n, torrent.pieceCount));
    for (const p of [a!, b!, c!]) links$.next(p.joined());
    /** Piece `i` of b.bin failed: block 2 (from b) is corrupt, the others came from a. */
    const fail = (i: number): void => {
      const bad = pieceData(i);
      bad[2 * 16384 + 7] = bad[2 * 16384 + 7]! ^ 1;
      verdicts$.next({ type: 'failed', index: first + i, data: bad, peers: ['p2', 'p3'], blockPeers: ['p2', 'p2', 'p3', 'p2'] });
    };
    const requests = (): { peer: string; message: HashRequestMessage }[] =>
      out.flatMap((o) => (o.type === 'send' && o.message.type === 'hash-request' ? [{ peer: o.peer, message: o.message }] : []));
    const honest = (r: HashRequestMessage) => ({ ...r, type: 'hashes' as const, hashes: serveHashes(fileTreeOf(torrent, B)!, r, blockHashes(pieceData(r.index / 4), 4)) as Uint8Array });
    const blamed = (): string[] => out.flatMap((o) => (o.type === 'blame' ? [o.peer] : []));
    return { scheduler, links$, verdicts$, out, a: a!, b: b!, c: c!, fail, requests, honest, blamed };
  }

  it('asks a peer that did not send the piece, and blames only the sender of the bad block', () => {
    const { c, fail, requests, honest, blamed, links$ } = setup();
    fail(1);
    const [req] = requests();
    expect(req?.peer).to.equal('p4');
    expect([req?.message.baseLayer, req?.message.index, req?.message.length, req?.message.proofLayers]).to.deep.equal([0, 4, 4, 1]);
    links$.next(c.says(honest(req!.message)));
    expect(blamed()).to.deep.equal(['p3']);
  });

  it('a responder whose hashes do not chain to the piece hash is blamed itself; a reject or a timeout blames nobody', () => {
    const { c, fail, requests, honest, blamed, links$, scheduler } = setup();
    fail(1);
    const lie = honest(requests()[0]!.message);
    lie.hashes[0] = lie.hashes[0]! ^ 1;
    links$.next(c.says(lie));
    expect(blamed()).to.deep.equal(['p4']);
    fail(2);
    links$.next(c.says({ ...requests()[1]!.message, type: 'hash-reject' }));
    fail(3);
    scheduler.schedule(() => undefined, BLAME_TIMEOUT_MS);
    scheduler.flush();
    links$.next(c.says(honest(requests()[2]!.message)));
    expect(blamed(), 'answers after the reject or the timeout are ignored').to.deep.equal(['p4']);
  });

  it(`keeps at most ${BLAME_PIECES_AT_ONCE} failed pieces at once; hashes nobody asked for are ignored`, () => {
    const { a, fail, requests, honest, blamed, links$ } = setup();
    for (let i = 0; i < 5; i++) fail(i);
    expect(requests()).to.have.length(BLAME_PIECES_AT_ONCE);
    links$.next(a.says(honest(requests()[0]!.message)));
    expect(blamed()).to.deep.equal([]);
  });
});
