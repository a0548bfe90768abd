import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, type Subscription } from 'rxjs';
import { readTorrent, seed } from '../../src/index.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { ltCreate, LT_DONE, ltPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { makeTree } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { until } from '../helpers/until.js';
import { requireTool } from '../helpers/tools.js';
import { downloadFromLtSeeder } from './fromLtSeeder.js';
import { expectSameTree, SEED_TREE, SEED_TREE_BYTES } from './seedHelpers.js';

const TRACKER = 'http://127.0.0.1:6969/announce';
/** 32 KiB pieces: a 3 MB file has a piece layer of 92 hashes, small files are one piece each. */
const PIECE = 32 * 1024;

describe('interop: v2-only torrents (BEP 52) transferred with libtorrent 2.0, byte-identical', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();
  let seeder: Subscription | undefined;
  afterEach(() => seeder?.unsubscribe());

  it('downloads a v2-only torrent made by libtorrent from a libtorrent seeder (truncated v2 hash, per-file pieces, piece-layer verification)', async function () {
    requireTool(this, 'libtorrent');
    const content = join(tmp.path, 'seed', 'tree');
    await makeTree(content, SEED_TREE, 'v2-down');
    const file = join(tmp.path, 'lt-v2.torrent');
    const hash = await ltCreate({ path: content, out: file, tracker: TRACKER, pieceSize: PIECE, v2Only: true });
    const torrent = await readTorrent(file);
    expect([torrent.version, torrent.infoHashV2]).to.deep.equal([2, hash]);
    const out = join(tmp.path, 'out');
    const final = await downloadFromLtSeeder({ torrent, file, savePath: join(tmp.path, 'seed'), out });
    expect([final.status, final.progress]).to.deep.equal(['done', 1]);
    await expectSameTree(content, join(out, 'tree'));
  });

  it('downloads a v2-only magnet (xt=urn:btmh) from a libtorrent seeder: metadata, then the piece layers by hash requests, then the files', async function () {
    requireTool(this, 'libtorrent');
    const content = join(tmp.path, 'seed', 'tree');
    await makeTree(content, SEED_TREE, 'v2-magnet-down');
    const file = join(tmp.path, 'lt-v2.torrent');
    const hash = await ltCreate({ path: content, out: file, tracker: TRACKER, pieceSize: PIECE, v2Only: true });
    const out = join(tmp.path, 'out');
    const final = await downloadFromLtSeeder({ torrent: `magnet:?xt=urn:btmh:1220${hash}`, file, savePath: join(tmp.path, 'seed'), out });
    expect([final.status, final.progress]).to.deep.equal(['done', 1]);
    await expectSameTree(content, join(out, 'tree'));
  });

  it('seeds a v2-only torrent to a libtorrent leecher that has only its magnet: it fetches the metadata and asks us for the piece layers', async function () {
    requireTool(this, 'libtorrent');
    const content = join(tmp.path, 'content', 'tree');
    await makeTree(content, SEED_TREE, 'v2-magnet-up');
    const done = await lastValueFrom(createTorrent(content, { version: 'v2', pieceLength: PIECE }));
    if (done.type !== 'done') throw new Error('no torrent');
    const port = await freePort();
    seeder = seed(done.torrent, { path: content, host: '127.0.0.1', port }).subscribe();
    const out = join(tmp.path, 'lt');
    const magnet = `magnet:?xt=urn:btmh:1220${done.torrent.infoHashV2!}`;
    const leecher = ltPeer({ mode: 'leech', magnet, savePath: out, port: await freeUdpAndTcpPort(), peers: [`127.0.0.1:${port}`], exitWhenDone: true, timeoutSec: 60 });
    await leecher.waitForLine(LT_DONE, 45_000);
    await expectSameTree(content, join(out, 'tree'));
  });

  it('seeds a v2-only torrent made by rxtorrent to a libtorrent leecher', async function () {
    requireTool(this, 'libtorrent');
    const content = join(tmp.path, 'content', 'tree');
    await makeTree(content, SEED_TREE, 'v2-up');
    const done = await lastValueFrom(createTorrent(content, { version: 'v2', pieceLength: PIECE }));
    if (done.type !== 'done') throw new Error('no torrent');
    const file = join(tmp.path, 'rx-v2.torrent');
    await writeFile(file, done.bytes);
    const port = await freePort();
    const states$ = seed(done.torrent, { path: content, host: '127.0.0.1', port });
    let uploaded = 0;
    // Seeding means the recheck verified every piece by its piece layer.
    await new Promise<void>((resolve, reject) => {
      seeder = states$.subscribe({
        next: (s) => {
          if (s.status === 'seeding') resolve();
          uploaded = s.uploaded;
        },
        error: reject,
      });
    });
    const out = join(tmp.path, 'lt');
    const leecher = ltPeer({ mode: 'leech', torrent: file, savePath: out, port: await freeUdpAndTcpPort(), peers: [`127.0.0.1:${port}`], exitWhenDone: true, timeoutSec: 60 });
    await leecher.waitForLine(LT_DONE, 45_000);
    await expectSameTree(content, join(out, 'tree'));
    await until(() => uploaded >= SEED_TREE_BYTES, 5000, 'the seeder reports the whole upload');
  });
});
