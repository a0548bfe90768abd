/**
 * The UDP announce transport (BEP 15): connect, then announce, over one socket bound to our host,
 * retransmitting on BEP 15's schedule and reusing a connection id for a minute.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { asyncScheduler, Observable } from 'rxjs';
import type { SchedulerLike, Unsubscribable } from 'rxjs';
import { TrackerError } from '../../errors.js';
import type { AnnounceResponse } from '../../protocol/tracker/announceResponse.js';
import { parseUdpReply, udpTransactionIdOf } from '../../protocol/tracker/udpReply.js';
import { encodeUdpAnnounce, encodeUdpConnect } from '../../protocol/tracker/udpClientPackets.js';
import type { AnnounceTransport } from './httpTransport.js';
import { openUdpChannel } from './udpChannel.js';
import type { OpenUdpChannel } from './udpChannel.js';
import { UdpConnectionCache } from './udpConnectionCache.js';

/** BEP 15: wait 15 × 2^n s for a reply before retransmitting… */
export const UDP_RETRANSMIT_BASE_MS = 15_000;
/** …with n counting retransmissions, up to 8 (3,840 s). */
export const UDP_MAX_RETRANSMIT_EXPONENT = 8;

/**
 * How long to wait for a reply after the `n`-th retransmission (0 for the first send):
 * 15 s, 30 s, 60 s, … 3,840 s, then 3,840 s again.
 * @example
 * ```ts
 * udpRetransmitDelayMs(0); // 15000
 * udpRetransmitDelayMs(2); // 60000
 * ```
 */
export function udpRetransmitDelayMs(n: number): number {
  return UDP_RETRANSMIT_BASE_MS * 2 ** Math.min(Math.max(0, n), UDP_MAX_RETRANSMIT_EXPONENT);
}

/** Injected collaborators of {@link createUdpTransport}. */
export interface UdpTransportComponents {
  /** @default a `dgram` socket bound to `localAddress` */
  readonly openChannel?: OpenUdpChannel;
  /** Connection ids shared by every announce through this transport. @default a new cache */
  readonly connectionIds?: UdpConnectionCache;
  /** An unsigned 32-bit transaction id. @default crypto random */
  readonly transactionId?: () => number;
}

const randomTransactionId = (): number => randomBytes(4).readUInt32BE(0);

function targetOf(url: URL): { host: string; port: number } {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port);
  if (host === '' || !(port >= 1 && port <= 65535)) {
    throw new TrackerError('ERR_TRACKER_BAD_URL', `a udp:// tracker URL needs a host and a port, got ${JSON.stringify(url.href.slice(0, 200))}`);
  }
  return { host, port };
}

/**
 * Creates a UDP announce transport with its own connection-id cache.
 *
 * ```
 * first announce:    connect──(id)──announce──reply|
 * within a minute:   announce──reply|                           (the id is reused)
 * no reply:          connect──15 s──connect──30 s──connect──60 s── …  (until announce's timeoutMs)
 * error reply:       connect──(id)──announce──#                  ERR_TRACKER_FAILURE_REASON
 * ```
 * A timeout forgets the connection id in use (a lost reply and an id the tracker no longer takes
 * look the same), so the retransmission starts with a connect. Retransmit timers run on
 * `options.scheduler`; with `options.unref` (a best-effort `stopped`) there are no retransmits,
 * and an unref'd Node timer gives up after `socketTimeoutMs`.
 *
 * @param components - channel factory, id cache and transaction ids (specs script them).
 * @returns an {@link AnnounceTransport} for `udp:` URLs (BEP 41 URL data carries the path).
 * @see https://www.bittorrent.org/beps/bep_0015.html
 * @example
 * ```ts
 * declare const params: AnnounceParams;
 * const transport = createUdpTransport();
 * transport(new URL('udp://127.0.0.1:6969'), params, { maxResponseBytes: 65536 }).subscribe(console.log);
 * ```
 */
export function createUdpTransport(components: UdpTransportComponents = {}): AnnounceTransport {
  const open = components.openChannel ?? openUdpChannel;
  const cache = components.connectionIds ?? new UdpConnectionCache();
  const nextTransactionId = components.transactionId ?? randomTransactionId;
  return (url, params, options) =>
    new Observable<AnnounceResponse>((subscriber) => {
      const target = targetOf(url);
      const scheduler: SchedulerLike = options.scheduler ?? asyncScheduler;
      const key = `${options.localAddress ?? ''}>${target.host}:${target.port}`;
      const urlData = `${url.pathname}${url.search}`;
      let retransmits = 0;
      let step: 'connect' | 'announce' = 'connect';
      let connectionId: Uint8Array | undefined;
      let transactionId = 0;
      let timer: Unsubscribable | undefined;

      const unreachable = (err: Error): void =>
        subscriber.error(new TrackerError('ERR_TRACKER_UNREACHABLE', `${url.host}: ${err.message}`, { cause: err }));
      const channel = open(target, { localAddress: options.localAddress, unref: options.unref }, {
        message: (packet) => receive(packet),
        error: unreachable,
      });

      const sendAnnounce = (id: Uint8Array): void => {
        step = 'announce';
        connectionId = id;
        transactionId = nextTransactionId() >>> 0;
        channel.send(encodeUdpAnnounce(id, transactionId, params, urlData));
      };

      const send = (): void => {
        const cached = cache.get(key, scheduler.now());
        if (cached !== undefined) sendAnnounce(cached);
        else {
          step = 'connect';
          transactionId = nextTransactionId() >>> 0;
          channel.send(encodeUdpConnect(transactionId));
        }
        arm();
      };

      const arm = (): void => {
        timer?.unsubscribe();
        if (options.unref === true) return;
        timer = scheduler.schedule(() => {
          if (step === 'announce' && connectionId !== undefined) cache.forget(key, connectionId);
          retransmits++;
          send();
        }, udpRetransmitDelayMs(retransmits));
      };

      const receive = (packet: Uint8Array): void => {
        if (udpTransactionIdOf(packet) !== transactionId) return;
        try {
          const reply = parseUdpReply(packet, channel.family);
          if (reply.action === 'error') throw new TrackerError('ERR_TRACKER_FAILURE_REASON', reply.message);
          if (reply.action === 'connect' && step === 'connect') {
            cache.set(key, reply.connectionId, scheduler.now());
            sendAnnounce(reply.connectionId);
            arm();
          } else if (reply.action === 'announce' && step === 'announce') {
            if (packet.length > options.maxResponseBytes) {
              throw new TrackerError('ERR_TRACKER_RESPONSE_TOO_LARGE', `${url.host}: reply larger than ${options.maxResponseBytes} bytes`);
            }
            subscriber.next(reply.response);
            subscriber.complete();
          } else {
            throw new TrackerError('ERR_TRACKER_BAD_RESPONSE', `${url.host}: a ${reply.action} reply to a ${step} request`);
          }
        } catch (err) {
          subscriber.error(err);
        }
      };

      let deadline: ReturnType<typeof setTimeout> | undefined;
      if (options.unref === true && options.socketTimeoutMs !== undefined) {
        deadline = setTimeout(
          () => subscriber.error(new TrackerError('ERR_TRACKER_TIMEOUT', `${url.host}: no reply within ${options.socketTimeoutMs} ms`)),
          options.socketTimeoutMs,
        );
        deadline.unref();
      }
      send();
      return () => {
        timer?.unsubscribe();
        if (deadline !== undefined) clearTimeout(deadline);
        channel.close();
      };
    });
}

/**
 * The default UDP transport: one connection-id cache for the whole process, so every torrent
 * announcing to the same tracker from the same address reuses the id within its minute.
 */
export const udpTransport: AnnounceTransport = createUdpTransport();
