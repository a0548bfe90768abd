/**
 * createDht on loopback: nodes join through a bootstrap node, announce and find peers, save and
 * reload their routing table, answer hostile packets as BEP 5 says (203, 204), ignore answers
 * nobody asked for and rate-limit a flood from one IP.
 */
import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { decodeKrpc, encodeKrpc } from '../../../src/protocol/dht/index.js';
import type { KrpcMessage } from '../../../src/protocol/dht/index.js';
import { loadDhtState } from '../../../src/streams/dht/stateFile.js';
import { seededRandom } from '../../helpers/random.js';
import { useTempDir } from '../../helpers/tmp.js';
import { startDht, type RunningDht } from './dhtHelpers.js';

const INFO_HASH = Uint8Array.from({ length: 20 }, (_, i) => i * 7);
const ID = (b: number): Uint8Array => new Uint8Array(20).fill(b);
const text = new TextEncoder();

/** A raw UDP socket on 127.0.0.1 that sends packets and collects decoded replies. */
async function rawSocket(): Promise<{ socket: Socket; replies: KrpcMessage[]; send(p: Uint8Array, to: { port: number }): void; close(): void }> {
  const socket = createSocket('udp4');
  const replies: KrpcMessage[] = [];
  socket.on('message', (m) => replies.push(decodeKrpc(new Uint8Array(m))));
  await new Promise<void>((resolve) => socket.bind({ address: '127.0.0.1', port: 0 }, resolve));
  return {
    socket, replies,
    send: (p, to) => socket.send(p, to.port, '127.0.0.1'),
    close: () => socket.close(),
  };
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('createDht', function () {
  this.timeout(15_000);
  const tmp = useTempDir();
  const running: RunningDht[] = [];
  const start = async (...args: Parameters<typeof startDht>): Promise<RunningDht> => {
    const node = await startDht(...args);
    running.push(node);
    return node;
  };
  afterEach(() => running.splice(0).forEach((n) => n.stop()));

  it('joins through a bootstrap node, announces, and another node finds the peer', async () => {
    const router = await start({ random: seededRandom(1) });
    const bootstrap = [`127.0.0.1:${router.address.port}`];
    const seeder = await start({ bootstrap, random: seededRandom(2) });
    const leecher = await start({ bootstrap, random: seededRandom(3) });
    const result = await lastValueFrom(seeder.dht.announce(INFO_HASH, 51413));
    expect(result.announced).to.be.greaterThan(0);
    const peers = await lastValueFrom(leecher.dht.findPeers(INFO_HASH).pipe(toArray()));
    expect(peers).to.deep.include({ host: '127.0.0.1', port: 51413 });
    expect(new Set(peers.map((p) => `${p.host}:${p.port}`)).size).to.equal(peers.length);
  });

  it('addNode pings an address (a PORT message) and keeps it when it answers', async () => {
    const other = await start();
    const node = await start({ queryTimeoutMs: 300 });
    expect(await lastValueFrom(node.dht.addNode(other.address))).to.equal(true);
    expect(await lastValueFrom(node.dht.addNode({ host: '127.0.0.1', port: 9 }))).to.equal(false);
    await until(() => node.state().nodes === 1);
  });

  it('findPeers completes empty when nobody announced', async () => {
    const router = await start();
    const leecher = await start({ bootstrap: [router.address] });
    expect(await lastValueFrom(leecher.dht.findPeers(INFO_HASH).pipe(toArray()))).to.deep.equal([]);
  });

  it('saves the routing table and rejoins from it without bootstrap nodes', async () => {
    const stateFile = join(tmp.path, 'dht.json');
    const router = await start();
    const first = await start({ bootstrap: [router.address], stateFile });
    await until(() => first.state().nodes > 0);
    first.stop();
    expect(existsSync(stateFile)).to.equal(true);
    const saved = await loadDhtState(stateFile);
    expect(saved!.nodes).to.deep.include({ id: saved!.nodes[0]!.id, host: '127.0.0.1', port: router.address.port });
    const again = await start({ stateFile });
    expect(again.state().nodeId).to.equal(first.state().nodeId);
    await lastValueFrom(router.dht.announce(INFO_HASH, 6881));
    const peers = await lastValueFrom(again.dht.findPeers(INFO_HASH).pipe(toArray()));
    expect(peers).to.deep.include({ host: '127.0.0.1', port: 6881 });
  });

  it('answers a malformed query with 203 and an unknown method with 204', async () => {
    const node = await start();
    const raw = await rawSocket();
    try {
      raw.send(text.encode('d1:t2:aa1:y1:q1:q4:ping1:ad2:id3:abcee'), node.address);
      raw.send(encodeKrpc({ type: 'query', transactionId: text.encode('bb'), query: { method: 'unknown', name: 'vote', id: ID(1) } }), node.address);
      raw.send(text.encode('garbage'), node.address);
      await until(() => raw.replies.length >= 2);
      const codes = raw.replies.map((r) => (r.type === 'error' ? r.code : 0)).sort();
      expect(codes).to.deep.equal([203, 204]);
    } finally {
      raw.close();
    }
  });

  it('ignores responses with unknown transaction ids and from addresses it did not query', async () => {
    const node = await start();
    const raw = await rawSocket();
    try {
      for (let t = 0; t < 50; t++) {
        const response: KrpcMessage = { type: 'response', transactionId: Uint8Array.of(t >> 8, t), response: { id: ID(9), nodes: [{ id: ID(8), host: '127.0.0.1', port: 9 }] } };
        raw.send(encodeKrpc(response), node.address);
      }
      await until(() => node.state().ignoredResponses >= 50);
      expect(node.state().nodes).to.equal(0);
    } finally {
      raw.close();
    }
  });

  it('rate-limits a flood of queries from one IP', async () => {
    const node = await start({ rateLimit: { perSecond: 10, burst: 20 } });
    const raw = await rawSocket();
    try {
      for (let i = 0; i < 200; i++) {
        raw.send(encodeKrpc({ type: 'query', transactionId: Uint8Array.of(i), query: { method: 'ping', id: ID(3) } }), node.address);
      }
      await until(() => node.state().droppedQueries > 0 && raw.replies.length >= 20);
      await new Promise((r) => setTimeout(r, 100));
      expect(raw.replies.length).to.be.within(20, 40);
    } finally {
      raw.close();
    }
  });
});
