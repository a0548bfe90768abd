import { expect } from 'chai';
import { TrackerError } from '../../../src/errors.js';
import { redisStore } from '../../../src/tracker/store/redisStore.js';
import type { PeerAnnounce } from '../../../src/tracker/store/swarmStore.js';
import { requireTool } from '../../helpers/tools.js';
import { startRedis } from './redisServer.js';
import type { RedisServer } from './redisServer.js';
import { swarmStoreContract } from './swarmStoreContract.js';

const T0 = 1_700_000_000_000;
const idOf = (n: number): Uint8Array => Uint8Array.from(`-RX0001-${String(n).padStart(12, '0')}`, (c) => c.charCodeAt(0));
const peer = (n: number, extra: Partial<PeerAnnounce> = {}): PeerAnnounce => ({
  infoHash: new Uint8Array(20).fill(7), peerId: idOf(n), host: '10.0.0.1', port: 10_000 + n,
  seeder: false, event: 'started', numwant: 50, ...extra,
});

describe('redisStore', function () {
  this.timeout(20_000);
  let redis: RedisServer | undefined;
  let stores = 0;
  /** Every store gets its own key prefix on the one server, so each starts empty. */
  const prefix = (): string => `spec${++stores}:`;

  before(async function () {
    requireTool(this, 'redis');
    redis = await startRedis();
  });
  after(async () => redis?.stop());

  swarmStoreContract('redisStore', async (config) => {
    const store = redisStore(redis!.url, { ...config, prefix: prefix() });
    return { store, close: () => store.close() };
  });

  it('lets two stores (two tracker processes) on one Redis see each other\'s peers and counts', async () => {
    const p = prefix();
    const [a, b] = [redisStore(redis!.url, { prefix: p }), redisStore(redis!.url, { prefix: p })];
    try {
      await a.announce(peer(1, { seeder: true }), T0);
      const outcome = await b.announce(peer(2), T0);
      expect(outcome.peers).to.deep.equal([{ peerId: idOf(1), host: '10.0.0.1', port: 10_001 }]);
      expect(outcome).to.include({ complete: 1, incomplete: 1 });
      expect(await a.stats(T0)).to.deep.equal({ swarms: 1, seeders: 1, leechers: 1 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('keeps the swarm when a store closes and a new one opens (a restarted process)', async () => {
    const p = prefix();
    const first = redisStore(redis!.url, { prefix: p });
    await first.announce(peer(1), T0);
    await first.announce(peer(1, { event: 'completed', seeder: true }), T0);
    await first.close();
    const second = redisStore(redis!.url, { prefix: p });
    try {
      const [file] = await second.scrape([peer(1).infoHash], T0);
      expect(file).to.deep.include({ complete: 1, incomplete: 0, downloaded: 1 });
    } finally {
      await second.close();
    }
  });

  it('expires swarms a batch at a time, the swarm announced to always in full, the totals exact', async () => {
    const store = redisStore(redis!.url, { prefix: prefix(), peerTtlMs: 1000, expireBatch: 7 });
    try {
      const hash = (s: number): Uint8Array => new Uint8Array(20).fill(100 + s); // not peer()'s swarm (7)
      for (let s = 1; s <= 20; s++) {
        await Promise.all([1, 2].map((n) => store.announce(peer(100 * s + n, { infoHash: hash(s), seeder: n === 1, numwant: 0 }), T0)));
      }
      await Promise.all(Array.from({ length: 30 }, (_, n) => store.announce(peer(n, { numwant: 0 }), T0 + 500)));
      expect(await store.stats(T0 + 500)).to.deep.equal({ swarms: 21, seeders: 20, leechers: 50 });
      // 20 swarms expired: this call cleans 7 of them and its own swarm, whose peers are all alive.
      const outcome = await store.announce(peer(99), T0 + 1001);
      expect(outcome).to.include({ complete: 0, incomplete: 31 });
      expect(outcome.peers).to.have.length(30);
      expect(await store.scrape([hash(20)], T0 + 1001)).to.deep.equal([{ infoHash: hash(20), complete: 0, incomplete: 0, downloaded: 0 }]);
      expect(await store.stats(T0 + 1001)).to.deep.equal({ swarms: 1, seeders: 0, leechers: 31 });
    } finally {
      await store.close();
    }
  });

  it('hands every process the same shared secret', async () => {
    const p = prefix();
    const [a, b] = [redisStore(redis!.url, { prefix: p }), redisStore(redis!.url, { prefix: p })];
    try {
      const [sa, sb] = await Promise.all([a.sharedSecret(), b.sharedSecret()]);
      expect(sa).to.have.length(32);
      expect(sb).to.deep.equal(sa);
      expect(await a.sharedSecret('other')).not.to.deep.equal(sa);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('rejects with ERR_TRACKER_STORE_FAILED when Redis is unreachable', async () => {
    const store = redisStore('redis://127.0.0.1:1', { redisOptions: { maxRetriesPerRequest: 0, retryStrategy: () => null } });
    try {
      const err = await store.announce(peer(1), T0).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(TrackerError).and.include({ code: 'ERR_TRACKER_STORE_FAILED' });
    } finally {
      await store.close();
    }
  });
});
