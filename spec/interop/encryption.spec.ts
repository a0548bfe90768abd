/**
 * Message stream encryption with real clients, both directions, byte-identical: libtorrent with
 * in/out_enc_policy forced (RC4 only, and both levels with prefer_rc4), aria2 requiring ARC4, and
 * a plaintext-only libtorrent still reached under `prefer` (the plaintext retry). Transmission with
 * encryption required is in spec/heavy/encryption-transmission.spec.ts.
 */
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, timeout } from 'rxjs';
import type { Torrent } from '../../src/protocol/metainfo/index.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { download } from '../../src/streams/download.js';
import type { EncryptionPolicy } from '../../src/streams/peer/index.js';
import { ARIA2_DONE, ARIA2_SEEDING, LT_DONE, LT_READY, aria2Leecher, aria2Seeder, ltPeer, type LtPeerOptions } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, makeTree } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { startCliTracker, waitForStats } from '../tracker/client/cliTracker.js';
import { SEED_TREE_BYTES, expectSameTree, makeSeedPayload, startSeeder, waitForState } from './seedHelpers.js';

const TREE = { 'a/big.bin': 2_000_003, 'b.bin': 300_001 };
const ARIA2_CRYPTO = ['--bt-require-crypto=true', '--bt-min-crypto-level=arc4'];

async function makeTorrent(dir: string): Promise<{ torrent: Torrent; file: string }> {
  await makeTree(join(dir, 'seed', 'tree'), TREE, 'encryption');
  const done = await lastValueFrom(createTorrent(join(dir, 'seed', 'tree'), { pieceLength: 32768 }));
  if (done.type !== 'done') throw new Error('no torrent');
  const file = join(dir, 'tree.torrent');
  await writeFile(file, done.bytes);
  return { torrent: done.torrent, file };
}

describe('interop: message stream encryption', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** Downloads the tree from a seeder on `port` with `encryption`, and checks every byte. */
  async function downloadFrom(torrent: Torrent, port: number, encryption: EncryptionPolicy): Promise<void> {
    const out = join(tmp.path, 'out');
    const final = await lastValueFrom(
      download(torrent, { dir: out, host: '127.0.0.1', port: 0, peers: [{ host: '127.0.0.1', port }], seed: false, encryption }).pipe(timeout(40_000)),
    );
    expect(final.status).to.equal('done');
    for (const path of Object.keys(TREE)) expect(await filesIdentical(join(tmp.path, 'seed', 'tree', path), join(out, 'tree', path)), path).to.equal(true);
  }

  describe('rxtorrent downloads', () => {
    const fromLibtorrent = (name: string, enc: Pick<LtPeerOptions, 'enc' | 'encLevel' | 'preferRc4'>, ours: EncryptionPolicy): void => {
      it(`from libtorrent ${name} (ours: ${ours})`, async function () {
        requireTool(this, 'libtorrent');
        const { torrent, file } = await makeTorrent(tmp.path);
        const port = await freeUdpAndTcpPort();
        const seeder = ltPeer({ mode: 'seed', torrent: file, savePath: join(tmp.path, 'seed'), port, ...enc });
        await seeder.waitForLine(LT_READY, 30_000);
        await downloadFrom(torrent, port, ours);
      });
    };
    fromLibtorrent('with encryption forced, RC4 only', { enc: 'forced', encLevel: 'rc4' }, 'require');
    fromLibtorrent('with encryption forced, both levels, prefer_rc4', { enc: 'forced', encLevel: 'both', preferRc4: true }, 'prefer');
    fromLibtorrent('with encryption forced, plaintext level (obfuscated handshake only)', { enc: 'forced', encLevel: 'plaintext' }, 'prefer');
    fromLibtorrent('with encryption disabled: prefer falls back to plaintext', { enc: 'disabled' }, 'prefer');

    it('from aria2 requiring ARC4', async function () {
      requireTool(this, 'aria2');
      const { torrent, file } = await makeTorrent(tmp.path);
      const port = await freePort();
      const seeder = aria2Seeder({ torrent: file, dir: join(tmp.path, 'seed'), port, extraArgs: ARIA2_CRYPTO });
      await seeder.waitForLine(ARIA2_SEEDING, 30_000);
      await downloadFrom(torrent, port, 'require');
    });
  });

  describe('rxtorrent seeds (--encryption require)', () => {
    async function seeding() {
      const tracker = await startCliTracker({ interval: 2, timeoutSec: 60 });
      const payload = await makeSeedPayload({ dir: tmp.path, name: 'tree', tracker: tracker.url });
      const seeder = startSeeder({ payloads: [payload], port: await freePort(), extraArgs: ['--encryption', 'require'] });
      await waitForStats(tracker.url, (s) => s.seeders === 1, 15_000);
      return { payload, seeder };
    }

    it('to a libtorrent leecher with encryption forced, RC4 only', async function () {
      requireTool(this, 'libtorrent');
      const { payload, seeder } = await seeding();
      const out = join(tmp.path, 'lt');
      const port = await freeUdpAndTcpPort();
      const leecher = ltPeer({ mode: 'leech', torrent: payload.torrent, savePath: out, port, exitWhenDone: true, timeoutSec: 40, enc: 'forced', encLevel: 'rc4' });
      await leecher.waitForLine(LT_DONE, 30_000);
      await expectSameTree(payload.content, join(out, payload.name));
      await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
    });

    it('to an aria2 leecher requiring ARC4', async function () {
      requireTool(this, 'aria2');
      const { payload, seeder } = await seeding();
      const out = join(tmp.path, 'aria2');
      const leecher = aria2Leecher({ torrent: payload.torrent, dir: out, port: await freePort(), timeoutSec: 40, extraArgs: ARIA2_CRYPTO });
      await leecher.waitForLine(ARIA2_DONE, 30_000);
      await expectSameTree(payload.content, join(out, payload.name));
      await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
    });
  });
});
