import { expect } from 'chai';
import fc from 'fast-check';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import { parseUdpReply } from '../../../src/protocol/tracker/udpReply.js';
import type { UdpReply } from '../../../src/protocol/tracker/udpReply.js';
import { encodeUdpAnnounce, encodeUdpConnect } from '../../../src/protocol/tracker/udpClientPackets.js';
import { createTrackerApp } from '../../../src/tracker/server/createTrackerApp.js';
import { createCounters } from '../../../src/tracker/server/stats.js';
import { createUdpTrackerHandler } from '../../../src/tracker/server/udpHandler.js';
import type { UdpTrackerHandler } from '../../../src/tracker/server/udpHandler.js';
import { memoryStore } from '../../../src/tracker/store/memoryStore.js';
import type { SwarmStore } from '../../../src/tracker/store/swarmStore.js';
import { BINARY_INFO_HASH, peerIdOf } from '../../protocol/tracker/trackerQueries.js';
import { get, serve } from './httpHarness.js';

const SECRET = new Uint8Array(32).fill(3);
const T0 = 1_700_000_000_000;
const A = { address: '192.0.2.7', port: 40001 };
const params = (n: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: 100, event: 'started', ...extra,
});

describe('UDP tracker handler (BEP 15)', () => {
  let clock = T0;
  let store: SwarmStore;
  let handle: UdpTrackerHandler;
  const logged: unknown[] = [];
  beforeEach(() => {
    clock = T0;
    store = memoryStore();
    logged.length = 0;
    handle = createUdpTrackerHandler({ interval: 900 }, { store, secret: SECRET, now: () => clock, logger: { error: (_m, e) => logged.push(e) } });
  });

  const reply = async (packet: Uint8Array, from = A, family: 4 | 6 = 4): Promise<UdpReply | undefined> => {
    const bytes = await handle(packet, from);
    return bytes === undefined ? undefined : parseUdpReply(bytes, family);
  };
  const connect = async (from = A): Promise<Uint8Array> => {
    const r = await reply(encodeUdpConnect(11), from, from.address.includes(':') && !from.address.startsWith('::ffff:') ? 6 : 4);
    if (r?.action !== 'connect' || r.transactionId !== 11) throw new Error(`no connect reply: ${JSON.stringify(r)}`);
    return r.connectionId;
  };

  it('connects, announces and hands the second peer the first', async () => {
    const id = await connect();
    expect(await reply(encodeUdpAnnounce(id, 21, params(1, { left: 0 })))).to.deep.include({ action: 'announce', transactionId: 21 });
    const from = { address: '::ffff:192.0.2.8', port: 40002 }; // a dual-stack socket's IPv4 client
    const second = await reply(encodeUdpAnnounce(await connect(from), 22, params(2)), from);
    expect(second).to.deep.equal({
      action: 'announce', transactionId: 22,
      response: { interval: 900, minInterval: undefined, complete: 1, incomplete: 1, trackerId: undefined, warning: undefined, externalIp: undefined,
        peers: [{ host: '192.0.2.7', port: 7001 }] },
    });
  });

  it('gives IPv6 clients 18-byte IPv6 peers, and only those', async () => {
    await store.announce({ infoHash: BINARY_INFO_HASH, peerId: peerIdOf(1), host: '2001:db8::1', port: 7001, seeder: true, event: 'started', numwant: 0 }, T0);
    await store.announce({ infoHash: BINARY_INFO_HASH, peerId: peerIdOf(2), host: '10.0.0.2', port: 7002, seeder: true, event: 'started', numwant: 0 }, T0);
    const v6 = { address: '2001:db8::9', port: 40003 };
    const r = await reply(encodeUdpAnnounce(await connect(v6), 1, params(3)), v6, 6);
    expect(r?.action === 'announce' && r.response.peers).to.deep.equal([{ host: '2001:db8::1', port: 7001 }]);
  });

  it('accepts a connection id for 2 minutes, and one issued by another handler with the same secret', async () => {
    const id = await connect();
    clock = T0 + 119_000;
    expect(await reply(encodeUdpAnnounce(id, 1, params(1)))).to.have.property('action', 'announce');
    const other = createUdpTrackerHandler({}, { store, secret: SECRET, now: () => clock });
    expect(await other(encodeUdpAnnounce(id, 2, params(1)), A)).to.not.equal(undefined);
    clock = T0 + 122_000;
    expect(await handle(encodeUdpAnnounce(id, 3, params(1)), A)).to.equal(undefined);
  });

  it('ignores an id from another address, another secret or no connect at all', async () => {
    const id = await connect();
    expect(await handle(encodeUdpAnnounce(id, 1, params(1)), { address: '192.0.2.99', port: A.port })).to.equal(undefined);
    const stranger = createUdpTrackerHandler({}, { store, secret: new Uint8Array(32).fill(9), now: () => clock });
    expect(await stranger(encodeUdpAnnounce(id, 1, params(1)), A)).to.equal(undefined);
    expect(await handle(encodeUdpAnnounce(new Uint8Array(8), 1, params(1)), A)).to.equal(undefined);
    expect(await store.stats(T0)).to.deep.equal({ swarms: 0, seeders: 0, leechers: 0 });
  });

  it('scrapes in request order', async () => {
    const id = await connect();
    await reply(encodeUdpAnnounce(id, 1, params(1, { left: 0 })));
    const packet = new Uint8Array(16 + 40);
    packet.set(id);
    new DataView(packet.buffer).setUint32(8, 2);
    packet.set(new Uint8Array(20).fill(1), 16);
    packet.set(BINARY_INFO_HASH, 36);
    expect(await reply(packet)).to.deep.equal({ action: 'scrape', transactionId: 0, files: [
      { complete: 0, incomplete: 0, downloaded: 0 }, { complete: 1, incomplete: 0, downloaded: 0 },
    ] });
  });

  it('answers a refused announce with the HTTP failure reason, no larger than the request', async () => {
    const id = await connect();
    const badPort = encodeUdpAnnounce(id, 5, params(1));
    badPort.set([0, 0], 96);
    expect(await reply(badPort)).to.deep.equal({ action: 'error', transactionId: 5, message: 'port must be 1-65535, got 0' });
    const full = createUdpTrackerHandler({}, { store: memoryStore({ maxSwarms: 1 }), secret: SECRET, now: () => clock });
    await full(encodeUdpAnnounce(id, 1, params(1, { infoHash: new Uint8Array(20) })), A);
    const refused = await full(encodeUdpAnnounce(id, 6, params(2)), A);
    expect(parseUdpReply(refused!, 4)).to.deep.equal({ action: 'error', transactionId: 6, message: 'tracker is full: too many torrents' });
  });

  it('logs a store failure and answers "internal error" without its text', async () => {
    const broken: SwarmStore = { ...memoryStore(), announce: () => Promise.reject(new Error('redis at 10.1.1.1 is down')) };
    const h = createUdpTrackerHandler({}, { store: broken, secret: SECRET, now: () => clock, logger: { error: (_m, e) => logged.push(e) } });
    const id = await connect();
    expect(parseUdpReply((await h(encodeUdpAnnounce(id, 7, params(1)), A))!, 4)).to.deep.equal({ action: 'error', transactionId: 7, message: 'internal error' });
    expect(logged).to.have.length(1);
  });

  it('counts UDP announces in the HTTP /stats when both share counters', async () => {
    const counters = createCounters();
    const shared = { store, secret: SECRET, counters };
    const udp = createUdpTrackerHandler({}, shared);
    const id = parseUdpReply((await udp(encodeUdpConnect(1), A))!, 4);
    await udp(encodeUdpAnnounce((id as { connectionId: Uint8Array }).connectionId, 2, params(1)), A);
    const served = await serve(createTrackerApp({}, shared));
    try {
      expect(JSON.parse((await get(served.port, '/stats')).body.toString())).to.include({ announces: 1, leechers: 1 });
    } finally {
      await served.close();
    }
  });

  describe('fuzzing (fast-check)', () => {
    it('never rejects and never answers garbage', async () => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 1500 }), async (packet) => {
        const answer = await handle(packet, A);
        // Random bytes frame as a connect only with the 8-byte protocol id: 2^-64.
        expect(answer).to.equal(undefined);
      }), { numRuns: 3000 });
    });

    it('never answers a well-framed announce or scrape carrying a forged connection id', async () => {
      const real = await connect();
      const framed = fc.tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.constantFrom(1, 2), fc.uint8Array({ minLength: 90, maxLength: 200 }))
        .map(([id, action, rest]) => {
          const packet = new Uint8Array(8 + rest.length);
          packet.set(id);
          packet.set(rest, 8);
          new DataView(packet.buffer).setUint32(8, action);
          return packet;
        });
      await fc.assert(fc.asyncProperty(framed, async (packet) => {
        fc.pre(Buffer.compare(packet.subarray(0, 8), real) !== 0);
        expect(await handle(packet, A)).to.equal(undefined);
      }), { numRuns: 3000 });
    });

    it('answers a mutated announce without crashing: nothing without a valid id, an error no larger than the request', async () => {
      const id = await connect();
      const valid = encodeUdpAnnounce(id, 9, params(1));
      await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat(120), async (at, byte, cut) => {
        const packet = valid.slice(0, valid.length - (cut % 3 === 0 ? cut : 0));
        if (at < packet.length) packet[at] = byte;
        const answer = await handle(packet, A);
        const idIntact = Buffer.compare(packet.subarray(0, 8), id) === 0;
        if (!idIntact || packet.length < 98) expect(answer).to.equal(undefined);
        if (answer !== undefined && parseUdpReply(answer, 4).action === 'error') expect(answer.length).to.be.at.most(packet.length);
      }), { numRuns: 2000 });
      expect(logged).to.deep.equal([]);
    });

    it('replies to a connect with 16 bytes, never more than it got', async () => {
      await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 100 }), async (txid, tail) => {
        const packet = new Uint8Array([...encodeUdpConnect(txid), ...tail]);
        const answer = await handle(packet, A);
        expect(answer).to.have.length(16);
        expect(answer!.length).to.be.at.most(packet.length);
      }), { numRuns: 500 });
    });
  });
});
