import { expect } from 'chai';
import { readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { CLI, runCli } from '../cli/run.js';
import { seederStates } from '../interop/seedHelpers.js';
import { freePort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { commandPid, startProcess, stopAll, type ProcessHandle } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';

const MiB = 1024 * 1024;
const SIZE = 96 * MiB;
const PIECE_LENGTH = 256 * 1024;
const PIECE_COUNT = SIZE / PIECE_LENGTH;
const NAME = 'resume.bin';
/** The seeder's cap: 96 MiB take ~11 s, so "half way" is a moment a test can catch. */
const SEEDER_RATE = '8MiB';
/** Pieces a restart may fetch beyond what was missing (in flight at the kill, or fetched twice). */
const SLACK_PIECES = 4;

/** A `--json` state line of a download past `fraction` (one digit), matched on the raw line. */
function pastLine(fraction: number): RegExp {
  return new RegExp(`"status":"downloading","progress":0\\.[${Math.round(fraction * 10)}-9]`);
}

describe('heavy: a download killed or stopped half way resumes from what is on disk', function () {
  this.timeout(180_000);
  const tmp = useTempDir({ prefix: 'rxtorrent-resume-', scope: 'all' });
  let torrent = '';
  let payload = '';
  let seedPort = 0;
  let seeder: ProcessHandle | undefined;

  before(async function () {
    payload = join(tmp.path, 'seed', NAME);
    await writePayload(payload, SIZE, 'kill-resume');
    torrent = join(tmp.path, 'resume.torrent');
    const created = await runCli(['create', payload, '-o', torrent, '--piece-length', String(PIECE_LENGTH)]);
    expect(created.code, created.stderr).to.equal(0);
    seedPort = await freePort();
    const args = [CLI, 'seed', torrent, '-d', payload, '--ip', '127.0.0.1', '-p', String(seedPort), '--upload-rate', SEEDER_RATE, '--json'];
    seeder = startProcess(process.execPath, args, { timeoutSec: 170, name: 'rxtorrent-seed' });
    await seeder.waitForLine(/"status":"seeding"/, 20_000);
  });
  after(() => stopAll());

  /** `rxtorrent download --peer <seeder> --no-seed --json` into `out`, and the pid of its node process. */
  async function startDownload(out: string, name: string): Promise<{ p: ProcessHandle; pid: number }> {
    const args = [CLI, 'download', torrent, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--peer', `127.0.0.1:${seedPort}`, '--no-seed', '--json'];
    const p = startProcess(process.execPath, args, { timeoutSec: 60, name });
    return { p, pid: await commandPid(p) };
  }

  it('SIGKILL half way: no final name while incomplete; the restart fetches only what was missing, byte-identical', async function () {
    const out = join(tmp.path, 'killed');
    const first = await startDownload(out, 'download-1');
    await first.p.waitForLine(pastLine(0.5), 30_000);
    process.kill(first.pid, 'SIGKILL');
    await first.p.exited;
    const before = seederStates(first.p).at(-1) as SessionState;
    expect(before.piecesHave).to.be.within(1, PIECE_COUNT - 1);

    // Staging only: the content, then a resume record (when one was written) — never `resume.bin`.
    const entries = (await readdir(out)).sort();
    expect(entries).to.include(`${NAME}.part`);
    expect(entries).not.to.include(NAME);
    const allowed = [`${NAME}.part`, `.${NAME}.rxresume`, `.${NAME}.rxresume.tmp`];
    expect(entries.filter((e) => !allowed.includes(e)), `entries: ${entries.join(', ')}`).to.deep.equal([]);

    const second = await startDownload(out, 'download-2');
    const status = await second.p.exited;
    expect(status.code, second.p.tail(5)).to.equal(0);
    const states = seederStates(second.p);
    const last = states.at(-1) as SessionState;
    expect(last.status).to.equal('done');
    // Nothing written before the kill is fetched again (it is on disk, or in the page cache): the
    // restart fetches at most what was missing at the last state seen, plus a few pieces.
    const missing = SIZE - before.piecesHave * PIECE_LENGTH;
    console.log(
      `      killed at ${before.piecesHave}/${PIECE_COUNT} pieces; the restart re-hashed ${Math.max(...states.map((s) => s.rechecked))} ` +
        `and downloaded ${(last.downloaded / MiB).toFixed(2)} MiB of ${(missing / MiB).toFixed(2)} MiB missing`,
    );
    expect(last.downloaded).to.be.at.most(missing + SLACK_PIECES * PIECE_LENGTH);
    expect(await readdir(out)).not.to.include(`${NAME}.part`);
    expect(await filesIdentical(payload, join(out, NAME))).to.equal(true);
  });

  it('SIGINT half way: the restart trusts the resume record (0 re-hashed); a touched .part is rechecked in full', async function () {
    const out = join(tmp.path, 'stopped');
    const part = join(out, `${NAME}.part`);
    const first = await startDownload(out, 'download-1');
    await first.p.waitForLine(pastLine(0.3), 30_000);
    process.kill(first.pid, 'SIGINT');
    const exitCodes = [(await first.p.exited).code];
    const stoppedAt = seederStates(first.p).at(-1) as SessionState;
    expect((await readdir(out)).sort()).to.deep.equal([`.${NAME}.rxresume`, `${NAME}.part`]);

    const second = await startDownload(out, 'download-2');
    await second.p.waitForLine(pastLine(0.6), 30_000);
    process.kill(second.pid, 'SIGINT');
    exitCodes.push((await second.p.exited).code);
    const trusted = seederStates(second.p);
    expect(trusted.map((s) => s.rechecked)).to.satisfy((r: number[]) => r.every((n) => n === 0));
    expect(trusted.map((s) => s.status)).not.to.include('checking');
    const resumed = trusted.filter((s) => s.status === 'downloading').map((s) => s.piecesHave);
    expect(Math.min(...resumed)).to.be.at.least(stoppedAt.piecesHave);

    // The record holds each file's mtime: a newer one means the data may have changed.
    const { mtimeMs } = await stat(part);
    const touched = new Date(Math.max(Date.now(), mtimeMs + 1000));
    await utimes(part, touched, touched);
    const third = await startDownload(out, 'download-3');
    const status = await third.p.exited;
    expect(status.code, third.p.tail(5)).to.equal(0);
    const rechecked = seederStates(third.p);
    console.log(
      `      stopped at ${stoppedAt.piecesHave} then ${trusted.at(-1)?.piecesHave}/${PIECE_COUNT} pieces; ` +
        `re-hashed 0, then ${Math.max(...rechecked.map((s) => s.rechecked))} after the touch`,
    );
    expect(Math.max(...rechecked.map((s) => s.rechecked))).to.equal(PIECE_COUNT);
    expect(rechecked.at(-1)?.status).to.equal('done');
    expect(await filesIdentical(payload, join(out, NAME))).to.equal(true);
    // Last, as it is about the CLI rather than the data: "130 download interrupted before it completed".
    expect(exitCodes, 'exit codes after SIGINT').to.deep.equal([130, 130]);
  });
});
