/**
 * Free loopback ports for specs. A port is only known free at the moment it is probed, so start
 * the program that needs it right away.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * A TCP port that was free on `host` a moment ago (bind port 0, read it back, close).
 *
 * @param host - address to bind
 * @returns the port number
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

function udpPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.unref();
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/**
 * A port free for both TCP and UDP on `host`: libtorrent and opentracker open both on one number.
 *
 * @param host - address to bind
 * @param attempts - how many TCP ports to try before giving up
 * @returns the port number
 * @throws Error when no port was free for both after `attempts` tries
 */
export async function freeUdpAndTcpPort(host = '127.0.0.1', attempts = 20): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const port = await freePort(host);
    if (await udpPortFree(host, port)) return port;
  }
  throw new Error(`no port free for both TCP and UDP on ${host} after ${attempts} attempts`);
}
