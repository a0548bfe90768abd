import { expect } from 'chai';
import { TrackerError } from '../../../src/errors.js';
import { memoryStore } from '../../../src/tracker/store/memoryStore.js';
import { swarmStoreContract } from './swarmStoreContract.js';

swarmStoreContract('memoryStore', async (config) => {
  const store = memoryStore(config);
  return { store, close: () => store.close() };
});

describe('memoryStore', () => {
  const T0 = 1_700_000_000_000;
  const announce = (n: number) => ({
    infoHash: new Uint8Array(20).fill(1),
    peerId: Uint8Array.from(`-RX0001-${String(n).padStart(12, '0')}`, (c) => c.charCodeAt(0)),
    host: '10.0.0.1', port: 10_000 + n, seeder: false, event: 'started' as const, numwant: 3,
  });

  it('picks peers with the injected random source', async () => {
    const picks = async (random: () => number): Promise<number[]> => {
      const store = memoryStore({ random });
      for (let n = 1; n <= 10; n++) await store.announce(announce(n), T0);
      return (await store.announce(announce(11), T0)).peers.map((p) => p.port);
    };
    expect(await picks(() => 0)).to.deep.equal(await picks(() => 0));
    expect(await picks(() => 0)).to.deep.equal([10_001, 10_002, 10_003]);
    // 3 of 11 entries is a random draw: index 5, then 5 again and again, so the linear top-up
    // from index 5 adds the next two.
    expect(await picks(() => 0.5)).to.deep.equal([10_006, 10_007, 10_008]);
    // 3 of 6 is a partial Fisher–Yates over indices: picks 3, then 0 (moved to 3), then 4.
    const few = async (random: () => number): Promise<number[]> => {
      const store = memoryStore({ random });
      for (let n = 1; n <= 5; n++) await store.announce(announce(n), T0);
      return (await store.announce(announce(6), T0)).peers.map((p) => p.port);
    };
    expect(await few(() => 0.5)).to.deep.equal([10_004, 10_001, 10_005]);
  });

  it('survives a random source outside [0, 1)', async () => {
    for (const value of [-1, 1, 5, NaN]) {
      const store = memoryStore({ random: () => value });
      for (let n = 1; n <= 5; n++) await store.announce(announce(n), T0);
      const ports = (await store.announce(announce(6), T0)).peers.map((p) => p.port);
      expect(new Set(ports).size).to.equal(3);
    }
  });

  it('copies peer ids it keeps, so a caller reusing its buffer changes nothing', async () => {
    const store = memoryStore();
    const first = announce(1);
    await store.announce(first, T0);
    first.peerId.fill(0);
    expect((await store.announce(announce(2), T0)).peers[0]!.peerId).to.deep.equal(announce(1).peerId);
  });

  it('refuses a non-positive limit at creation', () => {
    expect(() => memoryStore({ maxSwarms: 0 })).to.throw(TrackerError).with.property('code', 'ERR_TRACKER_BAD_CONFIG');
    expect(() => memoryStore({ peerTtlMs: -5 })).to.throw(TrackerError);
  });
});
