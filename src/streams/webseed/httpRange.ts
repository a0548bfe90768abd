/**
 * One HTTP `Range` GET, streamed: the body's bytes as they arrive, never the whole file in memory.
 *
 * @module
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { WebSeedError } from '../../errors.js';
import { parseRetryAfter } from '../../protocol/webseed/index.js';

/** How {@link httpRange} talks HTTP. */
export interface HttpRangeOptions {
  /** Keep-alive agents, shared by a web seed's requests. */
  readonly agents: { readonly http: http.Agent; readonly https: https.Agent };
  /** Timers (the idle timeout). */
  readonly scheduler: SchedulerLike;
  /** Longest wait for the reply or the next body byte. */
  readonly idleTimeoutMs: number;
  /** Redirects followed before giving up. */
  readonly maxRedirects: number;
  /**
   * Most bytes read and discarded to reach a range when the server ignores `Range` (it sends the
   * whole file from its start); more is `ERR_WEBSEED_WHOLE_FILE`. Default 64 MiB.
   */
  readonly maxSkipBytes?: number;
}

/** Default {@link HttpRangeOptions.maxSkipBytes}. */
export const MAX_SKIP_BYTES = 64 * 1024 * 1024;

/** What {@link httpRange} emits: body bytes, and once, whether the server honoured `Range`. */
export type HttpRangeEvent = { readonly type: 'data'; readonly data: Uint8Array } | { readonly type: 'whole-body' };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * GETs `length` bytes at `start` of `url`. A 206 must name exactly those bytes; a 200 (the server
 * ignores `Range`) is read through: the bytes before `start` are discarded as they pass (at most
 * `maxSkipBytes` of them), and the connection is closed once the range is read.
 *
 * ```
 * httpRange(url, 100, 5, o):  ---d(3)--d(2)|      (206)
 * ```
 *
 * @param url - an http or https URL
 * @param start - first byte
 * @param length - bytes wanted (> 0)
 * @param options - agents, timeouts, redirects
 * @returns the range's bytes in order, completing when all arrived; {@link WebSeedError} otherwise
 * @example
 * ```ts
 * import http from 'node:http';
 * import https from 'node:https';
 * const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
 * httpRange('http://127.0.0.1:8080/a.bin', 0, 65536, { agents, scheduler: asyncScheduler, idleTimeoutMs: 30_000, maxRedirects: 5 }).subscribe(console.log);
 * ```
 */
export function httpRange(url: string, start: number, length: number, options: HttpRangeOptions): Observable<HttpRangeEvent> {
  return new Observable<HttpRangeEvent>((subscriber) => {
    let request: http.ClientRequest | undefined;
    let idle: Subscription | undefined;
    let finished = false;
    const fail = (err: WebSeedError): void => {
      if (finished) return;
      finished = true;
      idle?.unsubscribe();
      request?.destroy();
      subscriber.error(err);
    };
    const arm = (): void => {
      idle?.unsubscribe();
      idle = options.scheduler.schedule(() => fail(new WebSeedError('ERR_WEBSEED_TIMEOUT', `no data from ${url} for ${options.idleTimeoutMs} ms`)), options.idleTimeoutMs);
    };
    const get = (target: URL, redirectsLeft: number): void => {
      if (target.protocol !== 'http:' && target.protocol !== 'https:') return fail(new WebSeedError('ERR_WEBSEED_REDIRECTS', `not an http(s) URL: ${target.protocol}`));
      const client = target.protocol === 'https:' ? https : http;
      const agent = target.protocol === 'https:' ? options.agents.https : options.agents.http;
      const headers = { Range: `bytes=${start}-${start + length - 1}`, 'Accept-Encoding': 'identity' };
      arm();
      request = client.get(target, { agent, headers }, (res) => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (REDIRECTS.has(status) && location !== undefined) {
          res.resume();
          if (redirectsLeft <= 0) return fail(new WebSeedError('ERR_WEBSEED_REDIRECTS', `more than ${options.maxRedirects} redirects from ${url}`, status));
          let next: URL;
          try {
            next = new URL(location, target);
          } catch {
            return fail(new WebSeedError('ERR_WEBSEED_REDIRECTS', `unreadable redirect from ${url}`, status));
          }
          return get(next, redirectsLeft - 1);
        }
        if (status === 206) {
          if (!rangeMatches(res, start, length)) return fail(new WebSeedError('ERR_WEBSEED_BAD_RANGE', `${url} sent ${res.headers['content-range'] ?? 'no Content-Range'} for bytes ${start}-${start + length - 1}`, status));
          return read(res, 0, true);
        }
        if (status === 200) {
          subscriber.next({ type: 'whole-body' });
          const maxSkip = options.maxSkipBytes ?? MAX_SKIP_BYTES;
          if (start > maxSkip) {
            return fail(new WebSeedError('ERR_WEBSEED_WHOLE_FILE', `${url} ignores Range: byte ${start} is past the ${maxSkip} bytes we read through to reach a range`, status));
          }
          return read(res, start, false);
        }
        res.resume();
        const retryAfterMs = parseRetryAfter(headerOf(res, 'retry-after'), Date.now());
        fail(new WebSeedError('ERR_WEBSEED_STATUS', `${url}: HTTP ${status}`, status, retryAfterMs));
      });
      request.on('error', (err) => fail(socketError(url, err)));
    };
    /** Streams the body: `skip` bytes dropped, then `length` bytes passed on. */
    const read = (res: IncomingMessage, skip: number, keepAlive: boolean): void => {
      let toSkip = skip;
      let left = length;
      arm();
      res.on('data', (chunk: Buffer) => {
        if (finished) return;
        arm();
        let view = chunk.subarray(Math.min(toSkip, chunk.length));
        toSkip -= chunk.length - view.length;
        if (view.length === 0) return;
        if (view.length > left) view = view.subarray(0, left);
        left -= view.length;
        subscriber.next({ type: 'data', data: view });
        if (left !== 0 || keepAlive) return;
        // The rest of a whole-file body is not read: the connection is closed instead.
        done();
        res.destroy();
      });
      res.on('end', () => (left === 0 ? done() : fail(new WebSeedError('ERR_WEBSEED_SHORT_BODY', `${url} ended ${left} bytes short`))));
      res.on('error', (err) => fail(new WebSeedError('ERR_WEBSEED_IO', `${url}: ${err.message}`, undefined, undefined, { cause: err })));
    };
    const done = (): void => {
      if (finished) return;
      finished = true;
      idle?.unsubscribe();
      subscriber.complete();
    };
    let first: URL;
    try {
      first = new URL(url);
    } catch {
      fail(new WebSeedError('ERR_WEBSEED_BAD_URL', `not a URL: ${url.slice(0, 200)}`));
      return undefined;
    }
    get(first, options.maxRedirects);
    return () => {
      idle?.unsubscribe();
      // A reply read to its end has given its socket back to the agent; one cut short is closed.
      if (!finished) request?.destroy();
      finished = true;
    };
  });
}

/** Certificate and handshake failures (Node's and OpenSSL's codes): retrying cannot help. */
const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/;

function socketError(url: string, err: NodeJS.ErrnoException): WebSeedError {
  const code = err.code ?? '';
  if (TLS_FAILURE.test(code)) return new WebSeedError('ERR_WEBSEED_TLS', `${url}: TLS: ${err.message} (${code})`, undefined, undefined, { cause: err });
  return new WebSeedError('ERR_WEBSEED_IO', `${url}: ${err.message}`, undefined, undefined, { cause: err });
}

function headerOf(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Content-Range: bytes start-end/total` names exactly the bytes asked for. */
function rangeMatches(res: IncomingMessage, start: number, length: number): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headerOf(res, 'content-range') ?? '');
  return match !== null && Number(match[1]) === start && Number(match[2]) === start + length - 1;
}
