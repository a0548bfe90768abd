/**
 * `download --serve[=PORT]`: the torrent runs under a handle (`client.add`), and its files are
 * streamed over HTTP on loopback while they download. The stream server is loaded only when
 * asked for.
 *
 * @module
 */
import { join } from 'node:path';
import { Observable } from 'rxjs';
import type { MagnetLink, Torrent } from '../../protocol/metainfo/index.js';
import { createClient } from '../../streams/client/createClient.js';
import type { TorrentHandle } from '../../streams/client/torrentHandle.js';
import type { DownloadConfig, SeedConfig } from '../../streams/download.js';
import type { SessionState } from '../../streams/session/sessionState.js';

/** The stream server listens on loopback only: it has no authentication. */
export const STREAM_HOST = '127.0.0.1';

/** What to run: a .torrent to download, content to seed, or a magnet link. */
export type ServedSource =
  | { readonly kind: 'torrent'; readonly torrent: Torrent; readonly config: DownloadConfig }
  | { readonly kind: 'seed'; readonly torrent: Torrent; readonly config: SeedConfig & { readonly path: string } }
  | { readonly kind: 'magnet'; readonly link: MagnetLink; readonly config: DownloadConfig };

/**
 * The session's states, as `download()` would give them, with a stream server beside it for as
 * long as they are subscribed: subscribing starts the torrent and the server (which prints
 * `streaming: URL` to `out`); unsubscribing, or the states ending, closes the server and stops
 * the torrent.
 *
 * @param source - what to run
 * @param port - the server's port (0: any free one)
 * @param out - where the URL line goes
 * @returns cold session states
 * @example
 * ```ts
 * declare const view: SessionView;
 * await runSession(servedDownload({ kind: 'torrent', torrent, config: { dir: '.' } }, 0, process.stderr), view);
 * ```
 */
export function servedDownload(source: ServedSource, port: number, out: NodeJS.WritableStream): Observable<SessionState> {
  return new Observable<SessionState>((subscriber) => {
    const handle = start(source);
    let closed = false;
    let closeServer: (() => Promise<void>) | undefined;
    const states = handle.state$.subscribe(subscriber);
    import('../../ui/stream/createStreamServer.js')
      .then(({ createStreamServer }) => createStreamServer(handle, { host: STREAM_HOST, port }))
      .then(
        (server) => {
          if (closed) return void server.close();
          closeServer = () => server.close();
          out.write(`streaming: ${server.url}\n`);
        },
        (err: unknown) => subscriber.error(err),
      );
    return () => {
      closed = true;
      states.unsubscribe();
      void closeServer?.();
      handle.stop();
    };
  });
}

function start(source: ServedSource): TorrentHandle {
  const client = createClient(source.config);
  if (source.kind === 'magnet') return client.addMagnet(source.link, source.config);
  if (source.kind === 'seed') return client.add(source.torrent, { ...source.config, mode: 'seed', seed: true });
  const path = source.config.path ?? join(source.config.dir ?? '.', source.torrent.name);
  return client.add(source.torrent, { ...source.config, path, mode: 'download' });
}
