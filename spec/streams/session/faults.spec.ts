/**
 * A hostile and faulty world, in process over 127.0.0.1 (issue 8): peers that stall, vanish,
 * spam unrequested blocks or send corrupt data, and a disk that fills up. Request and snub
 * timeouts are shortened so every case takes a few seconds.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { StorageError } from '../../../src/errors.js';
import { pieceSize, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { createClient } from '../../../src/streams/client/createClient.js';
import { recheckPieces } from '../../../src/streams/recheck.js';
import type { SessionConfig } from '../../../src/streams/session/sessionConfig.js';
import { memoryStorage, openFileStorage, type PieceStorage } from '../../../src/streams/storage/index.js';
import { useTempDir } from '../../helpers/tmp.js';
import {
  corruptCopy, countingProxy, fixture, hostilePeer, loopback, lyingStorage, pause, recordingStorage, recordStates, startSeeder, until,
  type Recorded,
} from './faultHelpers.js';

/** Short enough that a stalled request returns to the pool within ~1.5 s (the scheduler ticks once a second). */
const SCHEDULING = { requestTimeoutMs: 500, snubTimeoutMs: 500 } as const;

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('a hostile and faulty world (in process, loopback)', function () {
  this.timeout(30_000);
  let cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });

  /** A leecher on 127.0.0.1:0 dialling `ports`; resolves once it listens. */
  async function leech(torrent: Torrent, storage: PieceStorage, ports: number[], extra: Partial<SessionConfig> = {}): Promise<{ port: number; run: Recorded }> {
    const client = createClient({ host: '127.0.0.1', port: 0 });
    const run = recordStates(
      client.run(torrent, {
        path: 'unused', seed: false, stateIntervalMs: 50, scheduling: SCHEDULING,
        peers: ports.map((port) => ({ host: '127.0.0.1', port })), ...extra,
      }, { storage }),
    );
    cleanups.push(() => run.subscription.unsubscribe());
    return { port: await firstValueFrom(client.listening$), run };
  }

  async function seeder(...args: Parameters<typeof startSeeder>): Promise<Awaited<ReturnType<typeof startSeeder>>> {
    const s = await startSeeder(...args);
    cleanups.push(() => s.stop());
    return s;
  }

  const viewOf = (run: Recorded, port: number) => run.latest()?.peers.find((p) => p.address === loopback(port));

  it('a peer that takes requests and never answers: the requests time out, a good seeder finishes, byte-identical', async () => {
    const { torrent, data } = fixture(2_000_000);
    const stalling = lyingStorage(memoryStorage(torrent, { data }));
    const staller = await seeder(torrent, stalling);
    stalling.stall();
    const out = memoryStorage(torrent);
    // No endgame duplicates: only the request timeout can take the staller's blocks back.
    const { port, run } = await leech(torrent, out, [staller.port], { scheduling: { ...SCHEDULING, endgameDuplicates: 1 } });
    // Requests reached the staller and hang there; only then does a good seeder turn up.
    await run.until(() => stalling.stalledReads > 0 && (viewOf(run, staller.port)?.amInterested ?? false), 5000);
    const started = Date.now();
    await seeder(torrent, memoryStorage(torrent, { data }), {}, { peers: [{ host: '127.0.0.1', port }] });
    expect(await run.end).to.equal('complete');
    expect(run.latest()?.status).to.equal('done');
    expect(same(out.content(), data)).to.equal(true);
    // Far below the 30 s default: the short request timeout freed the staller's blocks.
    expect(Date.now() - started).to.be.below(10_000);
    expect(run.latest()?.downloaded).to.be.at.most(2 * torrent.length);
  });

  it('a peer that vanishes mid-piece: its blocks return to the pool, a good seeder finishes', async () => {
    const { torrent, data } = fixture(2_000_000);
    // Slow, so it is surely in the middle of pieces when it goes.
    const vanisher = await seeder(torrent, memoryStorage(torrent, { data }), { uploadRate: 256 * 1024 });
    const out = memoryStorage(torrent);
    const { port, run } = await leech(torrent, out, [vanisher.port]);
    await run.until(() => (viewOf(run, vanisher.port)?.downloaded ?? 0) >= 100_000, 5000);
    const before = run.latest()!;
    vanisher.stop();
    expect(before.piecesHave).to.be.below(torrent.pieceCount);
    expect(before.pieceMap, 'pieces in flight when it went').to.include('d');
    await run.until((s) => !s.peers.some((p) => p.address === loopback(vanisher.port)), 3000);
    await seeder(torrent, memoryStorage(torrent, { data }), {}, { peers: [{ host: '127.0.0.1', port }] });
    expect(await run.end).to.equal('complete');
    expect(same(out.content(), data)).to.equal(true);
    expect(run.latest()?.downloaded).to.be.at.most(2 * torrent.length);
  });

  it('a raw peer spamming unrequested blocks (have-all, unchoke, never answering): none of it reaches storage', async () => {
    const { torrent, data } = fixture(2_000_000);
    const hostile = await hostilePeer(torrent);
    cleanups.push(() => hostile.stop());
    const recorded = recordingStorage(memoryStorage(torrent), Infinity);
    const { port, run } = await leech(torrent, recorded, [hostile.port]);
    // The spam flows before any real data exists (over 100 messages, whatever the download's
    // speed afterwards), and keeps flowing during the download.
    await run.until(() => (viewOf(run, hostile.port)?.downloaded ?? 0) > 200_000 && hostile.requests > 0 && hostile.spamMessages > 100, 5000);
    const good = await seeder(torrent, memoryStorage(torrent, { data }), {}, { peers: [{ host: '127.0.0.1', port }] });
    expect(await run.end).to.equal('complete');
    const final = run.latest()!;
    expect(final.status).to.equal('done');
    // Every piece was written once, with the right bytes.
    expect([...recorded.written].sort((a, b) => a - b)).to.deep.equal([...Array(torrent.pieceCount).keys()]);
    expect(same(await readAll(torrent, recorded), data)).to.equal(true);
    // The spam was received (it counts in `downloaded`) but never assembled: no piece failed, so
    // the good seeder sent each piece once (a refetch costs a whole piece) and the spammer was
    // never struck off; it is still connected when the download ends.
    expect(hostile.spamMessages).to.be.above(100);
    const hostileView = final.peers.find((p) => p.address === loopback(hostile.port));
    expect(hostileView, 'the spammer is still connected').to.not.equal(undefined);
    expect(hostileView!.downloaded).to.be.above(200_000);
    await pause(100);
    const served = good.states[good.states.length - 1]!.uploaded;
    expect(served).to.be.at.least(torrent.length).and.below(torrent.length + torrent.pieceLength);
  });

  it('a peer sending corrupt pieces, alongside a good seeder: the file ends right, the corrupter is banned and never dialled again', async () => {
    const { torrent, data } = fixture(2_000_000);
    const bad = Array.from({ length: torrent.pieceCount }, (_, i) => i).filter((i) => i % 3 === 0);
    // Our seeder rechecks what it seeds: its storage passes the recheck, then serves the bad copy.
    const lying = lyingStorage(memoryStorage(torrent, { data }));
    const corrupter = await seeder(torrent, lying, { uploadRate: 1024 * 1024 });
    lying.serve(memoryStorage(torrent, { data: corruptCopy(torrent, data, bad) }));
    // A relay in front of it counts the leecher's dials exactly.
    const relay = await countingProxy(corrupter.port);
    cleanups.push(() => relay.close());
    const good = await seeder(torrent, memoryStorage(torrent, { data }), { uploadRate: 1024 * 1024 });
    const out = memoryStorage(torrent);
    const { run } = await leech(torrent, out, [relay.port, good.port], { seed: true });
    await run.until((s) => s.status === 'seeding', 20_000);
    expect(same(out.content(), data)).to.equal(true);
    await run.until((s) => !s.peers.some((p) => p.address === loopback(relay.port)), 5000);
    expect(relay.accepted).to.equal(1);
    // A peer that merely closed would be redialled after a 5 s back-off: watch past it.
    await pause(6000);
    expect(relay.accepted, 'the banned address was dialled again').to.equal(1);
    expect(relay.open).to.equal(0);
    // In the states too: once gone, it never comes back.
    const present = run.states.map((s) => s.peers.some((p) => p.address === loopback(relay.port)));
    const gone = present.findIndex((here, i) => !here && i > present.indexOf(true));
    expect(present.indexOf(true)).to.be.at.least(0);
    expect(present.slice(gone)).to.not.include(true);
    // The good seeder was not blamed: it is still connected.
    expect(run.latest()!.peers.map((p) => p.address)).to.include(loopback(good.port));
    // Bad pieces were refetched, but not endlessly.
    expect(run.latest()!.downloaded).to.be.at.most(2 * torrent.length);
  });

  it('a banned peer that dials us is hung up on when it comes back', async () => {
    const { torrent, data } = fixture(2_000_000);
    const bad = Array.from({ length: torrent.pieceCount }, (_, i) => i).filter((i) => i % 3 === 0);
    const good = await seeder(torrent, memoryStorage(torrent, { data }), { uploadRate: 1024 * 1024 });
    const out = memoryStorage(torrent);
    const { port, run } = await leech(torrent, out, [good.port], { seed: true });
    // The corrupter dials the leecher (an inbound peer to it), and redials after each hang-up.
    const lying = lyingStorage(memoryStorage(torrent, { data }));
    const corrupter = await seeder(torrent, lying, { uploadRate: 1024 * 1024 }, { peers: [{ host: '127.0.0.1', port }] });
    lying.serve(memoryStorage(torrent, { data: corruptCopy(torrent, data, bad) }));
    await run.until((s) => s.status === 'seeding', 20_000);
    expect(same(out.content(), data)).to.equal(true);
    const uploadedAtBan = (): number => corrupter.states[corrupter.states.length - 1]!.uploaded;
    await until(() => corrupter.states[corrupter.states.length - 1]!.peers.length === 0, 5000);
    const before = uploadedAtBan();
    // Past its 5 s redial back-off: it dials again, is hung up on, and serves nothing more.
    await pause(6500);
    expect(uploadedAtBan()).to.equal(before);
    expect(run.latest()!.peers.some((p) => p.direction === 'inbound')).to.equal(false);
  });

  describe('a disk that fails', () => {
    const tmp = useTempDir({ prefix: 'rxt-faults-' });

    it('a write failing with ERR_STORAGE_NO_SPACE ends the session with that one error; pieces written before stay intact', async () => {
      const { torrent, data } = fixture(2_000_000);
      const good = await seeder(torrent, memoryStorage(torrent, { data }));
      const path = join(tmp.path, 'f.bin');
      const disk = await openFileStorage(torrent, { path });
      const noSpace = new StorageError('ERR_STORAGE_NO_SPACE', 'no space left on device (injected)');
      const failing = recordingStorage(disk, 10, noSpace);
      const unhandled: unknown[] = [];
      const onUnhandled = (err: unknown): void => void unhandled.push(err);
      process.on('unhandledRejection', onUnhandled);
      cleanups.push(() => process.off('unhandledRejection', onUnhandled));
      const { run } = await leech(torrent, failing, [good.port]);
      const end = await run.end;
      // The storage's own error, not wrapped, not followed by another.
      expect(end).to.equal(noSpace);
      expect(failing.refused.length).to.be.at.least(1);
      // Writes already in flight when the session failed may still land, or fail on the closed files.
      await pause(300);
      expect(failing.written.length).to.be.within(1, 10);
      // The session never counted a piece whose write had not completed.
      expect(run.latest()!.piecesHave).to.be.at.most(failing.written.length);
      // Nothing more arrives after the error; the session let go of its peers.
      const count = run.states.length;
      await pause(500);
      expect(run.states.length).to.equal(count);
      await until(() => good.states[good.states.length - 1]!.peers.length === 0, 3000);
      expect(unhandled).to.deep.equal([]);
      // Read the staging file back: every piece acknowledged before the error is there.
      const reopened = await openFileStorage(torrent, { path });
      try {
        const last = await lastValueFrom(recheckPieces(torrent, reopened, { pieces: failing.written }));
        expect(last.type === 'done' && [...last.have]).to.deep.equal([...failing.written].sort((a, b) => a - b));
        for (const index of failing.written) {
          const at = index * torrent.pieceLength;
          expect(same(await reopened.readBlock(index, 0, pieceSize(torrent, index)), data.subarray(at, at + pieceSize(torrent, index)))).to.equal(true);
        }
      } finally {
        await reopened.close();
      }
    });
  });
});

/** The whole content, read back piece by piece. */
async function readAll(torrent: Torrent, storage: PieceStorage): Promise<Uint8Array> {
  const out = new Uint8Array(torrent.length);
  for (let i = 0; i < torrent.pieceCount; i++) out.set(await storage.readBlock(i, 0, pieceSize(torrent, i)), i * torrent.pieceLength);
  return out;
}
