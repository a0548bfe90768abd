/** A real HTTP server around a koa app, and raw GETs whose path we write byte for byte. */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import bencode from 'bencode';
import type Koa from 'koa';

/** A listening server. */
export interface Served {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `app` on `host`, port 0. */
export async function serve(app: Koa, host = '127.0.0.1'): Promise<Served> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A response: status, headers and the raw body bytes. */
export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Options of {@link get}. */
export interface GetOptions {
  readonly host?: string;
  readonly localAddress?: string;
  readonly headers?: Record<string, string>;
}

/** GET `path` exactly as written (node's client sends it unchanged), without keep-alive. */
export function get(port: number, path: string, options: GetOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: options.host ?? '127.0.0.1', port, path, agent: false, localAddress: options.localAddress, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

/** Writes `GET <target bytes> HTTP/1.1` on a bare socket (for targets node's client refuses) and reads the status. */
export function rawGet(port: number, target: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? 0)));
    socket.on('error', reject);
    socket.write(Buffer.concat([Buffer.from('GET '), target, Buffer.from(' HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n')]));
  });
}

/** A decoded bencoded tracker reply (dict keys as strings, byte strings as Uint8Array). */
export type Bdict = Record<string, unknown>;

/** Decodes a tracker reply body; our own server's output, so the package decoder is fine here. */
export function decodeReply(reply: Reply): Bdict {
  return bencode.decode(reply.body) as Bdict;
}

/** The `failure reason` of a reply as text, or `undefined`. */
export function failureOf(reply: Reply): string | undefined {
  const reason = decodeReply(reply)['failure reason'];
  return reason instanceof Uint8Array ? Buffer.from(reason).toString('utf8') : undefined;
}

/** A logger that remembers what it was told. */
export function recordingLogger(): { errors: Array<[string, unknown]>; error(message: string, error: unknown): void } {
  const errors: Array<[string, unknown]> = [];
  return { errors, error: (message, error) => void errors.push([message, error]) };
}
