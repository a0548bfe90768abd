/**
 * `rxtorrent/tracker`: the tracker client (`announce`, `announceEvery`; HTTP and UDP), the HTTP
 * and UDP (BEP 15) tracker servers, their swarm stores (memory, Redis), and the tracker wire
 * formats both sides share.
 *
 * @module
 */

// Server (src/tracker/server)
export { createTrackerApp } from './server/createTrackerApp.js';
export type { TrackerComponents, TrackerConfig, TrackerLogger } from './server/trackerConfig.js';
export { handleAnnounce } from './server/handleAnnounce.js';
export type { AnnounceSettings } from './server/handleAnnounce.js';
export { handleScrape } from './server/handleScrape.js';
export { clientFailureReason, INTERNAL_FAILURE_REASON } from './server/failureReason.js';
export { createCounters } from './server/stats.js';
export { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_HTTP_CONNECTIONS, limitConnections } from './server/limitConnections.js';
export type { ConnectionLimit, ConnectionLimitConfig } from './server/limitConnections.js';
export {
  DEFAULT_MAX_SOURCES, DEFAULT_NEW_SWARM_BURST, DEFAULT_NEW_SWARMS_PER_SECOND, SwarmCreationLimit, sourceKeyOf,
} from './server/swarmCreationLimit.js';
export type { SwarmCreationConfig } from './server/swarmCreationLimit.js';
export type { TrackerCounters, TrackerStats } from './server/stats.js';

// UDP tracker server, BEP 15 (src/tracker/server/udp*)
export { createUdpTrackerHandler } from './server/udpHandler.js';
export type { UdpRemote, UdpTrackerComponents, UdpTrackerHandler } from './server/udpHandler.js';
export { DEFAULT_UDP_MAX_IN_FLIGHT, listenUdpTracker } from './server/udpServer.js';
export type { UdpListenOptions, UdpTrackerServer } from './server/udpServer.js';

// Client (src/tracker/client)
export { announce, DEFAULT_ANNOUNCE_TIMEOUT_MS } from './client/announce.js';
export type { AnnounceConfig, AnnounceFunction } from './client/announce.js';
export { announceEvery } from './client/announceEvery.js';
export type { AnnounceEveryComponents, AnnounceEveryConfig, TransferStats } from './client/announceEveryConfig.js';
export { httpTransport } from './client/httpTransport.js';
export type { AnnounceTransport, TransportOptions } from './client/httpTransport.js';
export { createUdpTransport, udpRetransmitDelayMs, udpTransport, UDP_MAX_RETRANSMIT_EXPONENT, UDP_RETRANSMIT_BASE_MS } from './client/udpTransport.js';
export type { UdpTransportComponents } from './client/udpTransport.js';
export { openUdpChannel } from './client/udpChannel.js';
export type { OpenUdpChannel, UdpChannel, UdpChannelHandlers, UdpChannelOptions } from './client/udpChannel.js';
export { UdpConnectionCache, UDP_CONNECTION_ID_REUSE_MS } from './client/udpConnectionCache.js';
export { selectPeers } from './client/trackerEvents.js';
export type {
  TrackerErrorStatus,
  TrackerEvent,
  TrackerOkStatus,
  TrackerPeersEvent,
  TrackerStatus,
} from './client/trackerEvents.js';

// Swarm stores (src/tracker/store)
export { memoryStore } from './store/memoryStore.js';
export type { MemoryStoreConfig } from './store/memoryStore.js';
export { DEFAULT_REDIS_PREFIX, redisStore } from './store/redisStore.js';
export type { RedisStoreConfig, RedisSwarmStore } from './store/redisStore.js';
export {
  DEFAULT_INTERVAL_SECONDS,
  DEFAULT_MAX_PEERS,
  DEFAULT_MAX_PEERS_PER_SWARM,
  DEFAULT_MAX_SWARMS,
  DEFAULT_PEER_TTL_MS,
  PEER_TTL_SLACK_MS,
  peerTtlMsFor,
  resolveStoreLimits,
} from './store/swarmStore.js';
export type {
  AnnounceOutcome,
  PeerAnnounce,
  StoreLimits,
  StoreStats,
  SwarmCounts,
  SwarmStore,
  SwarmStoreConfig,
} from './store/swarmStore.js';

// Tracker wire formats (src/protocol/tracker), shared by server and client
export { parseAnnounceQuery, DEFAULT_MAX_NUMWANT, DEFAULT_NUMWANT } from '../protocol/tracker/announceRequest.js';
export type {
  AnnounceEvent,
  AnnounceQueryOptions,
  AnnounceRequest,
  RemoteAddress,
} from '../protocol/tracker/announceRequest.js';
export { parseScrapeQuery } from '../protocol/tracker/scrapeRequest.js';
export type { ScrapeQueryOptions, ScrapeRequest } from '../protocol/tracker/scrapeRequest.js';
export { parseQueryString, DEFAULT_MAX_QUERY_LENGTH, DEFAULT_MAX_SCRAPE_INFO_HASHES } from '../protocol/tracker/query.js';
export type { QueryLimits, QueryParams } from '../protocol/tracker/query.js';
export { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from '../protocol/tracker/reply.js';
export type { AnnounceReply, PeerListFormat, ReplyPeer, ScrapeFile } from '../protocol/tracker/reply.js';
export {
  COMPACT_IPV4_PEER_LENGTH,
  COMPACT_IPV6_PEER_LENGTH,
  decodeCompactPeers,
  encodeCompactPeerLists,
  encodeCompactPeers,
  splitByFamily,
} from '../protocol/tracker/compactPeers.js';
export { announceUrl, encodeAnnounceQuery, percentEncodeBytes } from '../protocol/tracker/announceQuery.js';
export type { AnnounceParams } from '../protocol/tracker/announceQuery.js';
export {
  DEFAULT_MAX_ANNOUNCE_RESPONSE_BYTES,
  MAX_TRACKER_MESSAGE_LENGTH,
  parseAnnounceResponse,
} from '../protocol/tracker/announceResponse.js';
export type { AnnounceResponse, AnnounceResponseLimits, TrackerPeer } from '../protocol/tracker/announceResponse.js';
export { TrackerTiers } from '../protocol/tracker/trackerTiers.js';
export {
  parseUdpAnnounce,
  parseUdpRequest,
  UDP_ACTION,
  UDP_ANNOUNCE_LENGTH,
  UDP_CONNECT_LENGTH,
  UDP_EVENTS,
  UDP_MAX_SCRAPE_INFO_HASHES,
  UDP_PROTOCOL_ID,
} from '../protocol/tracker/udpRequest.js';
export { encodeUdpAnnounce, encodeUdpConnect, udpKeyOf } from '../protocol/tracker/udpClientPackets.js';
export type { UdpAnnounceOptions, UdpPeerIp, UdpRequest } from '../protocol/tracker/udpRequest.js';
export {
  encodeUdpAnnounceReply,
  encodeUdpConnectReply,
  encodeUdpError,
  encodeUdpScrapeReply,
  parseUdpReply,
  udpTransactionIdOf,
} from '../protocol/tracker/udpReply.js';
export type { UdpReply } from '../protocol/tracker/udpReply.js';
export {
  MIN_UDP_SECRET_BYTES,
  UDP_CONNECTION_ID_SKEW_MS,
  UDP_CONNECTION_ID_TTL_MS,
  UdpConnectionIds,
} from '../protocol/tracker/udpConnectionId.js';
export { formatPeerAddress, parsePeerAddress } from '../protocol/peerAddress.js';
export type { IpFamily, PeerAddress } from '../protocol/peerAddress.js';
