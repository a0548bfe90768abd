import { expect } from 'chai';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { fileGeometry, parseMetainfo } from '../../../src/protocol/metainfo/index.js';
import { FileTree, MerkleError, PieceLayerFetch, blockHashRequest, blockHashes, rootOnly, verifyHashes, type HashRange } from '../../../src/protocol/merkle/index.js';
import type { WireMessage } from '../../../src/protocol/wire/index.js';
import { HASH_READS_PER_PEER, HASH_REQUEST_BURST, HASH_REQUESTS_PER_S, hashFlow } from '../../../src/streams/session/hashFlow.js';
import type { LinkEvent, SendCommand } from '../../../src/streams/session/linkEvents.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { filesOf, layoutOf, v2Torrent } from '../../protocol/metainfo/v2Fixtures.js';
import { HandPeer } from './flowHelpers.js';

describe('hashFlow: answering BEP 52 hash requests on live connections', () => {
  // a.bin: one piece of 2 blocks (its piece hash is its root); b.bin: 10 pieces of 2 blocks.
  const files = filesOf([['a.bin', 20_000], ['b.bin', 300_001]]);
  const torrent = parseMetainfo(v2Torrent(files, { pieceLength: 32768 }));
  const data = layoutOf(torrent, files);
  const A = torrent.files.findIndex((f) => f.path.join('/') === 'a.bin');
  const B = torrent.files.findIndex((f) => f.path.join('/') === 'b.bin');
  const gA = fileGeometry(torrent, A);
  const gB = fileGeometry(torrent, B);
  const rootA = torrent.files[A]!.piecesRoot!;
  const rootB = torrent.files[B]!.piecesRoot!;
  const firstPieceOfB = torrent.files[B]!.offset / torrent.pieceLength;

  function setup(has: (index: number) => boolean = () => true) {
    const scheduler = new VirtualTimeScheduler();
    const links$ = new Subject<LinkEvent>();
    const out: SendCommand[] = [];
    const storage = memoryStorage(torrent, { data });
    const subscription = hashFlow({ torrent, storage, has, links$, scheduler }).subscribe((c) => out.push(c));
    const peer = new HandPeer(2, torrent.pieceCount);
    links$.next(peer.joined());
    const ask = (r: HashRange): void => links$.next(peer.says({ type: 'hash-request', ...r }));
    return { scheduler, links$, out, peer, ask, subscription };
  }
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
  const messages = (out: SendCommand[]): WireMessage[] => out.map((c) => c.message);

  it('the piece layer, proven to the root: what a magnet download asks for', () => {
    const { out, ask } = setup();
    const fetch = new PieceLayerFetch(gB, rootB);
    for (const r of fetch.requests()) ask(r);
    for (const m of messages(out)) {
      expect(m.type).to.equal('hashes');
      if (m.type === 'hashes') expect(fetch.add(m)).to.equal(10);
    }
    expect(Buffer.from(fetch.pieceLayer()!).equals(Buffer.from(torrent.files[B]!.pieceLayer!))).to.equal(true);
  });

  it('block hashes of one piece, read from storage and proven to its piece hash; of a one-piece file, proven to its root', async () => {
    const { out, ask } = setup();
    ask(blockHashRequest(gB, rootB, 3)!);
    ask(blockHashRequest(gA, rootA, 0)!);
    await settle();
    const [b, a] = messages(out);
    if (b?.type !== 'hashes' || a?.type !== 'hashes') throw new Error(`expected two hashes messages, got ${JSON.stringify(messages(out).map((m) => m.type))}`);
    const tree = FileTree.fromPieceLayer(gB, torrent.files[B]!.pieceLayer!);
    const leaves = verifyHashes(gB, tree, b);
    const pieceData = data.subarray((firstPieceOfB + 3) * 32768, (firstPieceOfB + 4) * 32768);
    expect(Buffer.from(leaves as Uint8Array).equals(Buffer.from(blockHashes(pieceData, 2)))).to.equal(true);
    expect(verifyHashes(gA, rootOnly(gA, rootA), a)).to.not.be.instanceOf(MerkleError);
  });

  it('hostile requests get a hash reject with the same header, at O(1) cost, and the connection stays', async () => {
    const { out, ask, peer } = setup((i) => i !== firstPieceOfB + 5);
    const bad: HashRange[] = [
      { piecesRoot: new Uint8Array(32).fill(7), baseLayer: 1, index: 0, length: 16, proofLayers: 3 }, // unknown root
      { piecesRoot: rootB, baseLayer: 63, index: 0, length: 1, proofLayers: 0 }, // absurd layer
      { piecesRoot: rootB, baseLayer: 1, index: 4_000_000_000, length: 2, proofLayers: 0 }, // past the layer
      { piecesRoot: rootB, baseLayer: 1, index: 0, length: 0, proofLayers: 0 }, // empty
      { piecesRoot: rootB, baseLayer: 1, index: 1, length: 2, proofLayers: 0 }, // unaligned
      { piecesRoot: rootB, baseLayer: 1, index: 0, length: 16, proofLayers: 60 }, // proof above the root
      { piecesRoot: rootB, baseLayer: 0, index: 0, length: 4, proofLayers: 1 }, // block hashes of two pieces
      blockHashRequest(gB, rootB, 5)!, // a piece we lack
      { piecesRoot: rootA, baseLayer: 0, index: 2, length: 2, proofLayers: 0 }, // past a one-piece file's leaves
    ];
    for (const r of bad) ask(r);
    await settle();
    expect(messages(out)).to.have.deep.members(bad.map((r) => ({ type: 'hash-reject', ...r })));
    expect(peer.connection.closed).to.equal(false);
  });

  it(`a peer gets ${HASH_REQUEST_BURST} requests at once, then ${HASH_REQUESTS_PER_S} a second: the rest are rejected`, () => {
    const { out, ask, scheduler } = setup();
    const r: HashRange = { piecesRoot: rootB, baseLayer: 1, index: 0, length: 16, proofLayers: 3 };
    for (let i = 0; i < HASH_REQUEST_BURST + 10; i++) ask(r);
    const count = (type: string): number => out.filter((c) => c.message.type === type).length;
    expect([count('hashes'), count('hash-reject')]).to.deep.equal([HASH_REQUEST_BURST, 10]);
    scheduler.schedule(() => undefined, 1000);
    scheduler.flush();
    for (let i = 0; i < HASH_REQUESTS_PER_S + 5; i++) ask(r);
    expect([count('hashes'), count('hash-reject')]).to.deep.equal([HASH_REQUEST_BURST + HASH_REQUESTS_PER_S, 15]);
  });

  it(`at most ${HASH_READS_PER_PEER} piece reads in flight per peer; a reply for a peer gone is dropped`, async () => {
    const { out, ask, links$, peer, subscription } = setup();
    for (let i = 0; i < HASH_READS_PER_PEER + 2; i++) ask(blockHashRequest(gB, rootB, i)!);
    expect(messages(out).map((m) => m.type)).to.deep.equal(['hash-reject', 'hash-reject']);
    await settle();
    expect(out.filter((c) => c.message.type === 'hashes')).to.have.length(HASH_READS_PER_PEER);
    ask(blockHashRequest(gB, rootB, 0)!);
    links$.next(peer.left());
    await settle();
    expect(out).to.have.length(HASH_READS_PER_PEER + 2);
    subscription.unsubscribe();
  });
});
