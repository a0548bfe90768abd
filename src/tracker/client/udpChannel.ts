/**
 * A datagram channel to one tracker: what the UDP announce transport sends and receives through.
 * The real one is a `dgram` socket bound to our host; specs inject a scripted one.
 *
 * @module
 */
import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { normalizeIp } from '../../protocol/peerAddress.js';
import type { IpFamily } from '../../protocol/peerAddress.js';

/** An open channel. `send` never throws: failures arrive at the `error` handler. */
export interface UdpChannel {
  /** The family of our socket, which decides the size of a reply's peer entries. */
  readonly family: IpFamily;
  send(packet: Uint8Array): void;
  /** Idempotent. */
  close(): void;
}

/** Where a channel delivers what it hears. */
export interface UdpChannelHandlers {
  /** A datagram from the tracker's address and port. */
  message(packet: Uint8Array): void;
  /** A socket error (bind, send); the channel is useless after it. */
  error(err: Error): void;
}

/** Options of an {@link OpenUdpChannel}. */
export interface UdpChannelOptions {
  /** Our host: the socket is bound to it, so the tracker sees the address we listen on. */
  readonly localAddress?: string | undefined;
  /** Let the socket not keep the process alive. */
  readonly unref?: boolean | undefined;
}

/** Opens a channel to `host:port` (synchronously: sends queue until the socket is bound). */
export type OpenUdpChannel = (
  target: { readonly host: string; readonly port: number },
  options: UdpChannelOptions,
  handlers: UdpChannelHandlers,
) => UdpChannel;

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The `dgram` channel. The socket family follows our bound address, else the tracker's IP
 * literal; a tracker named by DNS is reached over IPv4 unless we are bound to an IPv6 address.
 * Datagrams from any other address or port are ignored.
 *
 * @example
 * ```ts
 * declare const txid: number;
 * declare const message: UdpChannelHandlers['message'], error: UdpChannelHandlers['error'];
 * const channel = openUdpChannel({ host: '127.0.0.1', port: 6969 }, { localAddress: '127.0.0.8' }, { message, error });
 * channel.send(encodeUdpConnect(txid));
 * ```
 */
export const openUdpChannel: OpenUdpChannel = (target, options, handlers) => {
  const local = options.localAddress !== undefined && !WILDCARDS.has(options.localAddress) ? options.localAddress : undefined;
  const family: IpFamily = (local !== undefined ? isIP(local) : isIP(target.host)) === 6 ? 6 : 4;
  const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  const literal = normalizeIp(target.host)?.host;
  let closed = false;
  const fail = (err: Error): void => {
    if (!closed) handlers.error(err);
  };
  socket.on('error', fail);
  socket.on('message', (packet, from) => {
    if (closed || from.port !== target.port) return;
    if (literal !== undefined && normalizeIp(from.address)?.host !== literal) return;
    handlers.message(new Uint8Array(packet.buffer, packet.byteOffset, packet.length));
  });
  if (local !== undefined) socket.bind({ address: local, port: 0 });
  if (options.unref === true) socket.unref();
  return {
    family,
    send: (packet) => {
      if (closed) return;
      try {
        socket.send(packet, target.port, target.host, (err) => err && fail(err));
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      try {
        socket.close();
      } catch {
        // Already closed by an error.
      }
    },
  };
};
