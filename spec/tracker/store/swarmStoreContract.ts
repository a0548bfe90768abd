/**
 * The contract every SwarmStore passes. Run it from a store's spec:
 *
 *   swarmStoreContract('memoryStore', async (config) => {
 *     const store = memoryStore(config);
 *     return { store, close: () => store.close() };
 *   });
 *
 * `makeStore` gets the limits and TTL a test needs and must return an empty store. Times are
 * passed in; nothing sleeps. Peer selection is checked by its properties (distinct, never self,
 * at most numwant), never by a particular random order.
 */
import { expect } from 'chai';
import { TrackerError } from '../../../src/errors.js';
import type { AnnounceEvent } from '../../../src/protocol/tracker/announceRequest.js';
import type { AnnounceOutcome, PeerAnnounce, SwarmStore, SwarmStoreConfig } from '../../../src/tracker/store/swarmStore.js';

/** What a store's spec hands the contract: a fresh store and how to dispose of it. */
export interface StoreUnderTest {
  readonly store: SwarmStore;
  close(): Promise<void>;
}

const T0 = 1_700_000_000_000;
const TTL = 60_000;

const hashOf = (n: number): Uint8Array => Uint8Array.of(0xff, 0x80, 0x20, ...new Array<number>(16).fill(n), n);
const idOf = (n: number): Uint8Array => Uint8Array.from(`-RX0001-${String(n).padStart(12, '0')}`, (c) => c.charCodeAt(0));

/** Peer `n` announcing to swarm `swarm` (defaults: leecher, port 10000 + n, numwant 50). */
function peer(n: number, options: Partial<PeerAnnounce> & { swarm?: number } = {}): PeerAnnounce {
  const { swarm = 1, ...rest } = options;
  return {
    infoHash: hashOf(swarm), peerId: idOf(n), host: '10.0.0.1', port: 10_000 + n,
    seeder: false, event: 'started' as AnnounceEvent, numwant: 50, ...rest,
  };
}

const portsOf = (outcome: AnnounceOutcome): number[] => outcome.peers.map((p) => p.port).sort((a, b) => a - b);

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(TrackerError);
    return (err as TrackerError).code;
  }
}

/**
 * Defines the SwarmStore contract suite under `describe(name)`.
 *
 * @param name - the store's name in the report.
 * @param makeStore - creates an empty store with the given config.
 */
export function swarmStoreContract(name: string, makeStore: (config: SwarmStoreConfig) => Promise<StoreUnderTest>): void {
  describe(`SwarmStore contract: ${name}`, () => {
    let current: StoreUnderTest | undefined;
    const open = async (config: SwarmStoreConfig = {}): Promise<SwarmStore> => {
      current = await makeStore({ peerTtlMs: TTL, ...config });
      return current.store;
    };
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    describe('announce', () => {
      it('adds a leecher; the first peer gets nobody back', async () => {
        const store = await open();
        expect(await store.announce(peer(1), T0)).to.deep.equal({ complete: 0, incomplete: 1, downloaded: 0, peers: [], created: true });
        expect(await store.announce(peer(1), T0)).to.deep.equal({ complete: 0, incomplete: 1, downloaded: 0, peers: [] });
      });

      it('creates no swarm when the announcer may not (mayCreateSwarm: false), but lets it join one that exists', async () => {
        const store = await open();
        expect(await rejection(store.announce(peer(1, { mayCreateSwarm: false }), T0))).to.equal('ERR_TRACKER_SWARM_RATE_LIMITED');
        expect(await store.stats(T0)).to.deep.equal({ swarms: 0, seeders: 0, leechers: 0 });
        await store.announce(peer(2), T0);
        expect(await store.announce(peer(1, { mayCreateSwarm: false }), T0)).to.deep.include({ incomplete: 2 });
        expect(await rejection(store.announce(peer(3, { mayCreateSwarm: false, event: 'stopped', swarm: 9 }), T0))).to.equal(undefined);
      });

      it('hands the next peer the first one, with its peer id and address', async () => {
        const store = await open();
        await store.announce(peer(1, { host: '2001:db8::1' }), T0);
        const outcome = await store.announce(peer(2), T0);
        expect(outcome.peers).to.deep.equal([{ peerId: idOf(1), host: '2001:db8::1', port: 10_001 }]);
        expect(outcome).to.include({ complete: 0, incomplete: 2 });
      });

      it('counts seeders (left=0) as complete', async () => {
        const store = await open();
        await store.announce(peer(1, { seeder: true }), T0);
        expect(await store.announce(peer(2), T0)).to.include({ complete: 1, incomplete: 1, downloaded: 0 });
      });

      it('never hands a peer itself, by peer id or by address', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        await store.announce(peer(2), T0);
        expect(portsOf(await store.announce(peer(1), T0))).to.deep.equal([10_002]);
        // A restarted client: new peer id, same address as its old entry.
        const restarted = await store.announce(peer(3, { port: 10_001 }), T0);
        expect(portsOf(restarted)).to.deep.equal([10_002]);
      });

      it('refreshes a peer re-announcing, without counting it twice', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        await store.announce(peer(1, { event: 'none' }), T0 + 1);
        expect(await store.announce(peer(1, { event: 'none' }), T0 + 2)).to.include({ incomplete: 1, complete: 0 });
      });

      it('moves a keyless peer id to a new port on its own host', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        await store.announce(peer(1, { port: 999 }), T0);
        const outcome = await store.announce(peer(2), T0);
        expect(outcome.peers).to.deep.equal([{ peerId: idOf(1), host: '10.0.0.1', port: 999 }]);
        expect(outcome.incomplete).to.equal(2);
      });

      it('keeps a keyless peer id with its host: another host cannot move, key or stop it, and the owner stays in', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        // The attack: read the peer id from a compact=0 reply, announce it from elsewhere with a key.
        const evil = Uint8Array.from('evil', (c) => c.charCodeAt(0));
        expect(await rejection(store.announce(peer(1, { host: '10.6.6.6', port: 666, key: evil }), T0))).to.equal('ERR_TRACKER_BAD_PARAMETER');
        expect(await rejection(store.announce(peer(1, { host: '10.6.6.6', port: 666 }), T0))).to.equal('ERR_TRACKER_BAD_PARAMETER');
        expect(await rejection(store.announce(peer(1, { host: '10.6.6.6', event: 'stopped' }), T0))).to.equal('ERR_TRACKER_BAD_PARAMETER');
        expect(await rejection(store.announce(peer(1, { event: 'none' }), T0 + 1))).to.equal(undefined);
        expect((await store.announce(peer(2), T0)).peers).to.deep.equal([{ peerId: idOf(1), host: '10.0.0.1', port: 10_001 }]);
      });

      it('lets a keyless peer id move host once its entry has expired or stopped', async () => {
        const store = await open({ peerTtlMs: TTL });
        await store.announce(peer(1), T0);
        await store.announce(peer(1, { host: '10.9.9.9', port: 999 }), T0 + TTL + 1);
        await store.announce(peer(3), T0 + TTL + 1);
        await store.announce(peer(3, { event: 'stopped' }), T0 + TTL + 1);
        await store.announce(peer(3, { host: '10.8.8.8' }), T0 + TTL + 1);
        const ports = (await store.announce(peer(2), T0 + TTL + 1)).peers.map((p) => `${p.host}:${p.port}`).sort();
        expect(ports).to.deep.equal(['10.8.8.8:10003', '10.9.9.9:999']);
      });

      it('lets a peer id that announced with a key move only with that key', async () => {
        const store = await open();
        const key = Uint8Array.of(1, 2, 3, 4);
        await store.announce(peer(1, { key }), T0);
        expect(await rejection(store.announce(peer(1, { host: '10.6.6.6' }), T0))).to.equal('ERR_TRACKER_BAD_PARAMETER');
        expect(await rejection(store.announce(peer(1, { host: '10.6.6.6', key: Uint8Array.of(9) }), T0))).to.equal('ERR_TRACKER_BAD_PARAMETER');
        expect(await rejection(store.announce(peer(1, { host: '10.6.6.6', event: 'stopped' }), T0))).to.equal('ERR_TRACKER_BAD_PARAMETER');
        expect(await rejection(store.announce(peer(1, { event: 'none' }), T0))).to.equal(undefined);
        expect(await rejection(store.announce(peer(1, { host: '10.7.7.7', key: Uint8Array.of(1, 2, 3, 4) }), T0))).to.equal(undefined);
        expect((await store.announce(peer(2), T0)).peers).to.deep.equal([{ peerId: idOf(1), host: '10.7.7.7', port: 10_001 }]);
      });

      it('keeps swarms apart', async () => {
        const store = await open();
        await store.announce(peer(1, { swarm: 1 }), T0);
        expect(await store.announce(peer(2, { swarm: 2 }), T0)).to.deep.equal({ complete: 0, incomplete: 1, downloaded: 0, peers: [], created: true });
      });
    });

    describe('numwant', () => {
      const fill = async (store: SwarmStore, count: number): Promise<void> => {
        for (let n = 1; n <= count; n++) await store.announce(peer(n), T0);
      };

      it('returns at most numwant distinct other peers', async () => {
        const store = await open();
        await fill(store, 20);
        for (const numwant of [1, 3, 10, 18]) {
          const ports = portsOf(await store.announce(peer(5, { numwant }), T0));
          expect(ports).to.have.length(numwant);
          expect(new Set(ports).size).to.equal(numwant);
          expect(ports).not.to.include(10_005);
        }
      });

      it('returns every other peer when numwant is larger', async () => {
        const store = await open();
        await fill(store, 5);
        expect(portsOf(await store.announce(peer(3, { numwant: 200 }), T0))).to.deep.equal([10_001, 10_002, 10_004, 10_005]);
      });

      it('returns nobody for numwant=0, yet records the peer', async () => {
        const store = await open();
        await fill(store, 3);
        expect(await store.announce(peer(9, { numwant: 0 }), T0)).to.deep.equal({ complete: 0, incomplete: 4, downloaded: 0, peers: [] });
      });
    });

    describe('events', () => {
      it('completed turns a leecher into a seeder and counts one download', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        expect(await store.announce(peer(1, { event: 'completed', seeder: true }), T0)).to.include({ complete: 1, incomplete: 0, downloaded: 1 });
      });

      it('counts a download once per peer, not per repeated completed', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        await store.announce(peer(1, { event: 'completed', seeder: true }), T0);
        expect(await store.announce(peer(1, { event: 'completed', seeder: true }), T0)).to.include({ downloaded: 1 });
      });

      it('does not count a seeder that starts seeding as a download', async () => {
        const store = await open();
        expect(await store.announce(peer(1, { seeder: true }), T0)).to.include({ complete: 1, downloaded: 0 });
      });

      it('counts completed from a peer it has not seen (the tracker restarted)', async () => {
        const store = await open();
        expect(await store.announce(peer(1, { event: 'completed', seeder: true }), T0)).to.include({ complete: 1, downloaded: 1 });
      });

      it('stopped removes the peer at once and hands back nobody', async () => {
        const store = await open();
        await store.announce(peer(1, { seeder: true }), T0);
        await store.announce(peer(2), T0);
        expect(await store.announce(peer(1, { event: 'stopped', seeder: true }), T0)).to.deep.equal({ complete: 0, incomplete: 1, downloaded: 0, peers: [] });
        expect((await store.announce(peer(3), T0)).peers.map((p) => p.port)).to.deep.equal([10_002]);
      });

      it('stopped from an unknown peer changes nothing and creates no swarm', async () => {
        const store = await open();
        expect(await store.announce(peer(1, { event: 'stopped', swarm: 7 }), T0)).to.deep.equal({ complete: 0, incomplete: 0, downloaded: 0, peers: [] });
        expect(await store.stats(T0)).to.deep.equal({ swarms: 0, seeders: 0, leechers: 0 });
      });
    });

    describe('expiry (injected time)', () => {
      it('keeps a peer for the TTL and drops it after', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        expect(portsOf(await store.announce(peer(2), T0 + TTL - 1))).to.deep.equal([10_001]);
        const later = await store.announce(peer(3), T0 + TTL + 1);
        expect(portsOf(later)).to.deep.equal([10_002]);
        expect(later.incomplete).to.equal(2);
      });

      it('a re-announce restarts the TTL', async () => {
        const store = await open();
        await store.announce(peer(1), T0);
        await store.announce(peer(1, { event: 'none' }), T0 + TTL - 1);
        expect(portsOf(await store.announce(peer(2), T0 + 2 * TTL - 2))).to.deep.equal([10_001]);
      });

      it('drops expired seeders from the counts and from scrape', async () => {
        const store = await open();
        await store.announce(peer(1, { seeder: true }), T0);
        await store.announce(peer(2), T0 + TTL);
        const [file] = await store.scrape([hashOf(1)], T0 + TTL + 1);
        expect(file).to.deep.include({ complete: 0, incomplete: 1 });
      });

      it('sweep drops expired peers and empty swarms from stats', async () => {
        const store = await open();
        await store.announce(peer(1, { swarm: 1 }), T0);
        await store.announce(peer(2, { swarm: 2, seeder: true }), T0);
        await store.announce(peer(3, { swarm: 2 }), T0 + TTL);
        expect(await store.stats(T0 + TTL)).to.deep.equal({ swarms: 2, seeders: 1, leechers: 2 });
        await store.sweep(T0 + TTL + 1);
        expect(await store.stats(T0 + TTL + 1)).to.deep.equal({ swarms: 1, seeders: 0, leechers: 1 });
      });
    });

    describe('limits', () => {
      it('refuses a new swarm beyond maxSwarms, still serves existing ones, and admits after expiry', async () => {
        const store = await open({ maxSwarms: 2 });
        await store.announce(peer(1, { swarm: 1 }), T0);
        await store.announce(peer(2, { swarm: 2 }), T0);
        expect(await rejection(store.announce(peer(3, { swarm: 3 }), T0))).to.equal('ERR_TRACKER_TOO_MANY_SWARMS');
        expect(await rejection(store.announce(peer(4, { swarm: 1 }), T0))).to.equal(undefined);
        await store.announce(peer(2, { swarm: 2 }), T0 + TTL);
        expect(await rejection(store.announce(peer(3, { swarm: 3 }), T0 + TTL + 1))).to.equal(undefined);
      });

      it('frees a swarm slot when its last peer stops, so abandoned swarms never fill maxSwarms', async () => {
        const store = await open({ maxSwarms: 1 });
        await store.announce(peer(1, { swarm: 1 }), T0);
        await store.announce(peer(1, { swarm: 1, event: 'stopped' }), T0);
        expect(await rejection(store.announce(peer(2, { swarm: 2 }), T0))).to.equal(undefined);
        expect(await store.stats(T0)).to.deep.equal({ swarms: 1, seeders: 0, leechers: 1 });
      });

      it('refuses a new peer beyond maxPeersPerSwarm but lets members re-announce and leave', async () => {
        const store = await open({ maxPeersPerSwarm: 2 });
        await store.announce(peer(1), T0);
        await store.announce(peer(2), T0);
        expect(await rejection(store.announce(peer(3), T0))).to.equal('ERR_TRACKER_SWARM_FULL');
        expect(await rejection(store.announce(peer(1, { event: 'completed', seeder: true }), T0))).to.equal(undefined);
        await store.announce(peer(2, { event: 'stopped' }), T0);
        expect(await store.announce(peer(3), T0)).to.include({ complete: 1, incomplete: 1 });
      });

      it('refuses a new peer beyond maxPeers over all swarms', async () => {
        const store = await open({ maxPeers: 3 });
        await store.announce(peer(1, { swarm: 1 }), T0);
        await store.announce(peer(2, { swarm: 2 }), T0);
        await store.announce(peer(3, { swarm: 3 }), T0);
        expect(await rejection(store.announce(peer(4, { swarm: 1 }), T0))).to.equal('ERR_TRACKER_TOO_MANY_PEERS');
        expect(await store.stats(T0)).to.deep.equal({ swarms: 3, seeders: 0, leechers: 3 });
      });

      it('holds the limits under concurrent announces', async () => {
        const store = await open({ maxPeersPerSwarm: 10 });
        const results = await Promise.allSettled(Array.from({ length: 30 }, (_, n) => store.announce(peer(n), T0)));
        expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(10);
        expect(await store.stats(T0)).to.deep.equal({ swarms: 1, seeders: 0, leechers: 10 });
      });
    });

    describe('scrape', () => {
      it('reports each info-hash in the order asked, zeros for unknown ones, bytes unchanged', async () => {
        const store = await open();
        await store.announce(peer(1, { swarm: 1, seeder: true }), T0);
        await store.announce(peer(2, { swarm: 1 }), T0);
        await store.announce(peer(2, { swarm: 1, event: 'completed', seeder: true }), T0);
        await store.announce(peer(3, { swarm: 2 }), T0);
        const files = await store.scrape([hashOf(2), hashOf(9), hashOf(1)], T0);
        expect(files).to.deep.equal([
          { infoHash: hashOf(2), complete: 0, incomplete: 1, downloaded: 0 },
          { infoHash: hashOf(9), complete: 0, incomplete: 0, downloaded: 0 },
          { infoHash: hashOf(1), complete: 2, incomplete: 0, downloaded: 1 },
        ]);
      });
    });

    describe('concurrency', () => {
      it('loses no peer and no download among concurrent announces', async () => {
        const store = await open();
        await Promise.all(Array.from({ length: 50 }, (_, n) => store.announce(peer(n), T0)));
        await Promise.all(Array.from({ length: 20 }, (_, n) => store.announce(peer(n, { event: 'completed', seeder: true }), T0)));
        const [file] = await store.scrape([hashOf(1)], T0);
        expect(file).to.deep.include({ complete: 20, incomplete: 30, downloaded: 20 });
        expect(await store.stats(T0)).to.deep.equal({ swarms: 1, seeders: 20, leechers: 30 });
      });
    });
  });
}
