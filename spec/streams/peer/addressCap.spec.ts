/**
 * One host cannot take every slot: 50 connections from one address that handshake and then only
 * keep alive used to lock every honest peer out of a seeder. Nor can many hosts for long: at the
 * cap, a newcomer takes the place of a connection useless for `evictIdleMs`.
 */
import { expect } from 'chai';
import type { Socket } from 'node:net';
import { equalBytes } from '../../../src/protocol/bytes.js';
import { encodeHandshake } from '../../../src/protocol/wire/index.js';
import { createConnectionLimiter } from '../../../src/streams/peer/index.js';
import { ascii } from '../../protocol/wire/wireFixtures.js';
import { INFO_HASH, listen, rawClient, side, until, type Listener } from './peerHelpers.js';

const FLOOD = 50;
const hello = (n: number): Uint8Array => encodeHandshake({ infoHash: INFO_HASH, peerId: ascii(`-XX0000-flood${String(n).padStart(7, '0')}`), extensions: {} });

describe('a flood of connections from one address', function () {
  this.timeout(20_000);
  let listener: Listener;
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
    listener.stop();
  });

  it(`${FLOOD} handshaking connections from 127.0.0.1 hold at most 3 of 10 slots; an honest peer from 127.0.0.2 gets in`, async () => {
    // Loopback is exempt by default (this machine's own processes); here it stands for one remote host.
    const limiter = createConnectionLimiter({ maxPeers: 10, limitLoopback: true });
    listener = await listen({ limiter, lookup: (ih) => (equalBytes(ih, INFO_HASH) ? side('all') : undefined) });
    for (let i = 0; i < FLOOD; i++) {
      const socket = await rawClient(listener.port);
      socket.on('error', () => undefined);
      socket.write(hello(i));
      sockets.push(socket);
    }
    await until(() => listener.events.filter((e) => e.type === 'connection' || e.type === 'refused').length >= FLOOD, 10_000);
    const refused = listener.events.flatMap((e) => (e.type === 'refused' ? [(e.error as { code?: string }).code] : []));
    expect(listener.events.filter((e) => e.type === 'connection')).to.have.length(3);
    expect(refused.filter((c) => c === 'ERR_PEER_OVER_ADDRESS_CAP')).to.have.length(FLOOD - 3);
    const honest = await rawClient(listener.port, '127.0.0.2');
    sockets.push(honest);
    honest.write(hello(999));
    await until(() => listener.events.some((e) => e.type === 'connection' && e.connection.address.host === '127.0.0.2'), 5000);
    expect(limiter.size).to.equal(4);
  });

  it('squatters from 10 addresses fill every slot and stay idle: after evictIdleMs an honest peer takes the place of one', async () => {
    const limiter = createConnectionLimiter({ maxPeers: 10, evictIdleMs: 300 });
    listener = await listen({ limiter, lookup: (ih) => (equalBytes(ih, INFO_HASH) ? side('all') : undefined) });
    for (let i = 0; i < 10; i++) {
      const socket = await rawClient(listener.port, `127.0.0.${10 + i}`);
      socket.on('error', () => undefined);
      socket.write(hello(i));
      sockets.push(socket);
    }
    await until(() => listener.events.filter((e) => e.type === 'connection').length === 10, 10_000);
    const early = await rawClient(listener.port, '127.0.0.2');
    early.on('error', () => undefined);
    sockets.push(early);
    await until(() => listener.events.some((e) => e.type === 'refused'), 5000);
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 350));
    const honest = await rawClient(listener.port, '127.0.0.3');
    sockets.push(honest);
    honest.write(hello(999));
    await until(() => listener.events.some((e) => e.type === 'connection' && e.connection.address.host === '127.0.0.3'), 5000);
    expect(limiter.size).to.equal(10);
    console.log(`      refused while every squatter was fresh; admitted ${Date.now() - started} ms later, one squatter dropped`);
  });
});
