import { expect } from 'chai';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, timeout } from 'rxjs';
import { download } from '../../src/streams/download.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import type { Torrent } from '../../src/protocol/metainfo/index.js';
import { aria2Seeder, ARIA2_SEEDING } from '../helpers/clients.js';
import { downloadFromLtSeeder } from './fromLtSeeder.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, makeTree } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

/** A multi-file tree with awkward sizes: an empty file, pieces spanning files, a file smaller than a block. */
const TREE = { 'empty.txt': 0, 'tiny.bin': 100, 'a/b/big.bin': 3_000_000, 'a/mid.bin': 700_001, 'z.bin': 20_000 };

async function makeTorrent(dir: string): Promise<{ torrent: Torrent; file: string }> {
  await makeTree(join(dir, 'seed', 'tree'), TREE, 'download');
  const done = await lastValueFrom(createTorrent(join(dir, 'seed', 'tree'), { pieceLength: 32768 }));
  if (done.type !== 'done') throw new Error('no torrent');
  const file = join(dir, 'tree.torrent');
  await writeFile(file, done.bytes);
  return { torrent: done.torrent, file };
}

async function expectSameTree(a: string, b: string): Promise<void> {
  for (const path of Object.keys(TREE)) expect(await filesIdentical(join(a, path), join(b, path)), path).to.equal(true);
  const names = async (d: string): Promise<string[]> => (await readdir(d, { recursive: true })).map(String).sort();
  expect((await names(b)).filter((n) => n.endsWith('.part'))).to.deep.equal([]);
}

describe('interop: rxtorrent downloads from real seeders (--peer, no tracker)', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('from a libtorrent seeder: multi-file, awkward sizes, byte-identical, no .part left', async function () {
    requireTool(this, 'libtorrent');
    const { torrent, file } = await makeTorrent(tmp.path);
    const out = join(tmp.path, 'out');
    const final = await downloadFromLtSeeder({ torrent, file, savePath: join(tmp.path, 'seed'), out });
    expect(final.status).to.equal('done');
    expect(final.progress).to.equal(1);
    await expectSameTree(join(tmp.path, 'seed', 'tree'), join(out, 'tree'));
  });

  it('from an aria2 seeder', async function () {
    requireTool(this, 'aria2');
    const { torrent, file } = await makeTorrent(tmp.path);
    const port = await freeUdpAndTcpPort();
    const seeder = aria2Seeder({ torrent: file, dir: join(tmp.path, 'seed'), port });
    await seeder.waitForLine(ARIA2_SEEDING, 30_000);
    const out = join(tmp.path, 'out');
    const states$ = download(torrent, { dir: out, host: '127.0.0.1', port: 0, peers: [{ host: '127.0.0.1', port }], seed: false });
    const final = await lastValueFrom(states$.pipe(timeout(60_000)));
    expect(final.status).to.equal('done');
    await expectSameTree(join(tmp.path, 'seed', 'tree'), join(out, 'tree'));
  });
});
