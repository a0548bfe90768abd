/**
 * `announce(url, params, config)`: one announce to one tracker, whatever its protocol.
 *
 * @module
 */
import { asyncScheduler, defer, throwError, timeout } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import { TrackerError } from '../../errors.js';
import { encodeAnnounceQuery } from '../../protocol/tracker/announceQuery.js';
import type { AnnounceParams } from '../../protocol/tracker/announceQuery.js';
import { DEFAULT_MAX_ANNOUNCE_RESPONSE_BYTES } from '../../protocol/tracker/announceResponse.js';
import type { AnnounceResponse } from '../../protocol/tracker/announceResponse.js';
import { httpTransport } from './httpTransport.js';
import type { AnnounceTransport } from './httpTransport.js';
import { udpTransport } from './udpTransport.js';

/** Options of {@link announce}. */
export interface AnnounceConfig {
  /**
   * Source address of the request (HTTP) or address the UDP socket is bound to: the host we
   * listen on, so the tracker records the address peers can reach us at. A wildcard (`0.0.0.0`,
   * `::`) or `undefined` lets the OS choose.
   * @default undefined
   */
  readonly localAddress?: string;
  /** Give up after this long, in ms (connect, request and reply together). @default 30000 */
  readonly timeoutMs?: number;
  /** Largest reply accepted, in bytes. @default 256 KiB */
  readonly maxResponseBytes?: number;
  /** Runs the timeout and UDP retransmits. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /**
   * A best-effort announce (the `stopped` one on shutdown) that must never keep the process
   * alive: the socket is unref'd and `timeoutMs` becomes Node's socket idle timeout, whose timer
   * is unref'd too, instead of a scheduler timer.
   * @default false
   */
  readonly unref?: boolean;
}

/** Default of {@link AnnounceConfig.timeoutMs}. */
export const DEFAULT_ANNOUNCE_TIMEOUT_MS = 30_000;

/** The signature of {@link announce}; `announceEvery` takes a fake one in tests. */
export type AnnounceFunction = (url: string, params: AnnounceParams, config?: AnnounceConfig) => Observable<AnnounceResponse>;

/** Transports by URL scheme. */
const TRANSPORTS: Readonly<Record<string, AnnounceTransport>> = {
  'http:': httpTransport,
  'https:': httpTransport,
  'udp:': udpTransport,
};

function transportFor(url: URL): AnnounceTransport | TrackerError {
  return TRANSPORTS[url.protocol] ?? new TrackerError('ERR_TRACKER_UNSUPPORTED_PROTOCOL', `${url.protocol}// trackers are not supported`);
}

/**
 * Announces to one tracker over `http://`, `https://` or `udp://` (BEP 15: connect, announce,
 * retransmits 15 × 2^n s apart within `timeoutMs`, a connection id reused for a minute). Cold:
 * each subscription sends one announce; unsubscribing aborts it.
 *
 * ```
 * announce(url, p):           ----------reply|
 * tracker refuses:            ----------#         ERR_TRACKER_FAILURE_REASON, message = its reason
 * no reply within timeoutMs:  ------------------# ERR_TRACKER_TIMEOUT
 * ```
 *
 * @param url - the announce URL from the torrent (`announce` / `announce-list`).
 * @param params - what we announce; checked now, so a bad one throws here, not on subscribe.
 * @param config - source address, timeout, size cap, scheduler.
 * @returns one {@link AnnounceResponse}, then complete.
 * @throws {@link TrackerError} at call time for invalid `params` (`ERR_TRACKER_BAD_INFO_HASH`, …).
 *   The observable errors with `ERR_TRACKER_BAD_URL`, `ERR_TRACKER_UNSUPPORTED_PROTOCOL`,
 *   `ERR_TRACKER_UNREACHABLE`, `ERR_TRACKER_TIMEOUT`, `ERR_TRACKER_HTTP_STATUS`,
 *   `ERR_TRACKER_RESPONSE_TOO_LARGE`, `ERR_TRACKER_BAD_RESPONSE`, `ERR_TRACKER_FAILURE_REASON`.
 * @see https://www.bittorrent.org/beps/bep_0003.html#trackers
 * @example
 * ```ts
 * declare const left: number;
 * announce('http://tracker.example/announce', { infoHash, peerId, port: 6881, uploaded: 0, downloaded: 0, left, event: 'started' },
 *   { localAddress: '192.0.2.10' }).subscribe(({ peers, interval }) => console.log(peers.length, interval));
 * ```
 */
export function announce(url: string, params: AnnounceParams, config: AnnounceConfig = {}): Observable<AnnounceResponse> {
  encodeAnnounceQuery(params);
  const timeoutMs = config.timeoutMs ?? DEFAULT_ANNOUNCE_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new TrackerError('ERR_TRACKER_BAD_CONFIG', `timeoutMs must be positive, got ${timeoutMs}`);
  const unref = config.unref ?? false;
  return defer(() => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      return throwError(() => new TrackerError('ERR_TRACKER_BAD_URL', `not a URL: ${JSON.stringify(url.slice(0, 200))}`, { cause }));
    }
    const transport = transportFor(parsed);
    if (transport instanceof TrackerError) return throwError(() => transport);
    const reply$ = transport(parsed, params, {
      localAddress: config.localAddress,
      maxResponseBytes: config.maxResponseBytes ?? DEFAULT_MAX_ANNOUNCE_RESPONSE_BYTES,
      socketTimeoutMs: unref ? timeoutMs : undefined,
      unref,
      scheduler: config.scheduler ?? asyncScheduler,
    });
    if (unref) return reply$;
    return reply$.pipe(
      timeout({
        first: timeoutMs,
        scheduler: config.scheduler ?? asyncScheduler,
        with: () => throwError(() => new TrackerError('ERR_TRACKER_TIMEOUT', `${parsed.host}: no reply within ${timeoutMs} ms`)),
      }),
    );
  });
}
