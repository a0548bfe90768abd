import { expect } from 'chai';
import fc from 'fast-check';
import {
  FileTree, blockHashes, layersAbove, nextPowerOfTwo, padHash, pieceLeafCount, rootOfLayer, treeGeometry,
} from '../../../src/protocol/merkle/index.js';
import { bytesOf, concat, fullTree, sha } from './reference.js';

const KiB = 1024;

describe('merkle: SHA-256 trees over 16 KiB leaves (BEP 52)', () => {
  it('pad hashes are the roots of zero subtrees', () => {
    expect(padHash(0)).to.deep.equal(new Uint8Array(32));
    expect(padHash(1)).to.deep.equal(sha(new Uint8Array(32), new Uint8Array(32)));
    expect(padHash(2)).to.deep.equal(sha(padHash(1), padHash(1)));
  });

  it('a one-block file: the root is the hash of the block (short or full)', () => {
    for (const n of [1, 100, 16 * KiB]) {
      const data = bytesOf(n, n);
      expect(rootOfLayer(blockHashes(data), 1, 0)).to.deep.equal(sha(data));
    }
  });

  it('roots, piece layers and every upper node match the naive tree (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 * 16 * KiB }), fc.integer({ min: 0, max: 3 }), fc.integer(), (length, p, seed) => {
        const pieceLength = 16 * KiB * 2 ** p;
        const data = bytesOf(length, seed);
        const naive = fullTree(data);
        const g = treeGeometry(length, pieceLength);
        expect(g.leafCount).to.equal(naive[0]!.length);
        expect(rootOfLayer(blockHashes(data), g.leafCount, 0)).to.deep.equal(naive.at(-1)![0]);
        if (g.singlePiece) {
          const tree = FileTree.fromSmallFile(g, data);
          expect(tree.root).to.deep.equal(naive.at(-1)![0]);
          expect(pieceLeafCount(g)).to.equal(g.leafCount);
          return;
        }
        const pieceLayer = concat(naive[g.pieceHeight]!.slice(0, g.pieces));
        const tree = FileTree.fromPieceLayer(g, pieceLayer);
        expect(tree.root).to.deep.equal(naive.at(-1)![0]);
        for (let h = g.pieceHeight; h <= g.height; h++) {
          naive[h]!.forEach((node, i) => expect(tree.node(h, i)).to.deep.equal(node));
        }
        expect(tree.node(g.pieceHeight - 1, 0)).to.equal(undefined);
        expect(tree.node(g.height, 1)).to.equal(undefined);
      }),
      { numRuns: 60 },
    );
  });

  it('piece-layer pad nodes past the end of a file are zero-subtree roots, not zero bytes', () => {
    // 3 pieces of 32 KiB: the 4th piece-layer node is padding.
    const g = treeGeometry(3 * 32 * KiB, 32 * KiB);
    const naive = fullTree(bytesOf(g.length, 7));
    expect(naive[1]![3]).to.deep.equal(padHash(1));
    const tree = FileTree.fromPieceLayer(g, concat(naive[1]!.slice(0, 3)));
    expect(tree.node(1, 3)).to.deep.equal(padHash(1));
  });

  it('layersAbove keeps only nodes that cover data', () => {
    const layers = layersAbove(concat([sha(Uint8Array.of(1)), sha(Uint8Array.of(2)), sha(Uint8Array.of(3))]), 4, 0);
    expect(layers.map((l) => l.length / 32)).to.deep.equal([3, 2, 1]);
  });

  it('refuses impossible geometry', () => {
    expect(() => treeGeometry(0, 16 * KiB)).to.throw(/non-empty/);
    expect(() => treeGeometry(10, 3 * 16 * KiB)).to.throw(/power of two/);
    expect(() => treeGeometry(10, 8 * KiB)).to.throw(/power of two/);
    const g = treeGeometry(100 * KiB, 16 * KiB);
    expect(() => FileTree.fromPieceLayer(g, new Uint8Array(32))).to.throw(/piece layer/);
    expect(() => layersAbove(new Uint8Array(33), 2, 0)).to.throw(RangeError);
    expect(() => padHash(-1)).to.throw(RangeError);
    expect(nextPowerOfTwo(0)).to.equal(1);
  });
});
