import dgram from 'node:dgram';
import { once } from 'node:events';
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import type { AnnounceParams } from '../../../src/protocol/tracker/announceQuery.js';
import { parseUdpReply } from '../../../src/protocol/tracker/udpReply.js';
import { encodeUdpAnnounce, encodeUdpConnect } from '../../../src/protocol/tracker/udpClientPackets.js';
import { announce } from '../../../src/tracker/client/announce.js';
import { createUdpTrackerHandler } from '../../../src/tracker/server/udpHandler.js';
import { listenUdpTracker } from '../../../src/tracker/server/udpServer.js';
import type { UdpTrackerServer } from '../../../src/tracker/server/udpServer.js';
import { memoryStore } from '../../../src/tracker/store/memoryStore.js';
import type { SwarmStore } from '../../../src/tracker/store/swarmStore.js';
import { BINARY_INFO_HASH, peerIdOf } from '../../protocol/tracker/trackerQueries.js';

const params = (n: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: 100, event: 'started', ...extra,
});

describe('UDP tracker over real sockets', () => {
  let server: UdpTrackerServer | undefined;
  let store: SwarmStore;
  const start = async (host = '127.0.0.1', maxInFlight?: number, s: SwarmStore = memoryStore()): Promise<string> => {
    store = s;
    server = await listenUdpTracker(createUdpTrackerHandler({ interval: 120 }, { store }), { host, port: 0, maxInFlight });
    const shown = host.includes(':') ? `[${server.address.address}]` : server.address.address;
    return `udp://${shown}:${server.address.port}/announce`;
  };
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves our client: two peers from their own addresses find each other', async () => {
    const url = await start();
    const first = await firstValueFrom(announce(url, params(1, { left: 0 }), { localAddress: '127.0.0.2' }));
    expect(first).to.deep.include({ interval: 120, complete: 1, incomplete: 0, peers: [] });
    const second = await firstValueFrom(announce(url, params(2), { localAddress: '127.0.0.3' }));
    expect(second).to.deep.include({ complete: 1, incomplete: 1, peers: [{ host: '127.0.0.2', port: 7001 }] });
  });

  it('serves IPv6 clients on ::1 with 18-byte peers', async () => {
    const url = await start('::1');
    await firstValueFrom(announce(url, params(1)));
    const second = await firstValueFrom(announce(url, params(2)));
    expect(second.peers).to.deep.equal([{ host: '::1', port: 7001 }]);
  });

  it('stays silent to garbage: a connect sent after it gets the first reply', async () => {
    await start();
    const socket = dgram.createSocket('udp4');
    try {
      socket.send(Uint8Array.of(1, 2, 3), server!.address.port, '127.0.0.1');
      socket.send(encodeUdpAnnounce(new Uint8Array(8), 1, params(1)), server!.address.port, '127.0.0.1');
      socket.send(encodeUdpConnect(77), server!.address.port, '127.0.0.1');
      const [reply] = (await once(socket, 'message')) as [Buffer];
      expect(parseUdpReply(new Uint8Array(reply), 4)).to.include({ action: 'connect', transactionId: 77 });
      expect(await store.stats(Date.now())).to.deep.equal({ swarms: 0, seeders: 0, leechers: 0 });
    } finally {
      socket.close();
    }
  });

  it('drops datagrams beyond maxInFlight while the store is busy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = memoryStore();
    await start('127.0.0.1', 1, { ...slow, announce: async (peer, now) => (await gate, slow.announce(peer, now)) });
    const socket = dgram.createSocket('udp4');
    try {
      socket.send(encodeUdpConnect(1), server!.address.port, '127.0.0.1');
      const [connected] = (await once(socket, 'message')) as [Buffer];
      const reply = parseUdpReply(new Uint8Array(connected), 4);
      const id = reply.action === 'connect' ? reply.connectionId : new Uint8Array(8);
      socket.send(encodeUdpAnnounce(id, 2, params(1)), server!.address.port, '127.0.0.1');
      socket.send(encodeUdpAnnounce(id, 3, params(2)), server!.address.port, '127.0.0.1');
      for (let i = 0; i < 2000 && server!.dropped === 0; i++) await new Promise((r) => setImmediate(r));
      expect(server!.dropped).to.equal(1);
      release();
      const [answered] = (await once(socket, 'message')) as [Buffer];
      expect(parseUdpReply(new Uint8Array(answered), 4)).to.include({ action: 'announce', transactionId: 2 });
    } finally {
      socket.close();
    }
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    await start();
    const err = await listenUdpTracker(async () => undefined, { host: '127.0.0.1', port: server!.address.port }).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'EADDRINUSE');
  });
});
