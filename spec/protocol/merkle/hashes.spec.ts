import { expect } from 'chai';
import fc from 'fast-check';
import {
  FileTree, MerkleError, PieceLayerFetch, blockHashRequest, blockHashes, checkHashRange, findBadBlocks, pieceLeafCount,
  pieceNeededFor, pieceRoot, rootOnly, serveHashes, treeGeometry, uncleCount, verifyHashes,
  type HashRange, type TreeGeometry,
} from '../../../src/protocol/merkle/index.js';
import { bytesOf, concat, fullTree } from './reference.js';

const KiB = 1024;
const BLOCK = 16 * KiB;

/** A file, its naive tree and its FileTree. */
function fixture(length: number, pieceLength: number, seed = 1) {
  const data = bytesOf(length, seed);
  const naive = fullTree(data);
  const g = treeGeometry(length, pieceLength);
  const tree = g.singlePiece ? FileTree.fromSmallFile(g, data) : FileTree.fromPieceLayer(g, concat(naive[g.pieceHeight]!.slice(0, g.pieces)));
  return { data, naive, g, tree, root: naive.at(-1)![0]! };
}

/** The leaves of file piece `p`, as a seeder computes them for a block-hash request. */
function leavesOf(data: Uint8Array, g: TreeGeometry, p: number): Uint8Array {
  return blockHashes(data.subarray(p * g.pieceLength, Math.min(data.length, (p + 1) * g.pieceLength)), pieceLeafCount(g));
}

/** What BEP 52 says the reply holds: the base hashes, then the uncle of each proof layer not implied. */
function expectedReply(naive: Uint8Array[][], r: HashRange): Uint8Array {
  const out = naive[r.baseLayer]!.slice(r.index, r.index + r.length);
  let span = 1;
  while (span < r.length) span *= 2;
  for (let h = r.baseLayer + Math.log2(span); h <= r.baseLayer + r.proofLayers; h++) {
    out.push(naive[h]![Math.floor(r.index / 2 ** (h - r.baseLayer)) ^ 1]!);
  }
  return concat(out);
}

describe('merkle: hash requests served and verified', () => {
  const f = fixture(100 * BLOCK + 5, 64 * KiB); // 101 blocks → 128 leaves, 26 pieces, piece layer at height 2

  it('serves the piece layer with uncles up to the root, byte for byte as BEP 52 describes', () => {
    const r: HashRange = { piecesRoot: f.root, baseLayer: 2, index: 8, length: 8, proofLayers: f.g.height - 2 - 1 };
    const reply = serveHashes(f.tree, r);
    expect(reply).to.deep.equal(expectedReply(f.naive, r));
    expect(uncleCount(8, r.proofLayers)).to.equal(2);
    expect(verifyHashes(f.g, rootOnly(f.g, f.root), { ...r, hashes: reply as Uint8Array })).to.deep.equal(concat(f.naive[2]!.slice(8, 16)));
  });

  it('serves block hashes from the piece data, proven to the piece hash or the root', () => {
    const piece = 25; // the last, short piece: one real block, three zero leaves
    const toPiece = blockHashRequest(f.g, f.root, piece)!;
    expect(pieceNeededFor(f.tree, toPiece)).to.equal(piece);
    const reply = serveHashes(f.tree, toPiece, leavesOf(f.data, f.g, piece)) as Uint8Array;
    expect(reply).to.deep.equal(expectedReply(f.naive, toPiece));
    expect(verifyHashes(f.g, f.tree, { ...toPiece, hashes: reply })).to.deep.equal(concat(f.naive[0]!.slice(100, 104)));
    const toRoot = { ...toPiece, proofLayers: f.g.height - 1 };
    const full = serveHashes(f.tree, toRoot, leavesOf(f.data, f.g, piece)) as Uint8Array;
    expect(full).to.deep.equal(expectedReply(f.naive, toRoot));
    expect(verifyHashes(f.g, rootOnly(f.g, f.root), { ...toRoot, hashes: full })).to.be.instanceOf(Uint8Array);
  });

  it('a truncated length at the end of the layer is answered as its power of two', () => {
    // 26 pieces, 101 blocks: the last pair of pieces, and the last 5 real blocks from 96.
    const r: HashRange = { piecesRoot: f.root, baseLayer: 2, index: 24, length: 2, proofLayers: f.g.height - 3 };
    expect(serveHashes(f.tree, r)).to.deep.equal(expectedReply(f.naive, r));
    const truncated: HashRange = { piecesRoot: f.root, baseLayer: 0, index: 96, length: 5, proofLayers: 3 };
    expect(checkHashRange(f.g, truncated)).to.equal(undefined);
    expect(checkHashRange(f.g, { ...truncated, length: 3 })?.code).to.equal('ERR_MERKLE_BAD_REQUEST');
  });

  it('fetches a whole piece layer from replies, in 512-hash chunks, each proven to the root', () => {
    const big = fixture(1300 * BLOCK, 16 * KiB, 3); // 1300 pieces of one block: three chunks
    const fetch = new PieceLayerFetch(big.g, big.root);
    const requests = fetch.requests();
    expect(requests.map((r) => [r.index, r.length])).to.deep.equal([[0, 512], [512, 512], [1024, 512]]);
    for (const r of requests) expect(fetch.add({ ...r, hashes: serveHashes(big.tree, r) as Uint8Array })).to.be.a('number');
    expect(fetch.complete).to.equal(true);
    expect(fetch.pieceLayer()).to.deep.equal(big.tree.pieceLayer);
    expect(fetch.requests()).to.deep.equal([]);
  });

  it('a lying reply teaches nothing and is named for what it is', () => {
    const fetch = new PieceLayerFetch(f.g, f.root);
    const [r] = fetch.requests();
    const reply = serveHashes(f.tree, r!) as Uint8Array;
    for (const at of [0, 31, reply.length - 1]) {
      const bad = reply.slice();
      bad[at] = bad[at]! ^ 1;
      expect((fetch.add({ ...r!, hashes: bad }) as MerkleError).code).to.equal('ERR_MERKLE_NOT_CHAINED');
    }
    expect((fetch.add({ ...r!, hashes: reply.subarray(32) }) as MerkleError).code).to.equal('ERR_MERKLE_NOT_CHAINED');
    const short = { ...r!, length: 2, proofLayers: 0 };
    expect((fetch.add({ ...short, hashes: serveHashes(f.tree, short) as Uint8Array }) as MerkleError).code).to.equal('ERR_MERKLE_UNVERIFIABLE');
    expect((fetch.add({ ...r!, baseLayer: 0, hashes: reply }) as MerkleError).code).to.equal('ERR_MERKLE_BAD_REQUEST');
    expect(fetch.complete).to.equal(false);
    expect(fetch.pieceHash(0)).to.equal(undefined);
    expect(fetch.add({ ...r!, hashes: reply })).to.equal(f.g.pieces);
  });

  it('names the exact bad block of a piece', () => {
    const piece = 3;
    const data = f.data.slice(piece * f.g.pieceLength, (piece + 1) * f.g.pieceLength);
    data[2 * BLOCK + 77] = data[2 * BLOCK + 77]! ^ 0xff;
    const r = blockHashRequest(f.g, f.root, piece)!;
    const trusted = verifyHashes(f.g, f.tree, { ...r, hashes: serveHashes(f.tree, r, leavesOf(f.data, f.g, piece)) as Uint8Array });
    expect(trusted).to.be.instanceOf(Uint8Array);
    expect(findBadBlocks(data, trusted as Uint8Array)).to.deep.equal([2]);
    expect(pieceRoot(f.g, data)).to.not.deep.equal(f.tree.node(f.g.pieceHeight, piece));
    expect(pieceRoot(f.g, f.data.subarray(piece * f.g.pieceLength, (piece + 1) * f.g.pieceLength))).to.deep.equal(f.tree.node(f.g.pieceHeight, piece));
  });

  it('a one-piece file: block hashes prove to its root; a one-block piece needs no request', () => {
    const small = fixture(3 * BLOCK + 1, 256 * KiB, 9); // 4 blocks, tree of 4 leaves, one piece
    const r = blockHashRequest(small.g, small.root, 0)!;
    expect([r.index, r.length, r.proofLayers]).to.deep.equal([0, 4, 1]);
    const reply = serveHashes(small.tree, r, leavesOf(small.data, small.g, 0)) as Uint8Array;
    expect(verifyHashes(small.g, rootOnly(small.g, small.root), { ...r, hashes: reply })).to.deep.equal(concat(small.naive[0]!));
    expect(blockHashRequest(treeGeometry(BLOCK, BLOCK), small.root, 0)).to.equal(undefined);
    expect(() => new PieceLayerFetch(small.g, small.root)).to.throw(MerkleError);
  });

  describe('refuses absurd requests before any hashing', () => {
    const ok: HashRange = { piecesRoot: f.root, baseLayer: 2, index: 0, length: 8, proofLayers: 1 };
    const table: [string, Partial<HashRange>, string][] = [
      ['the root layer', { baseLayer: f.g.height }, 'ERR_MERKLE_BAD_REQUEST'],
      ['a layer above the root', { baseLayer: 99 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['a huge layer', { baseLayer: 2 ** 32 - 1 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['length 0', { length: 0 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['length not a power of two', { length: 6 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['more than 512 hashes', { baseLayer: 0, length: 1024, index: 0 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['an index not a multiple of the length', { index: 4 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['past the end of the layer', { index: 32 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['a huge index', { index: 2 ** 32 - 8 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['proof layers above the root', { proofLayers: f.g.height - 2 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['a huge proof', { proofLayers: 2 ** 32 - 1 }, 'ERR_MERKLE_BAD_REQUEST'],
      ['a layer between leaves and pieces', { baseLayer: 1, index: 0 }, 'ERR_MERKLE_UNSUPPORTED'],
      ['leaves of two pieces', { baseLayer: 0, index: 0, length: 8 }, 'ERR_MERKLE_UNSUPPORTED'],
      ['leaves without the data', { baseLayer: 0, index: 4, length: 4 }, 'ERR_MERKLE_UNAVAILABLE'],
    ];
    for (const [name, change, code] of table) {
      it(name, () => expect((serveHashes(f.tree, { ...ok, ...change }) as MerkleError).code).to.equal(code));
    }
  });

  it('any header: served hashes always verify, and never throw (property)', () => {
    fc.assert(
      fc.property(
        fc.record({ baseLayer: fc.nat(9), index: fc.nat(140), length: fc.nat(140), proofLayers: fc.nat(9) }),
        (h) => {
          const r = { piecesRoot: f.root, ...h };
          const piece = Math.floor(r.index / pieceLeafCount(f.g));
          const leaves = r.baseLayer === 0 && piece < f.g.pieces ? leavesOf(f.data, f.g, piece) : undefined;
          const reply = serveHashes(f.tree, r, leaves);
          if (reply instanceof MerkleError) return;
          expect(reply).to.deep.equal(expectedReply(f.naive, r));
          const proved = verifyHashes(f.g, f.tree, { ...r, hashes: reply });
          expect(proved instanceof MerkleError ? proved.code : 'ok').to.be.oneOf(['ok', 'ERR_MERKLE_UNVERIFIABLE']);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('random bytes as a reply never verify and never throw (property)', () => {
    fc.assert(
      fc.property(fc.nat(4), fc.uint8Array({ maxLength: 600 }), (k, junk) => {
        const r: HashRange = { piecesRoot: f.root, baseLayer: 2, index: 0, length: 2 ** k, proofLayers: f.g.height - 3 };
        const out = verifyHashes(f.g, rootOnly(f.g, f.root), { ...r, hashes: junk });
        expect(out).to.be.instanceOf(MerkleError);
      }),
    );
  });
});
