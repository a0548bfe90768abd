/**
 * The HTTP(S) announce transport: one GET through `node:http` / `node:https`, bound to our own
 * address, body capped, reply parsed strictly.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Observable } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { TrackerError } from '../../errors.js';
import { announceUrl } from '../../protocol/tracker/announceQuery.js';
import type { AnnounceParams } from '../../protocol/tracker/announceQuery.js';
import { parseAnnounceResponse } from '../../protocol/tracker/announceResponse.js';
import type { AnnounceResponse } from '../../protocol/tracker/announceResponse.js';
import { VERSION } from '../../version.js';

/** What a transport needs besides the URL and the announce. */
export interface TransportOptions {
  /** Source address to bind (the host we listen on); `undefined` or a wildcard lets the OS pick. */
  readonly localAddress?: string;
  /** Largest reply accepted, in bytes. */
  readonly maxResponseBytes: number;
  /** Node's socket idle timeout, in ms (its timer never keeps the process alive). */
  readonly socketTimeoutMs?: number;
  /** Unref the socket, so an announce in flight never keeps the process alive. */
  readonly unref?: boolean;
  /** Runs a transport's own timers (UDP retransmits). @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/**
 * One announce over one protocol: emits the reply once and completes, or errors with a
 * `TrackerError`; unsubscribing aborts it. Implemented by {@link httpTransport} and the UDP
 * transport (BEP 15).
 */
export type AnnounceTransport = (url: URL, params: AnnounceParams, options: TransportOptions) => Observable<AnnounceResponse>;

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function unreachable(url: URL, cause: unknown): TrackerError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new TrackerError('ERR_TRACKER_UNREACHABLE', `${url.host}: ${why}`, { cause });
}

function bodyTooLarge(url: URL, max: number): TrackerError {
  return new TrackerError('ERR_TRACKER_RESPONSE_TOO_LARGE', `${url.host}: reply larger than ${max} bytes`);
}

/** A non-200 reply: its `failure reason` when it has one (some trackers send 4xx with one), else the status. */
function statusError(url: URL, status: number, body: Uint8Array, max: number): TrackerError {
  try {
    parseAnnounceResponse(body, { maxBytes: max });
  } catch (err) {
    if (err instanceof TrackerError && err.code === 'ERR_TRACKER_FAILURE_REASON') return err;
  }
  return new TrackerError('ERR_TRACKER_HTTP_STATUS', `${url.host}: HTTP ${status}`);
}

/**
 * Announces over HTTP or HTTPS.
 *
 * ```
 * subscribe:  --GET----------------reply|       (one value, then complete)
 * unsubscribe: --GET---!                         (the request is destroyed)
 * ```
 *
 * No keep-alive (`agent: false`, `Connection: close`): announces are minutes apart. Redirects are
 * not followed (a 3xx is `ERR_TRACKER_HTTP_STATUS`). The body is read up to `maxResponseBytes`;
 * past that the request is destroyed.
 *
 * @param url - an `http:` or `https:` tracker URL.
 * @param params - the announce.
 * @param options - source address, caps, socket timeout.
 * @returns the parsed reply.
 * @example
 * ```ts
 * declare const params: AnnounceParams;
 * httpTransport(new URL('http://127.0.0.1:8000/announce'), params, { maxResponseBytes: 262144 }).subscribe(console.log);
 * ```
 */
export const httpTransport: AnnounceTransport = (url, params, options) =>
  new Observable<AnnounceResponse>((subscriber) => {
    const target = new URL(announceUrl(url.href, params));
    const local = options.localAddress;
    const bind = local !== undefined && !WILDCARDS.has(local) ? local : undefined;
    const family = bind === undefined ? undefined : isIP(bind);
    const max = options.maxResponseBytes;
    const fail = (err: TrackerError): void => {
      subscriber.error(err);
      request.destroy();
    };
    const request = (target.protocol === 'https:' ? https : http).request({
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: target.port === '' ? undefined : Number(target.port),
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      agent: false,
      localAddress: bind,
      // A source address of one family cannot reach a tracker resolved to the other.
      family: family === 4 || family === 6 ? family : undefined,
      timeout: options.socketTimeoutMs,
      headers: { 'User-Agent': `rxtorrent/${VERSION}`, 'Accept-Encoding': 'identity', Connection: 'close' },
    });
    request.on('socket', (socket) => {
      if (options.unref === true) socket.unref();
    });
    request.on('timeout', () => fail(new TrackerError('ERR_TRACKER_TIMEOUT', `${url.host}: no reply within ${options.socketTimeoutMs} ms`)));
    request.on('error', (err) => subscriber.error(unreachable(url, err)));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (Number(response.headers['content-length'] ?? 0) > max) return fail(bodyTooLarge(url, max));
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > max) fail(bodyTooLarge(url, max));
        else chunks.push(chunk);
      });
      response.on('error', (err) => subscriber.error(unreachable(url, err)));
      response.on('end', () => {
        if (subscriber.closed) return;
        const body = new Uint8Array(Buffer.concat(chunks, length));
        try {
          if (status !== 200) throw statusError(url, status, body, max);
          subscriber.next(parseAnnounceResponse(body, { maxBytes: max }));
          subscriber.complete();
        } catch (err) {
          subscriber.error(err);
        }
      });
    });
    request.end();
    return () => request.destroy();
  });
