/**
 * `createStreamServer(source)`: {@link createStreamApp} listening, on loopback unless told
 * otherwise (it has no authentication).
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStreamApp, type StreamAppConfig } from './createStreamApp.js';
import { fileUrlPath } from './streamIndex.js';
import type { StreamSource } from './streamSource.js';

/** Options of {@link createStreamServer}. */
export interface StreamServerConfig extends StreamAppConfig {
  /** Address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** Port (0: any free one). @default 0 */
  readonly port?: number;
  /**
   * A connection that neither sends nor receives for this long is closed (a player that paused
   * reconnects with a `Range`). @default 120000
   */
  readonly idleTimeoutMs?: number;
}

/** A listening stream server. */
export interface StreamServer {
  /** `http://HOST:PORT/`, the index. */
  readonly url: string;
  readonly port: number;
  /** The URL of a file of a served torrent (by index, as `rxtorrent info` numbers them). */
  fileUrl(infoHash: string, index: number, path?: string): string;
  /** Stops listening and cuts every open stream (their reads end). */
  close(): Promise<void>;
}

/**
 * Starts serving the files of `source` over HTTP.
 *
 * @param source - the torrent handles to serve
 * @param config - address, caps, idle timeout
 * @returns once listening
 * @example
 * ```ts
 * const handle = client.add(torrent, { path: 'downloads/' + torrent.name });
 * const server = await createStreamServer(handle);
 * console.log(server.fileUrl(handle.infoHash, 0)); // open it in a browser or mpv
 * ```
 */
export async function createStreamServer(source: StreamSource, config: StreamServerConfig = {}): Promise<StreamServer> {
  const host = config.host ?? '127.0.0.1';
  const app = createStreamApp(source, config);
  app.silent = true;
  const server = http.createServer(app.callback());
  server.setTimeout(config.idleTimeoutMs ?? 120_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  return {
    url,
    port,
    fileUrl: (infoHash, index, path = '') => new URL(fileUrlPath(infoHash, index, path), url).href,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
