/**
 * UDP (BEP 15) load: `clients` sockets, each connecting once and then announcing in a closed loop
 * (one announce in flight per socket) for a bounded time, to one of the bench's swarms with a
 * random peer id and port. A request unanswered after 500 ms is counted lost and sent again.
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import dgram from 'node:dgram';
import { encodeUdpAnnounce, encodeUdpConnect, parseUdpReply } from '../../dist/tracker/index.js';

/** What one UDP run measured. */
export interface UdpLoadResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Requests without a reply within 500 ms, plus error replies. */
  readonly errors: number;
}

/** Options of {@link runUdpLoad}. */
export interface UdpLoadOptions {
  readonly port: number;
  readonly clients: number;
  readonly durationSec: number;
  readonly infoHashes: readonly Uint8Array[];
}

const LOST_AFTER_MS = 500;

/** Runs the load and reports announces answered per second with their latency. */
export async function runUdpLoad(o: UdpLoadOptions): Promise<UdpLoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let running = true;
  const sockets: dgram.Socket[] = [];

  const client = async (): Promise<void> => {
    const socket = dgram.createSocket('udp4');
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    let transactionId = 0;
    let sentAt = 0n;
    let announce: Buffer | undefined;
    // One packet per client, rewritten in place: transaction id, info-hash, peer id, port. The
    // generator shares the machine with the server, so it does as little as it can per request.
    const send = (): void => {
      if (!running) return;
      transactionId = (transactionId + 0x9e3779b1) >>> 0;
      sentAt = process.hrtime.bigint();
      if (announce === undefined) {
        socket.send(encodeUdpConnect(transactionId), o.port, '127.0.0.1');
        return;
      }
      announce.writeUInt32BE(transactionId, 12);
      announce.set(o.infoHashes[Math.floor(Math.random() * o.infoHashes.length)]!, 16);
      randomFillSync(announce, 44, 12); // the peer id's last 12 bytes
      announce.writeUInt16BE(1024 + Math.floor(Math.random() * 64_000), 96);
      socket.send(announce, o.port, '127.0.0.1');
    };
    socket.on('message', (message: Buffer) => {
      if (message.length < 8 || message.readUInt32BE(4) !== transactionId) return;
      const action = message.readUInt32BE(0);
      if (action === 0 && announce === undefined) {
        const reply = parseUdpReply(new Uint8Array(message.buffer, message.byteOffset, message.length), 4);
        if (reply.action === 'connect') {
          const params = { infoHash: o.infoHashes[0]!, peerId: randomBytes(20), port: 6881, uploaded: 0, downloaded: 0, left: 1000, event: 'started' as const };
          announce = Buffer.from(encodeUdpAnnounce(reply.connectionId, 0, params));
        }
      } else if (action === 1) latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      else errors++;
      send();
    });
    const watchdog = setInterval(() => {
      if (running && Number(process.hrtime.bigint() - sentAt) / 1e6 > LOST_AFTER_MS) {
        errors++;
        send();
      }
    }, 100);
    send();
    await new Promise((resolve) => setTimeout(resolve, o.durationSec * 1000));
    clearInterval(watchdog);
  };

  const started = process.hrtime.bigint();
  const stop = setTimeout(() => (running = false), o.durationSec * 1000);
  await Promise.all(Array.from({ length: o.clients }, client));
  clearTimeout(stop);
  running = false;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const socket of sockets) socket.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { requestsPerSec: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99), errors };
}
