/**
 * The UDP tracker (BEP 15) as a function from datagram to reply, without a socket: frame →
 * check the connection id → parse → `handleAnnounce` / `handleScrape` → encode. The same store,
 * limits and failure reasons as the HTTP tracker.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { TrackerError } from '../../errors.js';
import { normalizeIp } from '../../protocol/peerAddress.js';
import { UdpConnectionIds } from '../../protocol/tracker/udpConnectionId.js';
import { encodeUdpAnnounceReply, encodeUdpConnectReply, encodeUdpError, encodeUdpScrapeReply } from '../../protocol/tracker/udpReply.js';
import { parseUdpAnnounce, parseUdpRequest } from '../../protocol/tracker/udpRequest.js';
import type { UdpPeerIp } from '../../protocol/tracker/udpRequest.js';
import { clientFailureReason, INTERNAL_FAILURE_REASON } from './failureReason.js';
import { handleAnnounce } from './handleAnnounce.js';
import { handleScrape } from './handleScrape.js';
import { resolveTracker } from './trackerConfig.js';
import type { TrackerComponents, TrackerConfig } from './trackerConfig.js';

const PEER_CACHE_SIZE = 65_536;

/** Where a datagram came from, as `dgram` reports it. */
export interface UdpRemote {
  readonly address: string;
  readonly port: number;
}

/** Injected collaborators of the UDP tracker: the HTTP tracker's, plus the connection-id secret. */
export interface UdpTrackerComponents extends TrackerComponents {
  /**
   * Key of the connection-id HMAC (≥ 16 bytes). Every process that must accept the others' ids
   * needs the same one: `redisStore(…).sharedSecret()` hands one out.
   * @default 32 random bytes (ids are then good in this process only)
   */
  readonly secret?: Uint8Array;
}

/**
 * Answers one datagram: the reply to send back to the same address, or `undefined` to stay
 * silent. Never rejects.
 */
export type UdpTrackerHandler = (packet: Uint8Array, remote: UdpRemote) => Promise<Uint8Array | undefined>;

/**
 * Creates the UDP tracker's datagram handler; bind it with `listenUdpTracker`.
 *
 * - Garbage (too short, wrong protocol id, unknown action, ragged scrape) gets no reply.
 * - `connect` gets a 16-byte reply to a 16-byte request: a connection id, an HMAC of the client's
 *   IP and the time, accepted for 2 minutes by every process holding the same secret.
 * - `announce` and `scrape` without a valid connection id get no reply, so a spoofed source
 *   address never receives more bytes than the spoofer sent (no amplification).
 * - A valid request the tracker refuses (port 0, a full swarm) gets a BEP 15 error with the same
 *   reason HTTP would give, cut to the request's size; internal errors are logged and answered
 *   `internal error`.
 * - Peers are 6-byte entries for an IPv4 client, 18-byte for IPv6; peers of the other family are
 *   left out (BEP 15 has one list).
 *
 * @param config - the HTTP tracker's options (interval, numwant caps, `allowIpParam`).
 * @param components - store, clock, logger, counters and the connection-id secret.
 * @returns the handler.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for an invalid option or a short secret.
 * @see https://www.bittorrent.org/beps/bep_0015.html
 * @example
 * ```ts
 * const store = memoryStore();
 * const udp = await listenUdpTracker(createUdpTrackerHandler({ interval: 600 }, { store }), { host: '0.0.0.0', port: 8000 });
 * ```
 */
export function createUdpTrackerHandler(config: TrackerConfig = {}, components: UdpTrackerComponents = {}): UdpTrackerHandler {
  const tracker = resolveTracker(config, components);
  const { store, now, logger, counters } = tracker;
  const ids = new UdpConnectionIds(components.secret ?? new Uint8Array(randomBytes(32)));
  const announceOptions = {
    allowIpParam: tracker.allowIpParam,
    defaultNumwant: tracker.defaultNumwant,
    maxNumwant: tracker.maxNumwant,
  };

  const refuse = (transactionId: number, err: unknown, packetLength: number): Uint8Array => {
    counters.failures++;
    let reason = clientFailureReason(err);
    if (reason === undefined) {
      reason = INTERNAL_FAILURE_REASON;
      try {
        logger.error('tracker: udp request failed', err);
      } catch {
        // A broken logger must not cost the client its reply.
      }
    }
    return encodeUdpError(transactionId, reason, packetLength);
  };

  // dgram reports each client's address as the same text every time; normalizing it (a general
  // IP parser) is worth remembering. Bounded: cleared when full.
  const peers = new Map<string, UdpPeerIp | undefined>();
  const peerOf = (address: string): UdpPeerIp | undefined => {
    if (peers.has(address)) return peers.get(address);
    const peer = normalizeIp(address);
    if (peers.size >= PEER_CACHE_SIZE) peers.clear();
    peers.set(address, peer);
    return peer;
  };

  return async (packet, remote) => {
    const request = parseUdpRequest(packet);
    const peer = request === undefined ? undefined : peerOf(remote.address);
    if (request === undefined || peer === undefined) return undefined;
    if (request.action === 'connect') return encodeUdpConnectReply(request.transactionId, ids.issue(peer.host, now()));
    if (!ids.verify(request.connectionId, peer.host, now())) return undefined;
    try {
      if (request.action === 'announce') {
        const parsed = parseUdpAnnounce(request.packet, peer, announceOptions);
        const reply = await handleAnnounce(store, parsed, {
          interval: tracker.interval, minInterval: tracker.minInterval, now: now(), source: peer.host, swarmCreation: tracker.swarmCreation,
        });
        counters.announces++;
        return encodeUdpAnnounceReply(request.transactionId, reply, peer.family);
      }
      const { infoHashes } = request;
      if (infoHashes.length > tracker.maxScrapeInfoHashes) {
        throw new TrackerError('ERR_TRACKER_TOO_MANY_INFO_HASHES', `at most ${tracker.maxScrapeInfoHashes} info_hash values per scrape`);
      }
      const files = await handleScrape(store, { infoHashes }, now());
      counters.scrapes++;
      return encodeUdpScrapeReply(request.transactionId, files);
    } catch (err) {
      return refuse(request.transactionId, err, packet.length);
    }
  };
}
