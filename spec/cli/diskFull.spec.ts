/**
 * `rxtorrent download` onto a disk that fills up (issue 8): a 16 MiB torrent into a 4 MiB tmpfs.
 * The CLI must stop with one line naming ERR_STORAGE_NO_SPACE and exit 1, and every piece it had
 * reported as written must be intact in its `.part` file. Mounting needs root; without it the
 * spec skips (or fails with RXTORRENT_REQUIRE_INTEROP=1).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import { buildMetainfo, parseMetainfo } from '../../src/protocol/metainfo/index.js';
import { createClient } from '../../src/streams/client/createClient.js';
import { recheckPieces } from '../../src/streams/recheck.js';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { memoryStorage, openFileStorage } from '../../src/streams/storage/index.js';
import { payloadBytes } from '../helpers/payload.js';
import { makeTempDir, removeTempDir } from '../helpers/tmp.js';
import { hashes } from '../protocol/metainfo/fixtures.js';
import { runCli } from './run.js';

const LENGTH = 16 * 1024 * 1024;
const PIECE_LENGTH = 256 * 1024;
const DISK = '4m';
const SEED_RATE = 2 * 1024 * 1024;

/** Runs a mount-related command; returns why it failed, or undefined. */
function sh(cmd: string, args: readonly string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.error !== undefined) return `${cmd}: ${r.error.message}`;
  return r.status === 0 ? undefined : `${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`;
}

describe('rxtorrent download onto a full disk', function () {
  this.timeout(90_000);
  let dir: string | undefined;
  let disk: string | undefined;

  before(async function () {
    dir = await makeTempDir('rxt-diskfull-');
    const mountPoint = join(dir, 'disk');
    await mkdir(mountPoint);
    const reason = process.getuid?.() !== 0 ? 'mounting a tmpfs needs root' : sh('mount', ['-t', 'tmpfs', '-o', `size=${DISK}`, 'tmpfs', mountPoint]);
    if (reason === undefined) {
      disk = mountPoint;
      return;
    }
    if (process.env['RXTORRENT_REQUIRE_INTEROP'] === '1') throw new Error(`RXTORRENT_REQUIRE_INTEROP=1 but no small tmpfs: ${reason}`);
    console.log(`      skipped: no small tmpfs (${reason})`);
    this.skip();
  });

  // Unmount first, then remove the temp dir (removing it with the tmpfs still mounted would fail).
  after(async () => {
    if (disk !== undefined && sh('umount', [disk]) !== undefined) {
      // Busy (a file still open): detach it rather than leave a mount behind.
      sh('umount', ['-l', disk]);
    }
    disk = undefined;
    if (dir !== undefined) await removeTempDir(dir);
    dir = undefined;
  });

  it('exits 1 with one line `rxtorrent: ERR_STORAGE_NO_SPACE: …`; every piece reported before is intact in the .part file', async () => {
    const data = payloadBytes(LENGTH, 'disk-full');
    const bytes = buildMetainfo({ name: 'big.bin', multiFile: false, files: [{ path: ['big.bin'], length: LENGTH }], pieceLength: PIECE_LENGTH, pieces: hashes(data, PIECE_LENGTH) });
    const torrent = parseMetainfo(bytes);
    const torrentFile = join(dir!, 'big.torrent');
    await writeFile(torrentFile, bytes);

    // Capped, so the disk fills over a couple of seconds and the downloader reports pieces before
    // it does (states are taken every 250 ms; uncapped, loopback fills 4 MiB faster than that).
    const seeder = createClient({ host: '127.0.0.1', port: 0, uploadRate: SEED_RATE });
    let seeding: Subscription | undefined = seeder.run(torrent, { path: 'unused', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) }).subscribe();
    try {
      const port = await firstValueFrom(seeder.listening$);
      const started = Date.now();
      const run = await runCli(
        ['download', torrentFile, '-o', disk!, '--ip', '127.0.0.1', '-p', '0', '--peer', `127.0.0.1:${port}`, '--no-seed', '--json'],
        { timeoutMs: 60_000 },
      );
      const elapsed = Date.now() - started;
      seeding.unsubscribe();
      seeding = undefined;

      const errLines = run.stderr.split('\n').filter((l) => l.trim() !== '');
      const context = `exit ${run.code} after ${elapsed} ms; stderr:\n${run.stderr}`;
      expect(run.code, context).to.equal(1);
      expect(errLines.at(-1), context).to.match(/^rxtorrent: ERR_STORAGE_NO_SPACE: \S/);
      // One line: no stack trace, no second report.
      expect(errLines.filter((l) => l.startsWith('rxtorrent:')), context).to.have.length(1);
      expect(errLines.filter((l) => /^\s+at /.test(l)), context).to.deep.equal([]);

      const states = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as SessionState & { error?: unknown });
      expect(states.length, 'JSON state lines').to.be.above(0);
      // The last JSON line says how it ended, for a program reading stdout only.
      expect(states.at(-1)?.error).to.deep.include({ code: 'ERR_STORAGE_NO_SPACE' });
      expect(states.slice(0, -1).filter((s) => s.error !== undefined)).to.deep.equal([]);
      const reported = Math.max(...states.map((s) => s.piecesHave));
      // The disk holds 4 MiB of the 16: some pieces were written, far from all.
      expect(reported).to.be.within(1, torrent.pieceCount - 1);

      // Read the staging file back and hash it: whatever was reported written is there.
      const storage = await openFileStorage(torrent, { path: join(disk!, torrent.name) });
      try {
        const last = await lastValueFrom(recheckPieces(torrent, storage));
        if (last.type !== 'done') throw new Error('recheck did not finish');
        expect(last.have.count, `valid pieces in ${torrent.name}.part`).to.be.at.least(reported);
      } finally {
        await storage.close();
      }
    } finally {
      seeding?.unsubscribe();
    }
  });
});
