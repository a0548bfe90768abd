import { expect } from 'chai';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, timeout } from 'rxjs';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { download } from '../../src/streams/download.js';
import { readTorrent } from '../../src/streams/readTorrent.js';
import type { Torrent } from '../../src/protocol/metainfo/index.js';
import type { PeerAddress } from '../../src/protocol/peerAddress.js';
import {
  aria2Seeder, ARIA2_SEEDING, LT_READY, ltCreate, ltPeer, transmissionPeer, TRANSMISSION_SEEDING,
} from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, makeTree, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

/** Awkward sizes: an empty file, pieces spanning files, a file smaller than a block, nesting. */
const TREE = { 'empty.txt': 0, 'tiny.bin': 100, 'a/b/big.bin': 3_000_000, 'a/mid.bin': 700_001, 'z.bin': 20_000 };

async function torrentOf(path: string, out: string, pieceLength?: number): Promise<Torrent> {
  const done = await lastValueFrom(createTorrent(path, { pieceLength, trackers: ['http://127.0.0.1:1/announce'] }));
  if (done.type !== 'done') throw new Error('no torrent');
  await writeFile(out, done.bytes);
  return done.torrent;
}

/** The seeders a spec can start, each over the content under `dir`, resolving to its address. */
const seeders = {
  async libtorrent(torrent: string, dir: string): Promise<PeerAddress> {
    const port = await freeUdpAndTcpPort();
    await ltPeer({ mode: 'seed', torrent, savePath: dir, port, seedMode: true, timeoutSec: 300 }).waitForLine(LT_READY, 60_000);
    return { host: '127.0.0.1', port };
  },
  async aria2(torrent: string, dir: string): Promise<PeerAddress> {
    const port = await freeUdpAndTcpPort();
    await aria2Seeder({ torrent, dir, port, timeoutSec: 300 }).waitForLine(ARIA2_SEEDING, 120_000);
    return { host: '127.0.0.1', port };
  },
  async transmission(torrent: string, dir: string): Promise<PeerAddress> {
    const port = await freeUdpAndTcpPort();
    await (await transmissionPeer({ torrent, dir, port, role: 'seed', timeoutSec: 300 })).waitForLine(TRANSMISSION_SEEDING, 120_000);
    return { host: '127.0.0.1', port };
  },
};
type SeederName = keyof typeof seeders;

async function fetchFrom(torrent: Torrent, peers: PeerAddress[], out: string): Promise<void> {
  const final = await lastValueFrom(download(torrent, { dir: out, host: '127.0.0.1', port: 0, peers, seed: false }).pipe(timeout(240_000)));
  expect(final.status).to.equal('done');
  const leftovers = (await readdir(out, { recursive: true })).map(String).filter((n) => n.endsWith('.part'));
  expect(leftovers).to.deep.equal([]);
}

describe('heavy: rxtorrent downloads from real seeders (Transmission, all three at once, 256 MiB, hybrid)', function () {
  this.timeout(600_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  const multiFile = async (names: SeederName[]) => {
    const seedDir = join(tmp.path, 'seed');
    await makeTree(join(seedDir, 'tree'), TREE, 'heavy');
    const file = join(tmp.path, 'tree.torrent');
    const torrent = await torrentOf(join(seedDir, 'tree'), file, 32768);
    const peers = await Promise.all(names.map((name) => seeders[name](file, seedDir)));
    await fetchFrom(torrent, peers, join(tmp.path, 'out'));
    for (const path of Object.keys(TREE)) expect(await filesIdentical(join(seedDir, 'tree', path), join(tmp.path, 'out', 'tree', path)), path).to.equal(true);
  };

  it('a multi-file torrent with awkward sizes from a Transmission seeder', async function () {
    requireTool(this, 'transmission');
    await multiFile(['transmission']);
  });

  it('the same from libtorrent, aria2 and Transmission at once', async function () {
    requireTool(this, 'libtorrent');
    requireTool(this, 'aria2');
    requireTool(this, 'transmission');
    await multiFile(['libtorrent', 'aria2', 'transmission']);
  });

  for (const name of ['libtorrent', 'aria2', 'transmission'] as const) {
    it(`a 256 MiB single-file torrent from ${name}`, async function () {
      requireTool(this, name);
      const seedDir = join(tmp.path, 'seed');
      await writePayload(join(seedDir, 'big.bin'), 256 * 1024 * 1024, `heavy-${name}`);
      const file = join(tmp.path, 'big.torrent');
      const torrent = await torrentOf(join(seedDir, 'big.bin'), file);
      const peer = await seeders[name](file, seedDir);
      await fetchFrom(torrent, [peer], join(tmp.path, 'out'));
      expect(await filesIdentical(join(seedDir, 'big.bin'), join(tmp.path, 'out', 'big.bin'))).to.equal(true);
    });
  }

  it('a libtorrent-made hybrid torrent with BEP 47 pad files, from libtorrent', async function () {
    requireTool(this, 'libtorrent');
    const seedDir = join(tmp.path, 'seed');
    await makeTree(join(seedDir, 'tree'), TREE, 'hybrid');
    const file = join(tmp.path, 'hybrid.torrent');
    await ltCreate({ path: join(seedDir, 'tree'), out: file, tracker: 'http://127.0.0.1:1/announce', pieceSize: 32768 });
    const torrent = await readTorrent(file);
    expect(torrent.hybrid).to.equal(true);
    expect(torrent.files.some((f) => f.pad)).to.equal(true);
    const peer = await seeders.libtorrent(file, seedDir);
    await fetchFrom(torrent, [peer], join(tmp.path, 'out'));
    for (const path of Object.keys(TREE)) expect(await filesIdentical(join(seedDir, 'tree', path), join(tmp.path, 'out', 'tree', path)), path).to.equal(true);
    // Pad files are part of the layout, never written.
    const written = (await readdir(join(tmp.path, 'out', 'tree'), { recursive: true })).map(String);
    expect(written.some((n) => n.startsWith('.pad'))).to.equal(false);
  });
});
