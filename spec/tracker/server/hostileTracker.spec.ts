/**
 * Attacks on the tracker, reproduced on loopback from distinct 127.0.0.x sources, each bounded in
 * count and time, then shown to hold (issue 17, items 6, 7 and 11).
 */
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import { encodeUdpAnnounce, encodeUdpConnect } from '../../../src/protocol/tracker/udpClientPackets.js';
import { parseUdpReply } from '../../../src/protocol/tracker/udpReply.js';
import type { UdpReply } from '../../../src/protocol/tracker/udpReply.js';
import { createTrackerApp } from '../../../src/tracker/server/createTrackerApp.js';
import { limitConnections } from '../../../src/tracker/server/limitConnections.js';
import { createUdpTrackerHandler } from '../../../src/tracker/server/udpHandler.js';
import { listenUdpTracker } from '../../../src/tracker/server/udpServer.js';
import type { TrackerConfig } from '../../../src/tracker/server/trackerConfig.js';
import { memoryStore } from '../../../src/tracker/store/memoryStore.js';
import { announceQuery, BINARY_INFO_HASH, peerIdOf } from '../../protocol/tracker/trackerQueries.js';
import { decodeReply, failureOf, get, serve } from './httpHarness.js';

const T0 = 1_700_000_000_000;
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('hostile tracker clients (issue 17)', function () {
  this.timeout(20_000);

  describe('item 6: a keyless peer id read from a compact=0 reply', () => {
    it('cannot be taken over from another source with another port and key=evil: 0 of 3 attempts, the owner stays in', async () => {
      const served = await serve(createTrackerApp({}, { now: () => T0 }));
      const announce = (fields: Parameters<typeof announceQuery>[0], localAddress: string) =>
        get(served.port, `/announce?${announceQuery(fields)}`, { localAddress });
      try {
        expect(failureOf(await announce({ peer_id: peerIdOf(1), port: '7001' }, '127.0.0.2'))).to.equal(undefined);
        // The attacker reads the owner's peer id from a dictionary-form reply.
        const listed = decodeReply(await announce({ peer_id: peerIdOf(9), port: '7009', compact: '0' }, '127.0.0.3'));
        const stolen = (listed.peers as Array<{ 'peer id': Uint8Array }>)[0]!['peer id'];
        const attempts: Array<Parameters<typeof announceQuery>[0]> = [
          { peer_id: stolen, port: '6666', key: 'evil' },
          { peer_id: stolen, port: '6666' },
          { peer_id: stolen, port: '7001', event: 'stopped', key: 'evil' },
        ];
        const refused = [];
        for (const fields of attempts) refused.push(failureOf(await announce(fields, '127.0.0.3')));
        expect(refused.every((r) => r !== undefined && /in use from another address/.test(r))).to.equal(true, String(refused));
        // The owner is not locked out, and everyone still gets its real address.
        expect(failureOf(await announce({ peer_id: peerIdOf(1), port: '7001', event: 'none' }, '127.0.0.2'))).to.equal(undefined);
        const after = decodeReply(await announce({ peer_id: peerIdOf(8), port: '7008', compact: '0' }, '127.0.0.4'));
        const owner = (after.peers as Array<{ ip: Uint8Array; port: number; 'peer id': Uint8Array }>).find((p) => Buffer.from(p['peer id']).equals(Buffer.from(peerIdOf(1))));
        expect(owner).to.deep.include({ ip: Uint8Array.from(latin1('127.0.0.2')), port: 7001 });
      } finally {
        await served.close();
      }
    });
  });

  describe('item 7: a UDP flood of random info-hashes from one source', () => {
    const FLOOD = 3000;
    const MAX_SWARMS = 2000;

    /** A UDP tracker client bound to `localAddress` with requests in flight matched by transaction id. */
    async function udpClient(port: number, localAddress: string) {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, localAddress, resolve));
      const waiting = new Map<number, (reply: UdpReply) => void>();
      socket.on('message', (packet: Buffer) => {
        const reply = parseUdpReply(new Uint8Array(packet), 4);
        waiting.get(reply.transactionId)?.(reply);
        waiting.delete(reply.transactionId);
      });
      let next = 1;
      const request = (packet: (id: number) => Uint8Array): Promise<UdpReply> => {
        const id = next++;
        return new Promise((resolve) => {
          waiting.set(id, resolve);
          socket.send(packet(id), port, '127.0.0.1');
        });
      };
      const connected = await request((id) => encodeUdpConnect(id));
      const connectionId = connected.action === 'connect' ? connected.connectionId : new Uint8Array(8);
      return {
        announce: (params: AnnounceParams) => request((id) => encodeUdpAnnounce(connectionId, id, params)),
        close: () => socket.close(),
      };
    }

    const randomHash = (n: number): Uint8Array => {
      const out = new Uint8Array(20);
      new DataView(out.buffer).setUint32(0, n);
      out[19] = 0x77;
      return out;
    };
    const params = (infoHash: Uint8Array, n: number): AnnounceParams => ({
      infoHash, peerId: peerIdOf(n), port: 7000, uploaded: 0, downloaded: 0, left: 100, event: 'started',
    });

    async function flood(config: TrackerConfig): Promise<{ swarms: number; honest: UdpReply; ms: number; refused: number }> {
      const store = memoryStore({ maxSwarms: MAX_SWARMS });
      const server = await listenUdpTracker(createUdpTrackerHandler(config, { store, now: () => T0 }), { host: '127.0.0.1', port: 0 });
      const evil = await udpClient(server.address.port, '127.0.0.2');
      const honest = await udpClient(server.address.port, '127.0.0.3');
      try {
        const started = performance.now();
        let refused = 0;
        for (let sent = 0; sent < FLOOD; sent += 200) {
          const batch = Array.from({ length: 200 }, (_, i) => evil.announce(params(randomHash(sent + i), 1)));
          refused += (await Promise.all(batch)).filter((r) => r.action === 'error').length;
        }
        const ms = performance.now() - started;
        const { swarms } = await store.stats(T0);
        return { swarms, honest: await honest.announce(params(BINARY_INFO_HASH, 2)), ms, refused };
      } finally {
        evil.close();
        honest.close();
        await server.close();
        await store.close();
      }
    }

    it(`without a creation budget: ${FLOOD} announces fill a ${MAX_SWARMS}-swarm table and an honest new torrent is refused`, async () => {
      const { swarms, honest, ms } = await flood({ newSwarmsPerSecond: Infinity });
      console.log(`      unlimited: ${swarms} swarms from one source in ${ms.toFixed(0)} ms; honest: ${honest.action === 'error' ? honest.message : 'served'}`);
      expect(swarms).to.equal(MAX_SWARMS);
      expect(honest).to.deep.include({ action: 'error', message: 'tracker is full: too many torrents' });
    });

    it(`with the default budget (burst 20, 0.2/s per source): the flood creates 20 swarms, the honest torrent is served`, async () => {
      const { swarms, honest, ms, refused } = await flood({});
      console.log(`      limited: ${swarms} swarms, ${refused} announces refused in ${ms.toFixed(0)} ms; honest: ${honest.action}`);
      expect(swarms).to.equal(20);
      expect(refused).to.equal(FLOOD - 20);
      expect(honest).to.include({ action: 'announce' });
    });
  });

  describe('item 11: slowloris on the HTTP port', () => {
    const SLOW = 200;
    const MAX = 32;

    /** Serves the tracker with (or without) a bound; counts connections the server accepted. */
    async function start(max: number | undefined) {
      const server = http.createServer(createTrackerApp({}, { now: () => T0 }).callback());
      const limit = max === undefined ? undefined : limitConnections(server, { maxConnections: max });
      let accepted = 0;
      server.on('connection', () => accepted++);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      const sockets: net.Socket[] = [];
      const close = async (): Promise<void> => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      };
      return { server, limit, port, sockets, accepted: () => accepted, close };
    }

    /** Opens `count` connections from 127.0.0.5 that send half a request line and never finish it. */
    async function slowloris(port: number, count: number, sockets: net.Socket[]): Promise<void> {
      await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve) => {
        const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.5' }, () => {
          socket.write('GET /announce?info_hash=');
          resolve();
        });
        socket.on('error', () => resolve());
        sockets.push(socket);
      })));
    }

    /** Yields to the event loop until `done()`, for at most 5 s (bounded polling, not a sleep). */
    const until = async (done: () => boolean): Promise<void> => {
      const deadline = performance.now() + 5000;
      while (!done() && performance.now() < deadline) await new Promise((r) => setImmediate(r));
    };

    it(`without a bound: ${SLOW} half-sent requests are all held open (at 1,100 under ulimit -n 1024 honest announces failed)`, async () => {
      const t = await start(undefined);
      try {
        await slowloris(t.port, SLOW, t.sockets);
        await until(() => t.accepted() === SLOW);
        const open = await new Promise<number>((resolve) => t.server.getConnections((_, n) => resolve(n)));
        console.log(`      unbounded: ${open} connections held`);
        expect(open).to.equal(SLOW);
      } finally {
        await t.close();
      }
    });

    it(`with maxConnections ${MAX}: ${SLOW} slowloris connections leave ≤ ${MAX} open and an honest announce is served`, async () => {
      const t = await start(MAX);
      try {
        await slowloris(t.port, SLOW, t.sockets);
        await until(() => t.accepted() === SLOW);
        expect(t.limit!.open).to.be.at.most(MAX);
        const started = performance.now();
        const reply = await get(t.port, `/announce?${announceQuery({ port: '7001' })}`, { localAddress: '127.0.0.6' });
        const ms = performance.now() - started;
        console.log(`      bounded: ${t.limit!.open} open, ${t.limit!.evicted} idle closed; honest announce in ${ms.toFixed(1)} ms`);
        expect(reply.status).to.equal(200);
        expect(failureOf(reply)).to.equal(undefined);
        expect(t.limit!.evicted).to.be.at.least(SLOW - MAX);
      } finally {
        await t.close();
      }
    });

    it('never closes a connection whose request is being answered: a newcomer is refused instead', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let requests = 0;
      const server = http.createServer((_req, res) => {
        requests++;
        void gate.then(() => res.end('ok'));
      });
      const limit = limitConnections(server, { maxConnections: 1 });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      try {
        const first = new Promise<string>((resolve, reject) => {
          http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve(body));
          }).on('error', reject);
        });
        await until(() => requests === 1);
        const second = await new Promise<string>((resolve) => {
          http.get({ host: '127.0.0.1', port, path: '/', agent: false }, () => resolve('answered')).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
        });
        expect(second).to.equal('ECONNRESET');
        release();
        expect(await first).to.equal('ok');
        expect(limit.evicted).to.equal(1);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});
