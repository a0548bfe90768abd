/**
 * Peer exchange (BEP 11) between in-process clients on 127.0.0.1 (issue 11): A and B meet through
 * a tracker that then stops; C, told only A's address, learns B from A's PEX messages and dials
 * B. With a private torrent (BEP 27) nothing is exchanged. PEX runs every 500 ms instead of a
 * minute (`pexIntervalMs`).
 */
import { expect } from 'chai';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { decodePexMessage, type PexMessage } from '../../../src/protocol/extensions/index.js';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { generatePeerId } from '../../../src/protocol/wire/index.js';
import { createClient } from '../../../src/streams/client/createClient.js';
import { connectPeer } from '../../../src/streams/peer/index.js';
import type { SessionConfig } from '../../../src/streams/session/sessionConfig.js';
import { memoryStorage } from '../../../src/streams/storage/index.js';
import { freePort } from '../../helpers/net.js';
import { payloadBytes } from '../../helpers/payload.js';
import { hashes } from '../../protocol/metainfo/fixtures.js';
import { loopback, pause, recordStates, until, type Recorded } from './faultHelpers.js';
import { startLocalTracker, type LocalTracker } from './magnetHelpers.js';

const PEX_INTERVAL_MS = 500;
/** The `ut_pex` id a raw peer receives on. */
const RAW_UT_PEX_ID = 4;
const LENGTH = 1_000_000;
const PIECE_LENGTH = 32_768;

describe('peer exchange (in process, loopback)', function () {
  this.timeout(30_000);
  let cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });

  const data = payloadBytes(LENGTH, 'pex');

  function torrentFor(announce: string, isPrivate: boolean): Torrent {
    const files = [{ path: ['p.bin'], length: LENGTH }];
    return parseMetainfo(buildMetainfo({ name: 'p.bin', multiFile: false, files, pieceLength: PIECE_LENGTH, pieces: hashes(data, PIECE_LENGTH), trackers: [[announce]], private: isPrivate }));
  }

  /** A client on 127.0.0.1:0 running `torrent` (memory storage); resolves with its port. */
  async function peer(torrent: Torrent, config: Partial<SessionConfig>, seeding: boolean): Promise<{ port: number; run: Recorded }> {
    const client = createClient({ host: '127.0.0.1', port: 0 });
    const storage = seeding ? memoryStorage(torrent, { data }) : memoryStorage(torrent);
    const run = recordStates(client.run(torrent, { path: 'unused', mode: seeding ? 'seed' : 'download', stateIntervalMs: 50, pexIntervalMs: PEX_INTERVAL_MS, ...config }, { storage }));
    cleanups.push(() => run.subscription.unsubscribe());
    const port = await new Promise<number>((resolve) => {
      const sub = client.listening$.subscribe((p) => {
        resolve(p);
        queueMicrotask(() => sub.unsubscribe());
      });
    });
    return { port, run };
  }

  const hasPeer = (run: Recorded, port: number): boolean => run.states.some((s) => s.peers.some((p) => p.address === loopback(port)));

  /**
   * A seeds, B downloads; both find each other through the tracker, which then stops. B dials at
   * most one peer (`maxPeers: 1`, A), so any connection between B and C is C dialling B.
   */
  async function swarmOfTwo(isPrivate: boolean): Promise<{ torrent: Torrent; a: number; b: number; tracker: LocalTracker }> {
    const tracker = await startLocalTracker(60);
    cleanups.push(() => tracker.close());
    const torrent = torrentFor(tracker.url, isPrivate);
    const a = await peer(torrent, {}, true);
    await a.run.until((s) => s.status === 'seeding' && s.trackers.some((t) => t.ok), 10_000);
    const b = await peer(torrent, { maxPeers: 1 }, false);
    await b.run.until((s) => s.status === 'seeding', 10_000);
    expect(hasPeer(b.run, a.port), 'B found A through the tracker').to.equal(true);
    await tracker.close();
    return { torrent, a: a.port, b: b.port, tracker };
  }

  it('C, told only A, learns B from A and connects to it; the tracker is gone', async () => {
    const { torrent, a, b } = await swarmOfTwo(false);
    const c = await peer(torrent, { peers: [{ host: '127.0.0.1', port: a }] }, false);
    await c.run.until((s) => s.peers.some((p) => p.address === loopback(b) && p.direction === 'outbound'), 5 * PEX_INTERVAL_MS + 5000);
    expect(hasPeer(c.run, a)).to.equal(true);
    // The tracker was down all along: no announce of C ever succeeded.
    expect(c.run.states.some((s) => s.trackers.some((t) => t.ok))).to.equal(false);
    // …and C completes from the swarm it found that way.
    await c.run.until((s) => s.status === 'seeding', 10_000);
  });

  it('a peer that dialled A (its listen port only in its extension handshake) hears of B, never of itself', async () => {
    const { torrent, a, b } = await swarmOfTwo(false);
    const ownPort = await freePort();
    const heard: PexMessage[] = [];
    const options = { infoHash: torrent.infoHashBytes, peerId: generatePeerId(), bitfield: () => new Bitfield(torrent.pieceCount), limits: { pieceCount: torrent.pieceCount } };
    const dialer = connectPeer({ host: '127.0.0.1', port: a }, { ...options, extendedHandshake: { extensions: { ut_pex: RAW_UT_PEX_ID }, port: ownPort } }).subscribe((c) => {
      c.messages$.subscribe((m) => {
        if (m.type === 'extended' && m.id === RAW_UT_PEX_ID) heard.push(decodePexMessage(m.payload));
      });
    });
    cleanups.push(() => dialer.unsubscribe());
    const told = (): string[] => heard.flatMap((m) => m.added.map((p) => `${p.address.host}:${p.address.port}`));
    await until(() => told().includes(loopback(b)), 5 * PEX_INTERVAL_MS + 5000, 'A never told the dialler about B');
    await pause(3 * PEX_INTERVAL_MS);
    expect(told()).to.not.include(loopback(ownPort));
  });

  it('a private torrent: C learns nothing from A (only A among its peers after several PEX intervals)', async () => {
    const { torrent, a, b } = await swarmOfTwo(true);
    const c = await peer(torrent, { peers: [{ host: '127.0.0.1', port: a }] }, false);
    await c.run.until((s) => s.peers.some((p) => p.address === loopback(a)), 5000);
    // Time for several PEX rounds, had A been willing to send any (nothing else to wait on).
    await pause(6 * PEX_INTERVAL_MS);
    const addresses = new Set(c.run.states.flatMap((s) => s.peers.map((p) => p.address)));
    expect([...addresses]).to.deep.equal([loopback(a)]);
    expect(hasPeer(c.run, b)).to.equal(false);
    await c.run.until((s) => s.status === 'seeding', 10_000);
  });
});
