/**
 * The connection cap of one client, shared by its dials (`connectPeer`) and its listener
 * (`listenForPeers`): at most `maxPeers` connections in and out together (and `maxPerAddress` with
 * one IP), each remote peer id at most once per torrent. When full, a newcomer takes the place of
 * the connection that has been useless longest (no interest either way, no payload for
 * `evictIdleMs`), so idle squatters cannot lock honest peers out.
 *
 * @module
 */
import { PeerError } from '../../errors.js';
import { toHex } from '../../protocol/bytes.js';
import { isLoopback, normalizeIp } from '../../protocol/peerAddress.js';
import { IdleConnections, type ConnectionProbe } from './idleConnections.js';

/** How long a connection must have been useless before a newcomer may take its place. */
export const DEFAULT_EVICT_IDLE_MS = 120_000;

/** Options of {@link createConnectionLimiter}. */
export interface ConnectionLimiterConfig {
  /** Connections allowed at once, inbound and outbound together, handshaking ones included. @default 50 */
  readonly maxPeers?: number;
  /**
   * Connections with one IP address at once (50 from one host would otherwise lock every honest
   * peer out). Loopback addresses are this machine's own processes and are not counted, unless
   * `limitLoopback`. @default 3
   */
  readonly maxPerAddress?: number;
  /** Count loopback addresses too (a spec reproducing a flood from one address). @default false */
  readonly limitLoopback?: boolean;
  /**
   * When the cap (or an address's cap) is reached, a newcomer takes the place of the connection
   * that has been useless longest (no interest either way, no payload) if it has been so for
   * this long. `Infinity`: never. @default 120000
   */
  readonly evictIdleMs?: number;
  /** The clock of `evictIdleMs`. @default Date.now */
  readonly now?: () => number;
}

/** One place under the cap, held from the dial (or accept) until the connection closes. */
export interface ConnectionSlot {
  /**
   * Records which peer this slot turned out to be, after its handshake.
   * @param infoHash - the torrent
   * @param peerId - the remote peer id
   * @returns false when that peer id is already connected for that torrent (drop this one)
   */
  claim(infoHash: Uint8Array, peerId: Uint8Array): boolean;
  /** Frees the place and the peer id. Idempotent. */
  release(): void;
  /** Makes the established connection a candidate for eviction while the slot is held. */
  watch(probe: ConnectionProbe): void;
}

/**
 * Counts a client's connections. Create one per client and pass it to every `connectPeer` and to
 * `listenForPeers`.
 *
 * @example
 * ```ts
 * declare const host: string, address: PeerAddress, bitfield: () => Bitfield;
 * declare function lookup(infoHash: Uint8Array): TorrentPeerOptions | undefined;
 * const limiter = createConnectionLimiter({ maxPeers: 50 });
 * listenForPeers({ host, port, limiter, lookup });
 * connectPeer(address, { infoHash, peerId, bitfield, limiter });
 * ```
 */
export class ConnectionLimiter {
  /** The cap. */
  readonly maxPeers: number;
  /** The cap per IP address. */
  readonly maxPerAddress: number;
  readonly #limitLoopback: boolean;
  readonly #perHost = new Map<string, number>();
  #open = 0;
  readonly #peers = new Set<string>();
  readonly #idle: IdleConnections;

  /**
   * @param config - the cap
   * @throws {PeerError} `ERR_PEER_INVALID_ARGUMENT` unless `maxPeers` is a non-negative integer (or Infinity)
   */
  constructor(config: ConnectionLimiterConfig = {}) {
    const maxPeers = config.maxPeers ?? 50;
    if (!(maxPeers === Infinity || (Number.isInteger(maxPeers) && maxPeers >= 0))) {
      throw new PeerError('ERR_PEER_INVALID_ARGUMENT', `maxPeers must be a non-negative integer, not ${maxPeers}`);
    }
    this.maxPeers = maxPeers;
    const maxPerAddress = config.maxPerAddress ?? 3;
    if (!(maxPerAddress === Infinity || (Number.isInteger(maxPerAddress) && maxPerAddress >= 1))) {
      throw new PeerError('ERR_PEER_INVALID_ARGUMENT', `maxPerAddress must be a positive integer, not ${maxPerAddress}`);
    }
    this.maxPerAddress = maxPerAddress;
    this.#limitLoopback = config.limitLoopback === true;
    const evictIdleMs = config.evictIdleMs ?? DEFAULT_EVICT_IDLE_MS;
    if (!(evictIdleMs === Infinity || (Number.isFinite(evictIdleMs) && evictIdleMs >= 0))) {
      throw new PeerError('ERR_PEER_INVALID_ARGUMENT', `evictIdleMs must be a non-negative number, not ${evictIdleMs}`);
    }
    this.#idle = new IdleConnections(evictIdleMs, config.now ?? Date.now);
  }

  /** Why a connection with `host` cannot be had now, or undefined when it can. */
  refusal(host?: string): PeerError | undefined {
    if (this.#open >= this.maxPeers) return new PeerError('ERR_PEER_OVER_CAP', `at the cap of ${this.maxPeers} connections`);
    const key = this.#hostKey(host);
    if (key !== undefined && (this.#perHost.get(key) ?? 0) >= this.maxPerAddress) {
      return new PeerError('ERR_PEER_OVER_ADDRESS_CAP', `at the cap of ${this.maxPerAddress} connections with ${key}`);
    }
    return undefined;
  }

  /** Connections counted now (dialling, handshaking and open). */
  get size(): number {
    return this.#open;
  }

  /** Places left under the cap. */
  get available(): number {
    return this.maxPeers - this.#open;
  }

  /**
   * Takes a place under the cap (and under the cap of `host`, when given).
   * @returns the slot, or undefined when a cap is reached ({@link ConnectionLimiter.admit} says which)
   */
  acquire(host?: string): ConnectionSlot | undefined {
    const admitted = this.admit(host);
    return admitted instanceof PeerError ? undefined : admitted;
  }

  /**
   * {@link ConnectionLimiter.acquire}, or why not: the one check dials and accepts go through.
   * @returns the slot, or the `ERR_PEER_OVER_CAP` / `ERR_PEER_OVER_ADDRESS_CAP` error
   */
  admit(host?: string): ConnectionSlot | PeerError {
    let refused = this.refusal(host);
    // Full: the connection useless longest makes room (one of this address's, when its cap is the one reached).
    const address = refused?.code === 'ERR_PEER_OVER_ADDRESS_CAP' ? this.#hostKey(host) : undefined;
    if (refused !== undefined && this.#idle.evictOne(address)) refused = this.refusal(host);
    if (refused !== undefined) return refused;
    this.#open++;
    const hostKey = this.#hostKey(host);
    if (hostKey !== undefined) this.#perHost.set(hostKey, (this.#perHost.get(hostKey) ?? 0) + 1);
    let key: string | undefined;
    let released = false;
    const slot: ConnectionSlot = {
      watch: (probe) => {
        if (!released) this.#idle.watch(slot, probe, hostKey);
      },
      claim: (infoHash, peerId) => {
        if (released) return false;
        const wanted = `${toHex(infoHash)}:${toHex(peerId)}`;
        if (wanted === key) return true;
        if (this.#peers.has(wanted)) return false;
        if (key !== undefined) this.#peers.delete(key);
        key = wanted;
        this.#peers.add(key);
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#idle.stop(slot);
        this.#open--;
        if (hostKey !== undefined) {
          const left = (this.#perHost.get(hostKey) ?? 1) - 1;
          if (left === 0) this.#perHost.delete(hostKey);
          else this.#perHost.set(hostKey, left);
        }
        if (key !== undefined) this.#peers.delete(key);
      },
    };
    return slot;
  }

  /**
   * @param infoHash - the torrent
   * @param peerId - a remote peer id
   * @returns whether that peer is connected for that torrent
   */
  has(infoHash: Uint8Array, peerId: Uint8Array): boolean {
    return this.#peers.has(`${toHex(infoHash)}:${toHex(peerId)}`);
  }

  /** The per-address key of `host` (its canonical IP), or undefined when it is not counted. */
  #hostKey(host: string | undefined): string | undefined {
    if (host === undefined || this.maxPerAddress === Infinity) return undefined;
    const ip = normalizeIp(host)?.host ?? host.toLowerCase();
    return !this.#limitLoopback && isLoopback(ip) ? undefined : ip;
  }
}

/**
 * Creates the connection cap of one client.
 *
 * @param config - `maxPeers` (default 50)
 * @returns a limiter to share between `connectPeer` and `listenForPeers`
 * @throws {PeerError} `ERR_PEER_INVALID_ARGUMENT` for a bad cap
 * @example `const limiter = createConnectionLimiter({ maxPeers: 30 });`
 */
export function createConnectionLimiter(config: ConnectionLimiterConfig = {}): ConnectionLimiter {
  return new ConnectionLimiter(config);
}
