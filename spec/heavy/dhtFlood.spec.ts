/**
 * Issue 19 (6): memory of a DHT node (dist/, in a child process) under a 100,000-query flood from
 * loopback: pings, find_nodes and get_peers from 64 IPs with fresh node ids (they fill the
 * routing table), announces with valid tokens for fresh info-hashes (they fill the peer store),
 * announces with bad tokens, answers nobody asked for, garbage. The per-IP limit is raised so
 * every query is processed: the caps, not the limiter, must bound memory. Then a flood from one
 * IP under the default limit: nearly all dropped.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { decodeKrpc, encodeKrpc } from '../../src/protocol/dht/index.js';
import type { KrpcMessage } from '../../src/protocol/dht/index.js';
import { watchMemory } from '../helpers/memory.js';
import { seededRandom } from '../helpers/random.js';

const CHILD = fileURLToPath(new URL('./dhtFloodChild.mjs', import.meta.url));
const QUERIES = 100_000;
const SOURCES = 64;
/** Packets per 10 ms: ~25,000/s, about what one node process takes in without the kernel dropping much. */
const BATCH = 250;

function startChild(rateLimit: object) {
  const child = spawn(process.execPath, ['--expose-gc', CHILD, JSON.stringify(rateLimit)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  lines.on('line', (l) => (waiters.length > 0 ? waiters.shift()!(l) : queue.push(l)));
  const next = (): Promise<string> => new Promise((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiters.push(resolve)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child, exited, next,
    state: async (): Promise<Record<string, number>> => {
      child.stdin.write('state\n');
      return JSON.parse(await next()) as Record<string, number>;
    },
    stop: () => child.stdin.write('stop\n'),
  };
}

async function bind(host: string): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind({ address: host, port: 0 }, resolve));
  return socket;
}

describe('heavy: a DHT node under a 100,000-query flood', function () {
  this.timeout(300_000);

  it('keeps its routing table, pending queries and peer store within their caps', async () => {
    const node = startChild({ perSecond: 1e6, burst: 1e6 });
    const port = Number((await node.next()).split(' ')[1]);
    const peaks = watchMemory(node.child.pid!, node.exited);
    const before = await node.state();
    const random = seededRandom(19);
    const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    const sockets = await Promise.all(Array.from({ length: SOURCES }, (_, i) => bind(`127.0.3.${i + 1}`)));
    const tokens = new Map<Socket, Uint8Array>();
    for (const s of sockets) {
      s.on('message', (m) => {
        try {
          const reply = decodeKrpc(new Uint8Array(m));
          if (reply.type === 'response' && reply.response.token !== undefined) tokens.set(s, reply.response.token);
        } catch {
          // not ours to judge here
        }
      });
    }
    let sent = 0;
    while (sent < QUERIES) {
      for (let i = 0; i < BATCH && sent < QUERIES; i++, sent++) {
        const s = sockets[sent % SOURCES]!;
        const t = bytes(2);
        const kind = sent % 10;
        let message: KrpcMessage | undefined;
        if (kind < 3) message = { type: 'query', transactionId: t, query: { method: 'find_node', id: bytes(20), target: bytes(20) } };
        else if (kind < 5) message = { type: 'query', transactionId: t, query: { method: 'get_peers', id: bytes(20), infoHash: bytes(20) } };
        else if (kind < 7) {
          const token = tokens.get(s) ?? bytes(8);
          message = { type: 'query', transactionId: t, query: { method: 'announce_peer', id: bytes(20), infoHash: bytes(20), port: 1 + (sent % 60000), token, impliedPort: false } };
        } else if (kind === 7) message = { type: 'query', transactionId: t, query: { method: 'announce_peer', id: bytes(20), infoHash: bytes(20), port: 9, token: bytes(8), impliedPort: false } };
        else if (kind === 8) message = { type: 'response', transactionId: t, response: { id: bytes(20), nodes: [{ id: bytes(20), host: '127.0.0.1', port: 9 }] } };
        s.send(message === undefined ? bytes(1 + (sent % 200)) : encodeKrpc(message), port, '127.0.0.1');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const after = await node.state();
    node.stop();
    const { peakRssKiB } = await peaks;
    sockets.forEach((s) => s.close());
    const mib = (b: number): string => (b / 1024 / 1024).toFixed(1);
    console.log(`      heap ${mib(before.heapUsed!)} → ${mib(after.heapUsed!)} MiB, peak RSS ${(peakRssKiB / 1024).toFixed(1)} MiB; ` +
      `nodes ${after.nodes}, buckets ${after.buckets}, stored ${after.storedPeers} peers / ${after.storedTorrents} info-hashes, ` +
      `pending ${after.pendingQueries}, of ${QUERIES} sent: ignored answers ${after.ignoredResponses}, bad packets ${after.badPackets}, dropped ${after.droppedQueries}`);
    expect(after.nodes).to.be.at.most(160 * 8);
    expect(after.storedTorrents).to.be.at.most(2000);
    expect(after.storedPeers).to.be.at.most(20_000);
    expect(after.pendingQueries).to.be.at.most(1024);
    expect(after.ignoredResponses).to.be.greaterThan(0);
    expect(after.heapUsed! - before.heapUsed!).to.be.below(32 * 1024 * 1024);
    expect(peakRssKiB).to.be.below(200 * 1024);
  });

  it('drops nearly all of a flood from one IP under the default limit', async () => {
    const node = startChild({});
    const port = Number((await node.next()).split(' ')[1]);
    const s = await bind('127.0.0.1');
    let answers = 0;
    s.on('message', () => answers++);
    for (let sent = 0; sent < 20_000; sent += BATCH) {
      for (let i = 0; i < BATCH; i++) s.send(encodeKrpc({ type: 'query', transactionId: Uint8Array.of(i >> 8, i), query: { method: 'ping', id: new Uint8Array(20).fill(i & 0xff) } }), port, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 1500));
    const after = await node.state();
    node.stop();
    s.close();
    const received = answers + after.droppedQueries!;
    console.log(`      one IP, 20,000 pings sent, ${received} received: ${answers} answered, ${after.droppedQueries} dropped`);
    expect(answers).to.be.below(200);
    expect(after.droppedQueries).to.be.greaterThan(0.95 * received);
  });
});
