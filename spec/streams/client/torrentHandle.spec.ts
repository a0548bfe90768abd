import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { buildMetainfo, magnetOf, parseMagnet, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import type { PeerAddress } from '../../../src/protocol/peerAddress.js';
import { generatePeerId, type WireMessage } from '../../../src/protocol/wire/index.js';
import { createClient } from '../../../src/streams/client/createClient.js';
import { startHandle, type TorrentHandle } from '../../../src/streams/client/torrentHandle.js';
import { torrentSession } from '../../../src/streams/session/torrentSession.js';
import { magnetSession } from '../../../src/streams/session/magnetSession.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import type { SessionState } from '../../../src/streams/session/sessionState.js';
import { seededRandom } from '../../helpers/random.js';
import { useTempDir } from '../../helpers/tmp.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';
import { fakePort, METADATA_ID, ScriptedPeer, servingMetadata, VirtualClock, type PeerScript } from '../session/fakes.js';

const PIECE = 32 * 1024;

/** Two files: a.bin of 10 pieces and b.bin of 6 and a half. */
function fixture(): { torrent: Torrent; data: Uint8Array } {
  const lengths = [10 * PIECE, 6 * PIECE + PIECE / 2];
  const data = content(lengths[0]! + lengths[1]!, 11);
  const torrent = parseMetainfo(buildMetainfo({
    name: 'h', multiFile: true, files: [{ path: ['a.bin'], length: lengths[0]! }, { path: ['b.bin'], length: lengths[1]! }], pieceLength: PIECE, pieces: hashes(data, PIECE),
  }));
  return { torrent, data };
}

const seederScript = (torrent: Torrent, data: Uint8Array): PeerScript => (m) => {
  if (m.type === 'interested') return [{ type: 'unchoke' }];
  if (m.type !== 'request') return [];
  const at = m.index * torrent.pieceLength + m.begin;
  return [{ type: 'piece', index: m.index, begin: m.begin, block: Uint8Array.from(data.subarray(at, at + m.length)) }];
};

describe('TorrentHandle', () => {
  const tmp = useTempDir();
  let handle: TorrentHandle | undefined;
  afterEach(() => handle?.stop());

  /** A handle over a session in virtual time, with one scripted seeder answering after `latencyMs`. */
  function virtual(files: ('skip' | 'normal' | 'high')[] = [], latencyMs = 20, path?: string, seed = false) {
    const { torrent, data } = fixture();
    const clock = new VirtualClock();
    const address: PeerAddress = { host: '127.0.0.2', port: 6881 };
    const made: ScriptedPeer[] = [];
    const port = fakePort(new Map([['127.0.0.2:6881', () => {
      const peer = new ScriptedPeer(address, generatePeerId(), seederScript(torrent, data), { infoHash: torrent.infoHashBytes, scheduler: clock.scheduler, latencyMs, greeting: [{ type: 'have-all' }] });
      made.push(peer);
      return peer;
    }]]), generatePeerId());
    // With a path, the session opens files there; without, it runs on memory.
    const storage = path === undefined ? memoryStorage(torrent) : undefined;
    handle = startHandle(torrent.infoHash, (control) => torrentSession(torrent, { path: path ?? 'unused', peers: [address], seed, files, scheduling: { initialPipeline: 2, minPipeline: 1, maxPipeline: 2 } }, port, {
      storage, scheduler: clock.scheduler, random: seededRandom(4), control,
    }), files);
    const requested = (): number[] => (made[0]?.received ?? []).flatMap((m: WireMessage) => (m.type === 'request' ? [m.index] : []));
    return { torrent, data, clock, storage, handle, requested };
  }

  it('read$ from the middle of a file: the pieces at the read position are fetched first, the bytes arrive in order', async () => {
    const { torrent, data, clock, handle: h, requested } = virtual();
    const chunks: Uint8Array[] = [];
    let done = false;
    const start = 12 * PIECE + 100;
    // Reading starts before anything is known: it waits for the torrent, then for each piece.
    h.read$(1, { start: start - torrent.files[1]!.offset, end: 14 * PIECE - torrent.files[1]!.offset }).subscribe({ next: (c) => chunks.push(c), complete: () => (done = true), error: (e: unknown) => (done = e as never) });
    expect(await clock.until(() => done, 20_000), 'the read ends').to.equal(true);
    expect(Buffer.concat(chunks).equals(Buffer.from(data.subarray(start, 14 * PIECE)))).to.equal(true);
    // The first pieces asked for are the ones being read, nearest first.
    expect(requested().slice(0, 4)).to.deep.equal([12, 12, 13, 13]);
  });

  it('a skipped file is never asked for; done() resolves once the wanted file is had', async () => {
    const { torrent, clock, handle: h, requested } = virtual(['skip', 'normal']);
    let state: Awaited<ReturnType<TorrentHandle['done']>> | undefined;
    void h.done().then((s) => (state = s));
    expect(await clock.until(() => state !== undefined, 20_000)).to.equal(true);
    const firstOfB = Math.floor(torrent.files[1]!.offset / PIECE);
    // Piece 9 holds only a.bin's bytes; the pieces from b.bin's first on are fetched.
    expect(requested().every((i) => i >= firstOfB)).to.equal(true);
    expect(new Set(requested()).size).to.equal(torrent.pieceCount - firstOfB);
    expect(state).to.include({ status: 'done', progress: 1 });
  });

  it('on disk: the skipped file never appears, the wanted one gets its final name when done; wanted later, it appears too', async () => {
    const path = join(tmp.path, 'h');
    const { torrent, data, clock, handle: h } = virtual(['skip', 'normal'], 20, path, true);
    // Real files: virtual time moves only while real I/O (writes, fsyncs, renames) has had a moment.
    const until = async (done: () => boolean): Promise<boolean> => {
      for (const deadline = Date.now() + 45_000; !done() && Date.now() < deadline; ) {
        await clock.advance(10);
        await new Promise((r) => setTimeout(r, 1));
      }
      return done();
    };
    let state: SessionState | undefined;
    void h.done().then((s) => (state = s));
    expect(await until(() => state !== undefined)).to.equal(true);
    expect(await readFile(join(path, 'b.bin'))).to.deep.equal(Buffer.from(data.subarray(torrent.files[1]!.offset)));
    expect(await readdir(path)).to.deep.equal(['b.bin']);
    const seen: SessionState[] = [];
    h.state$.subscribe((s) => seen.push(s));
    h.setFilePriority(0, 'normal');
    expect(await until(() => seen.at(-1)?.status === 'seeding' && seen.at(-1)?.progress === 1 && seen.some((s) => s.status === 'downloading'))).to.equal(true);
    expect(await readFile(join(path, 'a.bin'))).to.deep.equal(Buffer.from(data.subarray(0, torrent.files[0]!.length)));
  });

  it('a skipped file chosen while running (high) is fetched next', async () => {
    const { clock, handle: h, requested } = virtual(['normal', 'skip']);
    await clock.advance(200);
    const before = requested().length;
    h.setFilePriority(1, 'high');
    await clock.advance(300);
    // Pieces already started finish first (a pipeline of two): then b.bin's.
    const after = requested().slice(before + 4, before + 8);
    expect(after.every((i) => i >= 10), `asked for b.bin's pieces once it is high: ${after}`).to.equal(true);
  });

  it('read$ on a magnet link still fetching its metadata: it waits for the torrent, then streams the bytes', async () => {
    const { torrent, data } = fixture();
    const clock = new VirtualClock();
    const address: PeerAddress = { host: '127.0.0.2', port: 6881 };
    const script = servingMetadata(torrent, seederScript(torrent, data));
    const port = fakePort(new Map([['127.0.0.2:6881', () => {
      const peer = new ScriptedPeer(address, generatePeerId(), script, { infoHash: torrent.infoHashBytes, scheduler: clock.scheduler, latencyMs: 20, greeting: [{ type: 'have-all' }] });
      peer.extendedHandshake = { extensions: { ut_metadata: METADATA_ID }, metadataSize: torrent.infoBytes.length };
      return peer;
    }]]), generatePeerId());
    const link = parseMagnet(magnetOf({ ...torrent, announce: [] }));
    handle = startHandle(link.infoHash, (control) => magnetSession(link, { peers: [address], seed: false }, port, {
      storage: memoryStorage(torrent), scheduler: clock.scheduler, random: seededRandom(6), control,
    }));
    const chunks: Uint8Array[] = [];
    let done: unknown;
    handle.read$(1, { start: 1000, end: 3 * PIECE }).subscribe({ next: (c) => chunks.push(c), complete: () => (done = true), error: (e: unknown) => (done = e) });
    expect(await clock.until(() => done !== undefined, 20_000)).to.equal(true);
    expect(done).to.equal(true);
    const offset = torrent.files[1]!.offset;
    expect(Buffer.concat(chunks).equals(Buffer.from(data.subarray(offset + 1000, offset + 3 * PIECE)))).to.equal(true);
  });

  it('stop() ends the states and fails a read that waits (ERR_CLIENT_STOPPED)', async () => {
    const { clock, handle: h } = virtual([], 10_000);
    let error: unknown;
    let completed = false;
    h.read$(0).subscribe({ error: (e: unknown) => (error = e) });
    h.state$.subscribe({ complete: () => (completed = true) });
    await clock.advance(100);
    h.stop();
    await clock.advance(100);
    expect((error as { code?: string }).code).to.equal('ERR_CLIENT_STOPPED');
    expect(completed).to.equal(true);
    const rejected = await h.done().catch((e: { code?: string }) => e.code);
    expect(rejected).to.equal('ERR_CLIENT_STOPPED');
  });

  it('client.add starts at once (no subscription); createReadStream reads the finished file byte-identical', async () => {
    const { torrent, data } = fixture();
    const seeder = createClient({ host: '127.0.0.1', port: 0 });
    const seeding = seeder.add(torrent, { path: 'unused', mode: 'seed' }, { storage: memoryStorage(torrent, { data }) });
    await seeding.done();
    try {
      const seederPort = await firstValueFrom(seeder.listening$);
      const leecher = createClient({ host: '127.0.0.1', port: 0 });
      handle = leecher.add(torrent, { path: 'unused', peers: [{ host: '127.0.0.1', port: seederPort }] }, { storage: memoryStorage(torrent) });
      await handle.done();
      const read: Buffer[] = [];
      for await (const chunk of handle.createReadStream(1)) read.push(chunk as Buffer);
      expect(Buffer.concat(read).equals(Buffer.from(data.subarray(torrent.files[1]!.offset)))).to.equal(true);
    } finally {
      seeding.stop();
    }
  });
});
