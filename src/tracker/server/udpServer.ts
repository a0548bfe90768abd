/**
 * The UDP tracker's socket: one `dgram` socket feeding a {@link UdpTrackerHandler}, with a bound
 * on requests in flight.
 *
 * @module
 */
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { TrackerLogger } from './trackerConfig.js';
import type { UdpTrackerHandler } from './udpHandler.js';

/** Options of {@link listenUdpTracker}. */
export interface UdpListenOptions {
  /** Address to bind; `::` is dual-stack (IPv4 clients arrive as `::ffff:a.b.c.d`). */
  readonly host: string;
  /** UDP port; 0 picks a free one. Use the HTTP tracker's port number, as BEP 15 trackers do. */
  readonly port: number;
  /**
   * Datagrams being answered at once (each waits on the store); more are dropped, as a full
   * socket buffer would, and their clients retransmit.
   * @default 4096
   */
  readonly maxInFlight?: number;
  /** Where socket errors go. @default console */
  readonly logger?: TrackerLogger;
}

/** Default of {@link UdpListenOptions.maxInFlight}. */
export const DEFAULT_UDP_MAX_IN_FLIGHT = 4096;

/** A bound UDP tracker. */
export interface UdpTrackerServer {
  /** Where it listens. */
  readonly address: AddressInfo;
  /** Datagrams dropped because `maxInFlight` were being answered. */
  readonly dropped: number;
  /** Closes the socket; replies still being computed are not sent. */
  close(): Promise<void>;
}

/**
 * Binds a UDP socket and answers every datagram with `handler`. In a `node:cluster` worker the
 * socket is shared with the other workers binding the same address and port.
 *
 * @param handler - from `createUdpTrackerHandler`.
 * @param options - address, port, in-flight bound.
 * @returns the bound server, once listening.
 * @throws the socket's bind error (`EADDRINUSE`, `EADDRNOTAVAIL`) as the rejection.
 * @example
 * ```ts
 * declare const server: import('node:http').Server, config: TrackerConfig, store: SwarmStore;
 * const http = server.listen(8000, '0.0.0.0');
 * const udp = await listenUdpTracker(createUdpTrackerHandler(config, { store }), { host: '0.0.0.0', port: 8000 });
 * ```
 */
export function listenUdpTracker(handler: UdpTrackerHandler, options: UdpListenOptions): Promise<UdpTrackerServer> {
  const maxInFlight = options.maxInFlight ?? DEFAULT_UDP_MAX_IN_FLIGHT;
  const logger = options.logger ?? console;
  const socket = dgram.createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4' });
  let inFlight = 0;
  let dropped = 0;
  let closed = false;

  socket.on('message', (packet, remote) => {
    if (inFlight >= maxInFlight) {
      dropped++;
      return;
    }
    inFlight++;
    handler(new Uint8Array(packet.buffer, packet.byteOffset, packet.length), remote).then(
      (reply) => {
        inFlight--;
        if (reply === undefined || closed) return;
        socket.send(reply, remote.port, remote.address, () => {
          // A failed send (an unreachable client, a full buffer) is that client's loss; ignore it.
        });
      },
      (err: unknown) => {
        inFlight--;
        logger.error('tracker: udp handler failed', err);
      },
    );
  });

  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: options.host, port: options.port }, () => {
      socket.off('error', reject);
      socket.on('error', (err) => logger.error('tracker: udp socket error', err));
      resolve({
        address: socket.address(),
        get dropped() {
          return dropped;
        },
        close: () =>
          new Promise<void>((done) => {
            if (closed) return done();
            closed = true;
            socket.close(() => done());
          }),
      });
    });
  });
}
