/**
 * What each connection of a session is opened with, read at each handshake: our pieces, the caps
 * the peer's messages are checked against, and our BEP 10 extension handshake. A magnet link's
 * session opens connections before it knows the torrent; what they are opened with follows what
 * the session knows at the time.
 *
 * @module
 */
import { Bitfield } from '../../protocol/bitfield.js';
import { offeredExtensions } from '../../protocol/extensions/index.js';
import { pieceSize, type Torrent } from '../../protocol/metainfo/index.js';
import { MAX_REQUEST_LENGTH_LIMIT, type ExtendedHandshake, type WireLimits } from '../../protocol/wire/index.js';
import { VERSION } from '../../version.js';
import type { TorrentPeerOptions } from '../peer/index.js';

/** Requests a peer may queue with us (BEP 10 `reqq`). */
const REQUEST_QUEUE_SIZE = 500;

/** What the options read when a connection opens. */
export interface PeerOptionsSource {
  readonly peerId: Uint8Array;
  /** The torrent, once known. */
  torrent(): Torrent | undefined;
  /** Our pieces, once the recheck is done. */
  have(): Bitfield | undefined;
  /** The port we listen on, once known. */
  listenPort(): number | undefined;
  /** With a DHT: its UDP port, once bound. */
  dhtPort?(): number | undefined;
  /**
   * True for a v2-only torrent or magnet: the BEP 52 bit goes into our handshakes (we answer and
   * ask hash requests). @default false
   */
  readonly v2?: boolean;
}

/**
 * The caps of a torrent's connections. Requests up to the protocol's limit are decoded, so
 * larger-than-served ones are refused, not fatal.
 *
 * @example
 * ```ts
 * declare const connection: PeerConnection;
 * connection.setLimits(limitsOf(torrent));
 * ```
 */
export function limitsOf(torrent: Pick<Torrent, 'pieceCount' | 'pieceLength' | 'length'>): WireLimits {
  // Blocks and requests are checked against each piece's real length (the last one is shorter):
  // a block at `begin = piece length` would otherwise alias the next piece's first block.
  return { pieceCount: torrent.pieceCount, maxRequestLength: MAX_REQUEST_LENGTH_LIMIT, pieceLength: (index) => pieceSize(torrent, index) };
}

/**
 * Our extension handshake: ut_metadata only while the torrent is unknown; then BEP 9 metadata
 * and BEP 11 PEX (no PEX for a private torrent), the metadata size and a request queue of 500;
 * our listen port once known.
 *
 * @example
 * ```ts
 * encodeExtendedHandshake(extendedHandshakeOf(torrent, 6881));
 * ```
 */
export function extendedHandshakeOf(torrent: Torrent | undefined, listenPort: number | undefined): ExtendedHandshake {
  const base: ExtendedHandshake = torrent === undefined
    ? { extensions: offeredExtensions({ private: true }), client: `rxtorrent ${VERSION}` }
    : { extensions: offeredExtensions({ private: torrent.private }), client: `rxtorrent ${VERSION}`, metadataSize: torrent.infoBytes.length, requestQueueSize: REQUEST_QUEUE_SIZE };
  return listenPort === undefined ? base : { ...base, port: listenPort };
}

/**
 * The options of a session's connections, each field read when a connection opens.
 *
 * @example
 * ```ts
 * declare const book: ProgressBook | undefined, swarm: SwarmPort, address: PeerAddress;
 * const options = sessionPeerOptions({ peerId, torrent: () => torrent, have: () => book?.have, listenPort: () => 6881 });
 * swarm.dial(address, infoHash, options);
 * ```
 */
export function sessionPeerOptions(source: PeerOptionsSource): TorrentPeerOptions {
  return {
    peerId: source.peerId,
    bitfield: () => source.have() ?? new Bitfield(source.torrent()?.pieceCount ?? 0),
    get limits() {
      const torrent = source.torrent();
      return torrent === undefined ? undefined : limitsOf(torrent);
    },
    get extendedHandshake() {
      return extendedHandshakeOf(source.torrent(), source.listenPort());
    },
    // The DHT bit with a DHT, and the PORT message once it is bound; never for a private torrent (BEP 27).
    get extensions() {
      return { dht: source.dhtPort !== undefined && source.torrent()?.private !== true, v2: source.v2 === true };
    },
    dhtPort: () => dhtPortOf(source),
  };
}

const dhtPortOf = (source: PeerOptionsSource): number | undefined => (source.torrent()?.private === true ? undefined : source.dhtPort?.());
