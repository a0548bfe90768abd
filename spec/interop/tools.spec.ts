import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LT_DONE,
  LT_LISTENING,
  LT_READY,
  ltCreate,
  ltInfoHash,
  ltPeer,
  ltRecheck,
  ltTorrentInfo,
  mktorrentCreate,
  transmissionCreate,
  transmissionShowInfoHash,
} from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { corruptBytes, filesIdentical, makeTree, payloadBytes, sha1File, writePayload } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import type { Tool } from '../helpers/tools.js';

const TRACKER = 'http://127.0.0.1:6969/announce';
const TREE = { 'a/b.bin': 1000, 'empty.txt': 0, 'Ünïcødé ファイル.dat': 70_000 };

describe('interop helpers', () => {
  stopAllAfterEach();
  const tmp = useTempDir();

  describe('requireTool', () => {
    const tools: Tool[] = ['libtorrent', 'aria2', 'transmission', 'mktorrent', 'opentracker', 'redis', 'chromium'];
    for (const tool of tools) {
      it(`finds ${tool}`, function () {
        requireTool(this, tool);
      });
    }
  });

  describe('payload', () => {
    it('writes the same bytes as payloadBytes, deterministically per seed', async () => {
      const path = join(tmp.path, 'p.bin');
      const size = (1 << 20) + 12_345; // crosses a chunk boundary, not word-aligned
      await writePayload(path, size, 7);
      const inMemory = payloadBytes(size, 7);
      expect(await readFile(path)).to.deep.equal(Buffer.from(inMemory));
      expect(await sha1File(path)).to.equal(createHash('sha1').update(inMemory).digest('hex'));
      expect(payloadBytes(64, 8)).to.not.deep.equal(payloadBytes(64, 7));
      expect(payloadBytes(64, 'x')).to.deep.equal(payloadBytes(64, 'x'));
    });

    it('compares and corrupts files', async () => {
      const [a, b] = [join(tmp.path, 'a'), join(tmp.path, 'b')];
      await Promise.all([writePayload(a, 3_000_000, 1), writePayload(b, 3_000_000, 1)]);
      expect(await filesIdentical(a, b)).to.equal(true);
      await corruptBytes(b, [2_999_999]);
      expect(await filesIdentical(a, b)).to.equal(false);
    });
  });

  describe('net', () => {
    it('finds free ports', async () => {
      expect(await freePort()).to.be.within(1024, 65535);
      expect(await freeUdpAndTcpPort()).to.be.within(1024, 65535);
    });
  });

  describe('proc', () => {
    it('waits for lines, rejects with the output tail on exit, and stops idempotently', async () => {
      const p = startProcess('sh', ['-c', 'echo one; printf "two\\rthree\\n"; echo err >&2; sleep 30'], {
        timeoutSec: 10,
      });
      expect((await p.waitForLine(/^thr(ee)$/, 5000))[1]).to.equal('ee');
      await p.waitForLine(/^err$/, 5000);
      expect(p.lines).to.include.members(['one', 'two', 'three']);
      const [s1, s2] = await Promise.all([p.stop(), p.stop()]);
      expect(s1).to.equal(s2);
      const q = startProcess('sh', ['-c', 'echo bye'], { timeoutSec: 10, name: 'bye' });
      const err = await q.waitForLine(/never/, 5000).then(() => null, (e: Error) => e);
      expect(err?.message).to.match(/bye exited .*\n.*bye/s);
    });

    it('kills a process at its time limit', async () => {
      const p = startProcess('sleep', ['30'], { timeoutSec: 1 });
      expect((await p.exited).code).to.equal(124);
    });
  });

  describe('torrent tools', () => {
    beforeEach(async function () {
      requireTool(this, 'libtorrent');
      await makeTree(join(tmp.path, 'tree'), TREE);
    });

    it('makes and reads torrents with mktorrent, transmission-create and libtorrent', async function () {
      requireTool(this, 'mktorrent');
      requireTool(this, 'transmission');
      const tree = join(tmp.path, 'tree');
      const mk = await mktorrentCreate({ path: tree, out: join(tmp.path, 'mk.torrent'), tracker: TRACKER });
      const tr = await transmissionCreate({ path: tree, out: join(tmp.path, 'tr.torrent'), tracker: TRACKER });
      const ltHash = await ltCreate({ path: tree, out: join(tmp.path, 'lt.torrent'), tracker: TRACKER });

      expect(await ltInfoHash(mk)).to.match(/^[0-9a-f]{40}$/);
      expect(await transmissionShowInfoHash(mk)).to.equal(await ltInfoHash(mk));
      expect(await transmissionShowInfoHash(tr)).to.equal(await ltInfoHash(tr));
      // transmission-create leaves empty files out of the torrent; mktorrent keeps them
      expect((await ltTorrentInfo(tr)).files.map((f) => f.path)).to.not.include('tree/empty.txt');
      expect((await ltTorrentInfo(mk)).files.map((f) => f.path)).to.include('tree/empty.txt');
      expect(await ltInfoHash(join(tmp.path, 'lt.torrent'))).to.equal(ltHash);

      const info = await ltTorrentInfo(join(tmp.path, 'lt.torrent'));
      expect(info).to.include({ name: 'tree', v2: true, totalSize: info.files.reduce((n, f) => n + f.size, 0) });
      expect(info.trackers).to.deep.equal([TRACKER]);
      const real = info.files.filter((f) => !f.pad).map((f) => f.path).sort();
      expect(real).to.deep.equal(['tree/a/b.bin', 'tree/empty.txt', 'tree/Ünïcødé ファイル.dat'].sort());
      expect(info.files.some((f) => f.pad)).to.equal(true);
      expect(await ltRecheck(mk, tmp.path)).to.deep.include({ have: (await ltTorrentInfo(mk)).numPieces });
    });

    it('moves 2 MiB from a libtorrent seeder to a libtorrent leecher dialling it directly', async function () {
      this.timeout(20_000);
      const data = join(tmp.path, 'seed');
      const out = join(tmp.path, 'leech');
      await writePayload(join(data, 'payload.bin'), 2 << 20, 42);
      const torrent = join(tmp.path, 'p.torrent');
      await ltCreate({ path: join(data, 'payload.bin'), out: torrent, tracker: TRACKER, v1Only: true });
      const seedPort = await freeUdpAndTcpPort();
      const seeder = ltPeer({ mode: 'seed', torrent, savePath: data, port: seedPort, timeoutSec: 30 });
      await seeder.waitForLine(LT_LISTENING, 10_000);
      await seeder.waitForLine(LT_READY, 10_000);
      const leecher = ltPeer({
        mode: 'leech', torrent, savePath: out, port: await freeUdpAndTcpPort(),
        peers: [`127.0.0.1:${seedPort}`], exitWhenDone: true, timeoutSec: 30,
      });
      await leecher.waitForLine(LT_DONE, 15_000);
      expect((await leecher.exited).code).to.equal(0);
      expect((await stat(join(out, 'payload.bin'))).size).to.equal(2 << 20);
      expect(await sha1File(join(out, 'payload.bin'))).to.equal(await sha1File(join(data, 'payload.bin')));
      expect((await seeder.stop()).code).to.equal(0);
    });
  });
});
