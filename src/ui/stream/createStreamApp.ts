/**
 * `createStreamApp(source)`: a koa app serving the files of running torrents over HTTP while
 * they download, with `Range` requests, so a browser or a media player can play a video from
 * its first verified pieces. It never listens by itself (see `createStreamServer`).
 *
 * @module
 */
import Koa from 'koa';
import type { Context } from 'koa';
import { UiError } from '../../errors.js';
import { visibleFiles } from '../../protocol/scheduler/pieceLevels.js';
import { decideRange } from './byteRanges.js';
import { contentTypeOf } from './contentType.js';
import { streamIndex, streamIndexHtml } from './streamIndex.js';
import { servedTorrents, type StreamSource } from './streamSource.js';

/** Options of {@link createStreamApp}. */
export interface StreamAppConfig {
  /**
   * Most file requests answered at once (waiting or streaming); more get 503 with
   * `Retry-After`. Each one is a reader steering the download. @default 16
   */
  readonly maxStreams?: number;
  /**
   * Host names accepted in the `Host` header: `'any'`, or a list. By default IP literals and
   * `localhost` only, which defeats DNS rebinding (a web page whose own name resolves to
   * 127.0.0.1 reading the stream server). @default IP literals and localhost
   */
  readonly hosts?: 'any' | readonly string[];
}

const FILE_PATH = /^\/([0-9a-f]{40})\/(\d{1,7})(?:\/[^/]*)?$/;
const IP_OR_LOCALHOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\]|localhost)$/i;

/**
 * Creates the app. Routes, `GET` and `HEAD` only (others: 405):
 * - `/` an HTML index of the torrents and their files; `/index.json` the same as JSON.
 * - `/<infoHash>/<fileIndex>[/<name>]` a file (indices as `rxtorrent info` numbers them), with
 *   `Accept-Ranges: bytes`; a single `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`) answers 206
 *   with `Content-Range`, one past the end 416 with `Content-Range: bytes *\/length`; the body
 *   streams verified bytes as the pieces covering them arrive (the pieces just ahead of the read
 *   go first), with backpressure. A client that hangs up ends its read at once.
 *
 * Hostile input: an unknown torrent or file is 404, a malformed or over-long `Range` 416, more
 * than `maxStreams` requests at once 503, a `Host` that is not allowed 403. Files are sent with
 * `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`, and only media, text
 * and image types get a type of their own: a torrent's HTML never runs as this server's page.
 *
 * ```
 * GET /<hash>/0  Range: bytes=5000000-   ──▶ 206, Content-Range: bytes 5000000-9999999/10000000
 * pieces:        ──────p40──p41───p42──…      (fetched first, each sent once verified)
 * body:          ──────c────c─────c────…|
 * ```
 *
 * @param source - the torrent handles to serve
 * @param config - caps
 * @returns the koa app
 * @throws {@link UiError} `ERR_UI_INVALID_ARGUMENT` for a `maxStreams` below 1
 * @example
 * ```ts
 * import http from 'node:http';
 * const handle = client.add(torrent, { path: 'downloads/' + torrent.name });
 * http.createServer(createStreamApp(handle).callback()).listen(8000, '127.0.0.1');
 * ```
 */
export function createStreamApp(source: StreamSource, config: StreamAppConfig = {}): Koa {
  const maxStreams = config.maxStreams ?? 16;
  if (!Number.isSafeInteger(maxStreams) || maxStreams < 1) throw new UiError('ERR_UI_INVALID_ARGUMENT', `maxStreams must be a positive integer, got ${maxStreams}`);
  const torrents = servedTorrents(source);
  let streams = 0;
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (!hostAllowed(ctx.get('Host'), config.hosts)) return fail(ctx, 403, 'host not allowed');
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      return fail(ctx, 405, 'only GET and HEAD');
    }
    return next();
  });
  app.use(async (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    if (ctx.path === '/' || ctx.path === '/index.json') {
      const all = torrents.all();
      // Torrents known already are listed: their promises settle before the next macrotask.
      await Promise.race([Promise.allSettled(all.map((t) => t.ready)), new Promise((resolve) => setImmediate(resolve))]);
      const entries = streamIndex(torrents.all());
      ctx.set('X-Content-Type-Options', 'nosniff');
      if (ctx.path === '/') {
        ctx.set('Content-Security-Policy', "default-src 'none'");
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = streamIndexHtml(entries);
      } else ctx.body = { torrents: entries };
      return;
    }
    const match = FILE_PATH.exec(ctx.path);
    const served = match === null ? undefined : torrents.find(match[1]!);
    if (served === undefined) return fail(ctx, 404, 'no such torrent');
    if (streams >= maxStreams) {
      ctx.set('Retry-After', '1');
      return fail(ctx, 503, `at most ${maxStreams} streams at once`);
    }
    streams++;
    let counted = true;
    const release = (): void => {
      if (counted) streams--;
      counted = false;
    };
    ctx.res.once('close', release);
    try {
      const torrent = await served.ready;
      const index = Number(match![2]);
      const file = visibleFiles(torrent)[index];
      if (file === undefined) return fail(ctx, 404, 'no such file');
      ctx.set('Accept-Ranges', 'bytes');
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.set('Content-Security-Policy', 'sandbox');
      const decision = ctx.get('If-Range') !== '' ? { type: 'whole' as const } : decideRange(ctx.get('Range') || undefined, file.length);
      if (decision.type === 'unsatisfiable') {
        ctx.set('Content-Range', `bytes */${file.length}`);
        return fail(ctx, 416, decision.reason);
      }
      const [start, end] = decision.type === 'part' ? [decision.start, decision.end] : [0, file.length];
      ctx.status = decision.type === 'part' ? 206 : 200;
      if (decision.type === 'part') ctx.set('Content-Range', `bytes ${start}-${end - 1}/${file.length}`);
      // HEAD and empty bodies get an empty buffer: koa would otherwise send the status text.
      ctx.body = ctx.method === 'GET' && end > start ? served.handle.createReadStream(index, { start, end }) : Buffer.alloc(0);
      ctx.type = contentTypeOf(file.relativePath);
      ctx.length = end - start;
    } catch (err) {
      release();
      // The torrent stopped before its metadata was known.
      return fail(ctx, 503, (err as Error).message);
    }
  });
  return app;
}

function fail(ctx: Context, status: number, message: string): void {
  ctx.status = status;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = `${message}\n`;
}

function hostAllowed(host: string, allowed: StreamAppConfig['hosts']): boolean {
  if (allowed === 'any') return true;
  const name = host.replace(/:\d{1,5}$/, '');
  if (allowed === undefined) return IP_OR_LOCALHOST.test(name);
  return allowed.includes(name.toLowerCase());
}
