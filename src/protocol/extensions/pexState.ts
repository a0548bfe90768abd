/**
 * Peer exchange on one connection (BEP 11), as a pure state machine: what this peer has been told
 * so far, so each message carries only the difference, and when it may next be told something.
 *
 * ```
 * connected:  {a,b}        {a,b,c}           {b,c}
 * update:     t=0 ▶ +a +b   t=30s ▶ (nothing)  t=60s ▶ +c -a
 * ```
 *
 * Private torrents (BEP 27) never exchange peers: a state made with `private: true` sends nothing
 * and accepts nothing, so the session can create one per connection unconditionally.
 *
 * @see https://www.bittorrent.org/beps/bep_0011.html
 * @see https://www.bittorrent.org/beps/bep_0027.html
 * @module
 */
import { formatPeerAddress, type PeerAddress } from '../peerAddress.js';
import { checkInteger } from './checks.js';
import { MAX_PEX_PEERS_SENT, isPexAddress, type PexMessage, type PexPeer } from './utPex.js';

/** One connection's PEX settings. */
export interface PexStateConfig {
  /** The torrent is private (BEP 27): no PEX at all. @default false */
  readonly private?: boolean;
  /** Least time between two messages we send. @default 60000 */
  readonly intervalMs?: number;
  /** Least time between two messages we accept; earlier ones are ignored (BEP 11 asks for one a minute; allow some slack). @default 45000 */
  readonly minReceiveIntervalMs?: number;
  /** Most added peers per message, ≤ 50. @default 50 */
  readonly maxAdded?: number;
  /** Most dropped peers per message, ≤ 50. @default 50 */
  readonly maxDropped?: number;
  /** The listen address of the peer on this connection: it is never told about itself. */
  readonly remote?: PeerAddress;
}

/**
 * What one peer has been told about the swarm.
 *
 * @example
 * ```ts
 * declare const conn: PeerConnection, connectedPeers: readonly PexPeer[], ext: ExtensionRegistry, planner: DialPlanner;
 * declare function listenAddressOf(conn: PeerConnection): PeerAddress;
 * declare function send(message: ExtendedMessage): void;
 * const pex = new PexState({ private: torrent.private, remote: listenAddressOf(conn) });
 * // every few seconds, with the session's connected peers (their LISTEN addresses):
 * const msg = pex.update(connectedPeers, now);
 * const out = msg && ext.message('ut_pex', encodePexMessage(msg));
 * if (out) send(out);
 * // on a ut_pex message from this peer:
 * const heard = pex.receive(decodePexMessage(payload), now);
 * if (heard) planner.add(heard.added.map((p) => p.address), now);
 * ```
 */
export class PexState {
  /** False for a private torrent: {@link update} and {@link receive} always return undefined. */
  readonly enabled: boolean;
  readonly #intervalMs: number;
  readonly #minReceiveIntervalMs: number;
  readonly #maxAdded: number;
  readonly #maxDropped: number;
  readonly #remote: string | undefined;
  /** Peers this connection was told about and not yet told are gone, in the order told. */
  readonly #told = new Map<string, PeerAddress>();
  #lastSentAt: number | undefined;
  #lastReceivedAt: number | undefined;

  /**
   * @param config privacy, pacing and caps.
   * @throws {ExtensionError} `ERR_EXT_INVALID_ARGUMENT` for a cap or interval out of range.
   */
  constructor(config: PexStateConfig = {}) {
    this.enabled = config.private !== true;
    this.#intervalMs = checkInteger('intervalMs', config.intervalMs ?? 60_000, 0, 2 ** 31);
    this.#minReceiveIntervalMs = checkInteger('minReceiveIntervalMs', config.minReceiveIntervalMs ?? 45_000, 0, 2 ** 31);
    this.#maxAdded = checkInteger('maxAdded', config.maxAdded ?? MAX_PEX_PEERS_SENT, 1, MAX_PEX_PEERS_SENT);
    this.#maxDropped = checkInteger('maxDropped', config.maxDropped ?? MAX_PEX_PEERS_SENT, 1, MAX_PEX_PEERS_SENT);
    this.#remote = config.remote === undefined ? undefined : formatPeerAddress(config.remote);
  }

  /**
   * The next message for this peer, if one is due and there is news. Call it as often as you like
   * (on every connect and disconnect, or on a timer): it answers at most once per interval, and
   * only when something changed, so an unchanged swarm costs no traffic.
   * @param connected the torrent's connected peers NOW, by listen address (hosts that are not IP
   *   literals are skipped) with their {@link PexFlags}; duplicates count once.
   * @param now current time (ms).
   * @returns up to 50 added and 50 dropped peers (the rest wait for the next message), or
   *   undefined when not due, nothing changed, or the torrent is private.
   */
  update(connected: Iterable<PexPeer>, now: number): PexMessage | undefined {
    if (!this.enabled) return undefined;
    if (this.#lastSentAt !== undefined && now - this.#lastSentAt < this.#intervalMs) return undefined;
    const current = new Map<string, PexPeer>();
    for (const peer of connected) {
      const key = formatPeerAddress(peer.address);
      if (key !== this.#remote && !current.has(key) && isPexAddress(peer.address)) current.set(key, peer);
    }
    const added: PexPeer[] = [];
    for (const [key, peer] of current) {
      if (added.length >= this.#maxAdded) break;
      if (!this.#told.has(key)) added.push(peer);
    }
    const dropped: PeerAddress[] = [];
    for (const [key, address] of this.#told) {
      if (dropped.length >= this.#maxDropped) break;
      if (!current.has(key)) dropped.push(address);
    }
    if (added.length === 0 && dropped.length === 0) return undefined;
    for (const peer of added) this.#told.set(formatPeerAddress(peer.address), peer.address);
    for (const address of dropped) this.#told.delete(formatPeerAddress(address));
    this.#lastSentAt = now;
    return { added, dropped };
  }

  /**
   * Paces a message this peer sent us.
   * @param message the decoded `ut_pex` message.
   * @param now current time (ms).
   * @returns the message, or undefined when the torrent is private or the peer sent one too
   *   recently (ignored rather than punished: clients send "just under a minute").
   */
  receive(message: PexMessage, now: number): PexMessage | undefined {
    if (!this.enabled) return undefined;
    if (this.#lastReceivedAt !== undefined && now - this.#lastReceivedAt < this.#minReceiveIntervalMs) return undefined;
    this.#lastReceivedAt = now;
    return message;
  }
}
