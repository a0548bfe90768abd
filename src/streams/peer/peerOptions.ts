/**
 * Options shared by `connectPeer` and `listenForPeers`: what a torrent puts into each of its
 * connections, and the connection timeouts.
 *
 * @module
 */
import type { SchedulerLike } from 'rxjs';
import { PeerError } from '../../errors.js';
import { DEFAULT_IDLE_MS, DEFAULT_KEEP_ALIVE_MS } from '../../operators/keepAlive.js';
import type { Bitfield } from '../../protocol/bitfield.js';
import type { ExtendedHandshake, WireLimits } from '../../protocol/wire/index.js';
import { VERSION } from '../../version.js';

/** Connection timeouts, each in milliseconds. */
export interface PeerTimeouts {
  /** From dialling to the TCP connection. @default 10000 */
  readonly connectMs?: number;
  /** From the TCP connection to the peer's complete handshake. @default 10000 */
  readonly handshakeMs?: number;
  /** Our silence after which we send a keep-alive (libtorrent drops peers silent for 120 s). @default 75000 */
  readonly keepAliveMs?: number;
  /** The peer's silence after which we drop it with `ERR_PEER_TIMEOUT`. @default 180000 */
  readonly idleMs?: number;
}

/** {@link PeerTimeouts} with every value set. */
export type ResolvedPeerTimeouts = Required<PeerTimeouts>;

/** What one torrent puts into each of its connections. */
export interface TorrentPeerOptions {
  /** Our 20-byte peer id for this torrent. */
  readonly peerId: Uint8Array;
  /** Our pieces, read once per connection right after the handshake. */
  readonly bitfield: () => Bitfield;
  /** Caps and geometry the peer's messages are checked against (`pieceCount` at least). @default {} */
  readonly limits?: WireLimits;
  /**
   * Our BEP 10 extension handshake: `extensions` (`m`), `client` (`v`), `requestQueueSize`
   * (`reqq`), `metadataSize` (`metadata_size`), `port` (`p`).
   * @default { extensions: {}, client: 'rxtorrent <version>' }
   */
  readonly extendedHandshake?: ExtendedHandshake;
  /**
   * Extensions we announce in our handshake; `dht` (BEP 5) only with a DHT running, `v2` (BEP
   * 52) only for a v2 or hybrid torrent whose hash requests we answer.
   * @default { extended: true, fast: true, dht: false, v2: false }
   */
  readonly extensions?: { readonly extended?: boolean; readonly fast?: boolean; readonly dht?: boolean; readonly v2?: boolean };
  /** Our DHT's UDP port, sent in a PORT message to peers that set the DHT bit (read per connection). */
  readonly dhtPort?: () => number | undefined;
}

/** The extension handshake sent when none is configured. */
export const DEFAULT_EXTENDED_HANDSHAKE: ExtendedHandshake = Object.freeze({
  extensions: Object.freeze({}),
  client: `rxtorrent ${VERSION}`,
});

/**
 * Fills in default timeouts.
 * @param timeouts - user values
 * @returns every timeout set
 * @throws {PeerError} `ERR_PEER_INVALID_ARGUMENT` for a timeout that is not positive
 * @example
 * ```ts
 * const timeouts = resolvePeerTimeouts({ connectMs: 5_000 }); // the rest at their defaults
 * ```
 */
export function resolvePeerTimeouts(timeouts: PeerTimeouts = {}): ResolvedPeerTimeouts {
  const resolved = {
    connectMs: timeouts.connectMs ?? 10_000,
    handshakeMs: timeouts.handshakeMs ?? 10_000,
    keepAliveMs: timeouts.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    idleMs: timeouts.idleMs ?? DEFAULT_IDLE_MS,
  };
  for (const [name, ms] of Object.entries(resolved)) {
    if (!(ms > 0)) throw new PeerError('ERR_PEER_INVALID_ARGUMENT', `timeouts.${name} must be positive, not ${ms}`);
  }
  return resolved;
}

/** Shared by both directions: timers and the client's connection cap. */
export interface PeerConnectionContext {
  /** @default the defaults of {@link PeerTimeouts} */
  readonly timeouts?: PeerTimeouts;
  /** Clock and timers of every timeout and keep-alive. @default asyncScheduler */
  readonly scheduler?: SchedulerLike;
}
