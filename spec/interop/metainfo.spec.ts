import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { readTorrent } from '../../src/index.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { runCli } from '../cli/run.js';
import {
  ltCreate, ltInfoHash, ltRecheck, ltTorrentInfo, mktorrentCreate, transmissionCreate, transmissionShowInfoHash,
} from '../helpers/clients.js';
import { makeTree, writePayload } from '../helpers/payload.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

const TRACKER = 'http://127.0.0.1:6969/announce';
/** Awkward sizes: an empty file, files smaller than a piece, pieces spanning files, nesting, UTF-8. */
const TREE = {
  'empty.txt': 0,
  'tiny.bin': 100,
  'a/b/nested.bin': 40_000,
  'a/sub.bin': 20_001,
  'Ünïcødé ファイル.dat': 70_000,
  'z.bin': 33_333,
};

describe('interop: torrents made by real tools, and ours loaded by libtorrent', function () {
  this.timeout(120_000);
  const tmp = useTempDir({ scope: 'all' });
  let single: string;
  let tree: string;

  before(async function () {
    requireTool(this, 'libtorrent');
    single = join(tmp.path, 'single.bin');
    await writePayload(single, 300_000, 11);
    tree = join(tmp.path, 'tree');
    await makeTree(tree, TREE, 5);
  });

  const sources = (): [string, string][] => [['a single file', single], ['a multi-file folder', tree]];

  describe('(a) other makers → parseMetainfo gives libtorrent\'s v1 info-hash', () => {
    for (const [what, getPath] of [['a single file', () => single], ['a multi-file folder', () => tree]] as const) {
      it(`mktorrent, ${what}`, async function () {
        requireTool(this, 'mktorrent');
        const out = await mktorrentCreate({ path: getPath(), out: join(tmp.path, `mk-${what.length}.torrent`), tracker: TRACKER, pieceLengthLog2: 15 });
        const torrent = await readTorrent(out);
        expect(torrent.infoHash).to.equal(await ltInfoHash(out));
        await sameLayoutAsLibtorrent(out);
      });

      it(`transmission-create, ${what}`, async function () {
        requireTool(this, 'transmission');
        const out = await transmissionCreate({ path: getPath(), out: join(tmp.path, `tr-${what.length}.torrent`), tracker: TRACKER, pieceSizeKiB: 32 });
        const torrent = await readTorrent(out);
        expect(torrent.infoHash).to.equal(await ltInfoHash(out));
        expect(torrent.infoHash).to.equal(await transmissionShowInfoHash(out));
        await sameLayoutAsLibtorrent(out);
      });

      it(`libtorrent (hybrid v1+v2 with BEP 47 pad files), ${what}`, async () => {
        const out = join(tmp.path, `lt-${what.length}.torrent`);
        const hash = await ltCreate({ path: getPath(), out, tracker: TRACKER, pieceSize: 32768 });
        const torrent = await readTorrent(out);
        expect(torrent.infoHash).to.equal(hash);
        expect(torrent.hybrid).to.equal(true);
        if (what === 'a multi-file folder') expect(torrent.files.some((f) => f.pad)).to.equal(true);
        await sameLayoutAsLibtorrent(out);
      });
    }
  });

  describe('(b) rxtorrent create → libtorrent loads it with the same info-hash and its recheck finds every piece', () => {
    for (const [what, index] of [['a single file', 0], ['a multi-file folder', 1]] as const) {
      it(`library createTorrent, ${what}`, async () => {
        const path = sources()[index]![1];
        const done = await lastValueFrom(createTorrent(path, { trackers: [TRACKER], pieceLength: 16384 }));
        if (done.type !== 'done') throw new Error('no torrent');
        const out = join(tmp.path, `rx-${index}.torrent`);
        await writeFile(out, done.bytes);
        expect(await ltInfoHash(out)).to.equal(done.torrent.infoHash);
        const check = await ltRecheck(out, join(path, '..'));
        expect(check).to.deep.equal({ have: done.torrent.pieceCount, total: done.torrent.pieceCount });
        await sameLayoutAsLibtorrent(out);
      });
    }

    it('the rxtorrent create command, multi-file', async () => {
      const out = join(tmp.path, 'cli.torrent');
      const r = await runCli(['create', tree, '-t', TRACKER, '-o', out, '--piece-length', '32KiB']);
      expect(r.code, r.stderr).to.equal(0);
      const torrent = await readTorrent(out);
      expect(await ltInfoHash(out)).to.equal(torrent.infoHash);
      expect(await ltRecheck(out, tmp.path)).to.deep.equal({ have: torrent.pieceCount, total: torrent.pieceCount });
    });
  });
});

/** Our file list (paths, sizes, pad flags) and piece geometry equal libtorrent's reading. */
async function sameLayoutAsLibtorrent(torrentPath: string): Promise<void> {
  const ours = await readTorrent(torrentPath);
  const theirs = await ltTorrentInfo(torrentPath);
  expect(ours.pieceLength).to.equal(theirs.pieceLength);
  expect(ours.pieceCount).to.equal(theirs.numPieces);
  expect(ours.length).to.equal(theirs.totalSize);
  expect(ours.files.map((f) => [f.relativePath, f.length, f.pad])).to.deep.equal(theirs.files.map((f) => [f.path, f.size, f.pad]));
}
