import { expect } from 'chai';
import type { Subscription } from 'rxjs';
import { buildMetainfo, parseMetainfo, pieceSize, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { formatPeerAddress, type PeerAddress } from '../../../src/protocol/peerAddress.js';
import { generatePeerId, type WireMessage } from '../../../src/protocol/wire/index.js';
import type { SessionState } from '../../../src/streams/session/sessionState.js';
import { torrentSession } from '../../../src/streams/session/torrentSession.js';
import { magnetSession } from '../../../src/streams/session/magnetSession.js';
import { metadataPieceCount } from '../../../src/protocol/extensions/index.js';
import { magnetOf, parseMagnet } from '../../../src/protocol/metainfo/index.js';
import { memoryStorage, type MemoryStorage } from '../../../src/streams/storage/index.js';
import { seededRandom } from '../../helpers/random.js';
import { content, hashes } from '../../protocol/metainfo/fixtures.js';
import { fakePort, METADATA_ID, ScriptedPeer, servingMetadata, VirtualClock, type FakePort, type PeerScript } from './fakes.js';

const PIECE_LENGTH = 32 * 1024;
const PIECES = 24;

function fixture(): { torrent: Torrent; data: Uint8Array } {
  const length = PIECES * PIECE_LENGTH - 1000;
  const data = content(length, 7);
  const torrent = parseMetainfo(buildMetainfo({ name: 'v.bin', multiFile: false, files: [{ path: ['v.bin'], length }], pieceLength: PIECE_LENGTH, pieces: hashes(data, PIECE_LENGTH) }));
  return { torrent, data };
}

/** A seeder that unchokes (at once, or only when `unchokeAt` of virtual time has passed) and answers requests from `data`. */
function seederScript(torrent: Torrent, data: Uint8Array, options: { corrupt?: boolean; unchoke?: boolean } = {}): PeerScript {
  return (message) => {
    if (message.type === 'interested') return options.unchoke === false ? [] : [{ type: 'unchoke' }];
    if (message.type !== 'request') return [];
    const at = message.index * torrent.pieceLength + message.begin;
    const block = Uint8Array.from(data.subarray(at, at + message.length));
    if (options.corrupt === true) block[0] = block[0]! ^ 0xff;
    return [{ type: 'piece', index: message.index, begin: message.begin, block }];
  };
}

const requestsOf = (peer: ScriptedPeer): WireMessage[] => peer.received.filter((m) => m.type === 'request');

describe('runSession: a whole session in virtual time, against scripted peers', () => {
  let subscription: Subscription | undefined;
  afterEach(() => subscription?.unsubscribe());

  function run(torrent: Torrent, port: FakePort, clock: VirtualClock, peers: readonly PeerAddress[], storage: MemoryStorage, extra: { stateIntervalMs?: number; seed?: boolean } = {}) {
    const states: SessionState[] = [];
    let end: unknown;
    subscription = torrentSession(torrent, { path: 'unused', seed: extra.seed ?? false, peers, stateIntervalMs: extra.stateIntervalMs ?? 1000 }, port, {
      storage, scheduler: clock.scheduler, random: seededRandom(3),
    }).subscribe({ next: (s) => states.push(s), error: (err: unknown) => (end = err), complete: () => (end = 'complete') });
    return { states, ended: () => end };
  }

  it('three peers — honest but slow to unchoke, choking for ever, corrupting — the corrupter is banned, the honest peer finishes it, byte-identical', async () => {
    const { torrent, data } = fixture();
    const clock = new VirtualClock();
    const at = (n: number): PeerAddress => ({ host: `127.0.0.${n}`, port: 6881 });
    const made = new Map<string, ScriptedPeer[]>();
    const make = (n: number, script: PeerScript, latencyMs = 1) => () => {
      const peer = new ScriptedPeer(at(n), generatePeerId(), script, { infoHash: torrent.infoHashBytes, scheduler: clock.scheduler, latencyMs, greeting: [{ type: 'have-all' }] });
      made.set(formatPeerAddress(at(n)), [...(made.get(formatPeerAddress(at(n))) ?? []), peer]);
      return peer;
    };
    const honestScript = seederScript(torrent, data, { unchoke: false });
    const port = fakePort(new Map([
      [formatPeerAddress(at(2)), make(2, honestScript)],
      [formatPeerAddress(at(3)), make(3, seederScript(torrent, data, { unchoke: false }))],
      [formatPeerAddress(at(4)), make(4, seederScript(torrent, data, { corrupt: true }), 50)],
    ]), generatePeerId());
    const storage = memoryStorage(torrent);
    const session = run(torrent, port, clock, [at(2), at(3), at(4)], storage, { stateIntervalMs: 100 });

    await clock.advance(100);
    const [honest] = made.get(formatPeerAddress(at(2))) ?? [];
    const [choking] = made.get(formatPeerAddress(at(3))) ?? [];
    const [corrupter] = made.get(formatPeerAddress(at(4))) ?? [];
    expect([honest, choking, corrupter].every((p) => p !== undefined), 'all three dialled').to.equal(true);
    // Only the corrupter unchoked us: it gets every request, and strikes.
    expect(requestsOf(corrupter!).length).to.be.above(0);
    expect(session.states.at(-1)?.peers, 'three peers in the state').to.have.length(3);
    expect(await clock.until(() => corrupter!.closed, 10_000), 'the corrupter is banned').to.equal(true);
    expect(requestsOf(honest!)).to.have.length(0);
    // Now the honest peer unchokes us.
    honest!.deliver({ type: 'unchoke' });
    expect(await clock.until(() => session.ended() !== undefined, 60_000), 'the download ends').to.equal(true);
    expect(session.ended()).to.equal('complete');
    expect(Buffer.from(storage.content()).equals(Buffer.from(data)), 'byte-identical').to.equal(true);

    const last = session.states.at(-1)!;
    expect(last).to.include({ status: 'done', progress: 1, left: 0, piecesHave: PIECES });
    expect(last.peers.map((p) => p.address).sort()).to.deep.equal(['127.0.0.2:6881', '127.0.0.3:6881']);
    // The choking peer heard we are interested and never got a request; the corrupter was dialled once.
    expect(choking!.received.map((m) => m.type)).to.include('interested');
    expect(requestsOf(choking!)).to.have.length(0);
    expect(port.dialled.filter((a) => a === '127.0.0.4:6881')).to.have.length(1);
    expect(made.get('127.0.0.4:6881')).to.have.length(1);
    // Every request named a block of the torrent, 16 KiB or the short tail of the last piece.
    for (const r of [...requestsOf(honest!), ...requestsOf(corrupter!)]) {
      if (r.type !== 'request') continue;
      expect(r.begin % 16384).to.equal(0);
      expect(r.begin + r.length).to.be.at.most(pieceSize(torrent, r.index));
    }
    // The peer rows followed the wire.
    const downloading = session.states.filter((s) => s.status === 'downloading');
    expect(downloading.length).to.be.at.least(2);
    const choked = downloading.flatMap((s) => s.peers).filter((p) => p.address === '127.0.0.3:6881');
    expect(choked.every((p) => p.peerChoking && p.amInterested && p.progress === 1)).to.equal(true);
  });

  it('with stateIntervalMs 60 000 the choker still rechokes every 10 s on measured rates', async () => {
    const { torrent } = fixture();
    const clock = new VirtualClock();
    // We are leeching; seven peers dial in and say they are interested in what we will have. Four
    // regular slots and one optimistic: two stay choked. The last two to arrive send us data
    // (blocks we never asked for: they count on the wire, the scheduler drops them), so
    // tit-for-tat must give them regular slots at the rechokes, measured on the session clock
    // alone: no state is built between the first one and the end.
    const port = fakePort(new Map(), generatePeerId());
    const session = run(torrent, port, clock, [], memoryStorage(torrent), { stateIntervalMs: 60_000, seed: true });
    await clock.advance(50);
    const peers = [2, 3, 4, 5, 6, 7, 8].map((n) => {
      const peer = new ScriptedPeer({ host: `127.0.0.${n}`, port: 7000 }, generatePeerId(), () => [], {
        infoHash: torrent.infoHashBytes, scheduler: clock.scheduler, direction: 'inbound', greeting: [{ type: 'have-none' }, { type: 'interested' }],
      });
      port.incoming.next(peer);
      return peer;
    });
    const fast = peers.slice(5);
    const push = clock.scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
      for (const peer of fast) peer.deliver({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(16384) });
      this.schedule(undefined, 100);
    }, 100);
    const unchoked = (peer: ScriptedPeer): boolean => peer.received.filter((m) => m.type === 'choke' || m.type === 'unchoke').at(-1)?.type === 'unchoke';
    await clock.advance(100);
    expect(peers.filter(unchoked), 'the four regular slots, at once').to.have.length(4);
    for (const checkAt of [25_000, 45_000, 65_000]) {
      await clock.advance(checkAt - clock.now, 50);
      expect(fast.every(unchoked), `the two fast peers hold slots at ${checkAt} ms`).to.equal(true);
      expect(peers.filter(unchoked)).to.have.length(5);
    }
    push.unsubscribe();
    expect(session.states.length, 'states: the first, and one at 60 s').to.equal(2);
  });

  it('a magnet link: the metadata and then the pieces come over one connection; the peer is dialled once', async () => {
    const { torrent, data } = fixture();
    const clock = new VirtualClock();
    const address: PeerAddress = { host: '127.0.0.2', port: 6881 };
    const script = servingMetadata(torrent, seederScript(torrent, data));
    const made: ScriptedPeer[] = [];
    const port = fakePort(new Map([[formatPeerAddress(address), () => {
      // It says what it has before we know how many pieces there are.
      const peer = new ScriptedPeer(address, generatePeerId(), script, { infoHash: torrent.infoHashBytes, scheduler: clock.scheduler, greeting: [{ type: 'have-all' }] });
      peer.extendedHandshake = { extensions: { ut_metadata: METADATA_ID }, metadataSize: torrent.infoBytes.length };
      made.push(peer);
      return peer;
    }]]), generatePeerId());
    const storage = memoryStorage(torrent);
    const states: SessionState[] = [];
    let end: unknown;
    subscription = magnetSession(parseMagnet(magnetOf({ ...torrent, announce: [] })), { peers: [address], seed: false, stateIntervalMs: 100 }, port, {
      storage, scheduler: clock.scheduler, random: seededRandom(5),
    }).subscribe({ next: (s) => states.push(s), error: (e: unknown) => (end = e), complete: () => (end = 'complete') });
    expect(await clock.until(() => end !== undefined, 30_000), 'the download ends').to.equal(true);
    expect(end).to.equal('complete');
    expect(Buffer.from(storage.content()).equals(Buffer.from(data))).to.equal(true);
    expect(port.dialled).to.deep.equal(['127.0.0.2:6881']);
    expect(made).to.have.length(1);
    const peer = made[0]!;
    expect(peer.received.filter((m) => m.type === 'extended' && m.id === 5)).to.have.length(metadataPieceCount(torrent.infoBytes.length));
    // Our updated extension handshake (now with ut_pex and the metadata size), then requests on the same connection.
    expect(peer.received.some((m) => m.type === 'extended' && m.id === 0)).to.equal(true);
    expect(requestsOf(peer).length).to.be.at.least(PIECES * 2);
    expect(peer.limits?.pieceCount).to.equal(PIECES);
    expect(states[0]?.status).to.equal('metadata');
    expect(states.at(-1)?.status).to.equal('done');
  });

  it('a magnet link whose metadata never comes fails after metadataTimeoutMs with ERR_EXT_METADATA_TIMEOUT', async () => {
    const clock = new VirtualClock();
    const { torrent } = fixture();
    const port = fakePort(new Map(), generatePeerId());
    let end: unknown;
    subscription = magnetSession(parseMagnet(magnetOf({ ...torrent, announce: [] })), { peers: [{ host: '127.0.0.2', port: 6881 }], seed: false, metadataTimeoutMs: 60_000 }, port, {
      storage: memoryStorage(torrent), scheduler: clock.scheduler, random: seededRandom(5),
    }).subscribe({ error: (e: unknown) => (end = e), complete: () => (end = 'complete') });
    await clock.advance(59_000, 1000);
    expect(end, 'still waiting at 59 s').to.equal(undefined);
    await clock.advance(2000, 1000);
    expect((end as { code?: string })?.code).to.equal('ERR_EXT_METADATA_TIMEOUT');
  });
});
