import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { readTorrent, type Torrent } from '../../src/index.js';
import { FileMerkleHasher } from '../../src/protocol/merkle/index.js';
import { parseMagnet } from '../../src/protocol/metainfo/index.js';
import { toHex } from '../../src/protocol/bytes.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { ltCreate, ltRecheck, ltTorrentInfo } from '../helpers/clients.js';
import { makeTree, writePayload } from '../helpers/payload.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

const TRACKER = 'http://127.0.0.1:6969/announce';
const PIECE = 32 * 1024;
/** A file smaller than a piece, an empty file, one of exactly one piece, multi-piece ones, nesting. */
const TREE = {
  'small.bin': 1000,
  'empty.txt': 0,
  'exactly-one-piece.bin': PIECE,
  'dir/sub/many.bin': 5 * PIECE + 12_345,
  'dir/block.bin': 16_384,
  'z/last.bin': 200_001,
};
const VERSIONS = [['v2', 2], ['hybrid', 'hybrid']] as const;

describe('interop: BitTorrent v2 and hybrid torrents (BEP 52) with libtorrent 2.0', function () {
  this.timeout(120_000);
  const tmp = useTempDir({ scope: 'all' });
  let single: string;
  let tree: string;
  const sources = (): [string, string][] => [['a single file', single], ['a multi-file folder', tree]];

  before(async function () {
    requireTool(this, 'libtorrent');
    single = join(tmp.path, 'single.bin');
    await writePayload(single, 7 * PIECE + 999, 'v2-single');
    tree = join(tmp.path, 'tree');
    await makeTree(tree, TREE, 'v2-tree');
  });

  describe('(a) rxtorrent create → libtorrent loads it with our hashes and checks our data', () => {
    for (const [version, expected] of VERSIONS) {
      for (const [what, index] of [['a single file', 0], ['a multi-file folder', 1]] as const) {
        it(`${version}, ${what}`, async () => {
          const path = sources()[index]![1];
          const done = await lastValueFrom(createTorrent(path, { version, trackers: [TRACKER], pieceLength: PIECE }));
          if (done.type !== 'done') throw new Error('no torrent');
          const t = done.torrent;
          expect(t.version).to.equal(expected);
          const out = join(tmp.path, `rx-${version}-${index}.torrent`);
          await writeFile(out, done.bytes);
          const lt = await ltTorrentInfo(out);
          expect([lt.hasV1, lt.hasV2]).to.deep.equal([version === 'hybrid', true]);
          expect(lt.infoHashV2).to.equal(t.infoHashV2);
          if (version === 'hybrid') expect(lt.infoHash).to.equal(t.infoHash);
          await sameAsLibtorrent(t, out);
          expect(await ltRecheck(out, join(path, '..'))).to.deep.equal({ have: t.pieceCount, total: t.pieceCount });
        });
      }
    }
  });

  describe('(b) libtorrent create → parseMetainfo gives libtorrent\'s hashes, layout and roots; its piece layers are our Merkle trees', () => {
    for (const [version, expected] of VERSIONS) {
      for (const [what, index] of [['a single file', 0], ['a multi-file folder', 1]] as const) {
        it(`${version}, ${what}`, async () => {
          const path = sources()[index]![1];
          const out = join(tmp.path, `lt-${version}-${index}.torrent`);
          const hash = await ltCreate({ path, out, tracker: TRACKER, pieceSize: PIECE, v2Only: version === 'v2' });
          const t = await readTorrent(out);
          expect(t.version).to.equal(expected);
          expect(version === 'v2' ? t.infoHashV2 : t.infoHash).to.equal(hash);
          await sameAsLibtorrent(t, out);
          for (const f of t.files.filter((x) => !x.pad && x.length > 0)) {
            const h = new FileMerkleHasher(PIECE);
            h.update(await readFile(join(path, '..', f.relativePath)));
            const ours = h.digest();
            expect(toHex(f.piecesRoot!), f.relativePath).to.equal(toHex(ours.piecesRoot));
            if (f.length > PIECE) expect(Buffer.from(f.pieceLayer!).equals(Buffer.from(ours.pieceLayer)), f.relativePath).to.equal(true);
            else expect(f.pieceLayer).to.equal(undefined);
          }
          // The same data made by us: the same info dict, byte for byte (libtorrent's creation date is outside it).
          const ours = await lastValueFrom(createTorrent(path, { version, pieceLength: PIECE }));
          if (ours.type !== 'done') throw new Error('no torrent');
          expect(ours.torrent.infoHashV2).to.equal(t.infoHashV2);
        });
      }
    }
  });
});

/** Our hashes, file list (paths, sizes, pad flags, roots), geometry and magnet agree with libtorrent's. */
async function sameAsLibtorrent(ours: Torrent, torrentPath: string): Promise<void> {
  const lt = await ltTorrentInfo(torrentPath);
  expect(ours.pieceLength).to.equal(lt.pieceLength);
  expect(ours.pieceCount).to.equal(lt.numPieces);
  expect(ours.length).to.equal(lt.totalSize);
  const root = (f: Torrent['files'][number]) => (f.pad ? null : f.piecesRoot === undefined ? '0'.repeat(64) : toHex(f.piecesRoot));
  expect(ours.files.map((f) => [f.relativePath, f.length, f.pad, root(f)]))
    .to.deep.equal(lt.files.map((f) => [f.path, f.size, f.pad, f.pad ? null : f.root]));
  const link = parseMagnet(lt.magnet);
  expect([link.version, link.infoHash, link.infoHashV2]).to.deep.equal([ours.version, ours.infoHash, ours.infoHashV2]);
}
