/**
 * Tracker processes sharing one Redis (`rxtorrent tracker --redis URL`): each sees the others'
 * peers, a restarted process loses nothing, and a UDP connection id from one is good at another.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { firstValueFrom } from 'rxjs';
import type { AnnounceParams } from '../../src/protocol/tracker/announceQuery.js';
import { parseUdpReply } from '../../src/protocol/tracker/udpReply.js';
import { encodeUdpAnnounce, encodeUdpConnect } from '../../src/protocol/tracker/udpClientPackets.js';
import { announce } from '../../src/tracker/client/announce.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { requireTool } from '../helpers/tools.js';
import { BINARY_INFO_HASH, escapeBytes, peerIdOf } from '../protocol/tracker/trackerQueries.js';
import { startCliTracker } from '../tracker/client/cliTracker.js';
import type { CliTracker } from '../tracker/client/cliTracker.js';
import { startRedis } from '../tracker/store/redisServer.js';
import type { RedisServer } from '../tracker/store/redisServer.js';

const params = (n: number, extra: Partial<AnnounceParams> = {}): AnnounceParams => ({
  infoHash: BINARY_INFO_HASH, peerId: peerIdOf(n), port: 7000 + n, uploaded: 0, downloaded: 0, left: 100, event: 'started', ...extra,
});

/** Sends one datagram from `socket` and resolves with the first reply. */
async function exchange(socket: dgram.Socket, packet: Uint8Array, port: number): Promise<Uint8Array> {
  const reply = once(socket, 'message') as Promise<[Buffer]>;
  socket.send(packet, port, '127.0.0.1');
  return new Uint8Array((await reply)[0]);
}

describe('interop: tracker processes sharing one Redis', function () {
  this.timeout(30_000);
  stopAllAfterEach();
  let redis: RedisServer | undefined;

  before(async function () {
    requireTool(this, 'redis');
    redis = await startRedis(120);
  });
  after(async () => redis?.stop());
  afterEach(async () => {
    // Every test starts from an empty Redis.
    const client = new Redis(redis!.url);
    await client.flushall();
    await client.quit();
  });

  const tracker = (port?: number): Promise<CliTracker> =>
    startCliTracker({ interval: 60, port, args: ['--udp', '--redis', redis!.url], timeoutSec: 60 });

  it('two processes on different ports return each other\'s peers, over HTTP and UDP', async () => {
    const [a, b] = await Promise.all([tracker(), tracker()]);
    expect(a.port).to.not.equal(b.port);
    await firstValueFrom(announce(a.url, params(1, { left: 0 }), { localAddress: '127.0.0.2' }));
    const fromB = await firstValueFrom(announce(b.udpUrl!, params(2), { localAddress: '127.0.0.3' }));
    expect(fromB).to.deep.include({ complete: 1, incomplete: 1, peers: [{ host: '127.0.0.2', port: 7001 }] });
    const fromA = await firstValueFrom(announce(a.udpUrl!, params(3), { localAddress: '127.0.0.4' }));
    expect(fromA.peers).to.have.deep.members([{ host: '127.0.0.2', port: 7001 }, { host: '127.0.0.3', port: 7002 }]);
  });

  it('a killed and restarted process loses no swarm state', async () => {
    const a = await tracker();
    await firstValueFrom(announce(a.url, params(1), { localAddress: '127.0.0.2' }));
    await firstValueFrom(announce(a.url, params(1, { left: 0, event: 'completed' }), { localAddress: '127.0.0.2' }));
    await firstValueFrom(announce(a.udpUrl!, params(2), { localAddress: '127.0.0.3' }));
    process.kill(-a.process.pid, 'SIGKILL'); // its whole process group: no clean shutdown
    expect(await a.process.exited).to.include({ signal: 'SIGKILL' });
    const again = await tracker(a.port);
    const reply = await firstValueFrom(announce(again.url, params(3)));
    expect(reply).to.deep.include({ complete: 1, incomplete: 2 });
    expect(reply.peers).to.have.deep.members([{ host: '127.0.0.2', port: 7001 }, { host: '127.0.0.3', port: 7002 }]);
    const scrape = await fetch(again.url.replace(/announce$/, `scrape?info_hash=${escapeBytes(BINARY_INFO_HASH)}`));
    expect(Buffer.from(await scrape.arrayBuffer()).toString('latin1')).to.match(/10:downloadedi1e/);
  });

  it('a UDP connection id issued by one process is accepted by another', async () => {
    const [a, b] = await Promise.all([tracker(), tracker()]);
    const socket = dgram.createSocket('udp4');
    try {
      const connected = parseUdpReply(await exchange(socket, encodeUdpConnect(5), a.port), 4);
      if (connected.action !== 'connect') throw new Error(`no connect reply: ${JSON.stringify(connected)}`);
      const reply = parseUdpReply(await exchange(socket, encodeUdpAnnounce(connected.connectionId, 6, params(1)), b.port), 4);
      expect(reply).to.deep.include({ action: 'announce', transactionId: 6 });
      expect(reply.action === 'announce' && reply.response).to.include({ interval: 60, incomplete: 1 });
    } finally {
      socket.close();
    }
  });

  it('--workers 2 shares the ports and stops cleanly on SIGTERM', async () => {
    const cluster = await startCliTracker({ interval: 60, args: ['--udp', '--redis', redis!.url, '--workers', '2'], timeoutSec: 60 });
    await cluster.process.waitForLine(/^2 workers sharing one Redis$/, 5_000);
    for (let n = 1; n <= 6; n++) {
      const url = n % 2 === 0 ? cluster.udpUrl! : cluster.url;
      expect((await firstValueFrom(announce(url, params(n)))).incomplete).to.equal(n);
    }
    expect(await cluster.process.stop()).to.deep.equal({ code: 0, signal: null });
  });
});
