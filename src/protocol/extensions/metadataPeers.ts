/**
 * The peers a {@link MetadataFetcher} may ask for metadata pieces: the size each announced, what
 * each was asked and when, its failures and back-off, and which peers are banned (internal).
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @module
 */
import type { PeerKey } from '../scheduler/events.js';

/** Most banned keys remembered; the oldest are forgotten beyond it (keys are per connection). */
const MAX_BANNED = 10_000;

/** One peer, as the fetcher sees it. */
export interface MetadataPeer {
  readonly key: PeerKey;
  /** Join order: the tie-break, so plans are deterministic. */
  readonly order: number;
  /** The `metadata_size` it announced; undefined when it announced none (it lacks the metadata). */
  size: number | undefined;
  /** Pieces asked of it → when (ms). */
  readonly inFlight: Map<number, number>;
  /** Rejects and timeouts since its last good piece. */
  failures: number;
  /** Not asked again before this time (ms). */
  retryAt: number;
}

/** Limits the roster applies. */
export interface MetadataPeersLimits {
  readonly maxMetadataSize: number;
  readonly maxFailuresPerPeer: number;
  readonly maxInFlightPerPeer: number;
}

/**
 * The roster. Invariant: a piece is in at most one peer's `inFlight`, mirrored by `assigned`.
 *
 * @example
 * ```ts
 * const peers = new MetadataPeers({ maxMetadataSize: 1 << 24, maxFailuresPerPeer: 3, maxInFlightPerPeer: 2 });
 * peers.join('a', 40_000);
 * const size = peers.vote(); // 40000
 * ```
 */
export class MetadataPeers {
  readonly #peers = new Map<PeerKey, MetadataPeer>();
  readonly #assigned = new Map<number, PeerKey>();
  readonly #banned = new Set<PeerKey>();
  #order = 0;

  /** @param limits size cap, failure and pipeline bounds. */
  constructor(private readonly limits: MetadataPeersLimits) {}

  /** Requests in flight allowed per peer. */
  get maxInFlightPerPeer(): number {
    return this.limits.maxInFlightPerPeer;
  }

  /** Every peer, in join order. */
  values(): IterableIterator<MetadataPeer> {
    return this.#peers.values();
  }

  /** @returns the peer, unless absent. */
  get(key: PeerKey): MetadataPeer | undefined {
    return this.#peers.get(key);
  }

  /** @returns whether the peer was banned. */
  isBanned(key: PeerKey): boolean {
    return this.#banned.has(key);
  }

  /**
   * Adds a peer or updates the size it announces (a later handshake may add `metadata_size`).
   * @returns the peer, or undefined when it is banned.
   */
  join(key: PeerKey, size: number | undefined): MetadataPeer | undefined {
    if (this.#banned.has(key)) return undefined;
    let peer = this.#peers.get(key);
    if (peer === undefined) {
      peer = { key, order: this.#order++, size, inFlight: new Map(), failures: 0, retryAt: 0 };
      this.#peers.set(key, peer);
    } else if (peer.size !== size) {
      this.releaseAll(key);
      peer.size = size;
    }
    return peer;
  }

  /** Forgets a peer; its pieces in flight return to the pool. */
  leave(key: PeerKey): void {
    this.releaseAll(key);
    this.#peers.delete(key);
  }

  /** Forgets a peer and never takes it back. */
  ban(key: PeerKey): void {
    this.leave(key);
    this.#banned.add(key);
    for (const old of this.#banned) {
      if (this.#banned.size <= MAX_BANNED) break;
      this.#banned.delete(old);
    }
  }

  /** @returns whether someone was asked for `piece` and has not answered. */
  isAssigned(piece: number): boolean {
    return this.#assigned.has(piece);
  }

  /** @returns whether any request is in flight. */
  get anyInFlight(): boolean {
    return this.#assigned.size > 0;
  }

  /** Records that `peer` was asked for `piece` at `now`. */
  ask(peer: MetadataPeer, piece: number, now: number): void {
    peer.inFlight.set(piece, now);
    this.#assigned.set(piece, peer.key);
  }

  /** Returns one piece of a peer to the pool (answered, rejected or timed out). */
  release(peer: MetadataPeer, piece: number): void {
    peer.inFlight.delete(piece);
    if (this.#assigned.get(piece) === peer.key) this.#assigned.delete(piece);
  }

  /** Returns every piece of a peer to the pool. */
  releaseAll(key: PeerKey): void {
    const peer = this.#peers.get(key);
    if (peer !== undefined) for (const piece of [...peer.inFlight.keys()]) this.release(peer, piece);
  }

  /** A reject or timeout: the peer backs off `delayMs × failures`, and is spent after too many. */
  failed(peer: MetadataPeer, now: number, delayMs: number): void {
    peer.failures++;
    peer.retryAt = now + delayMs * peer.failures;
  }

  /** @returns whether `peer` may be asked for metadata of `size`, now or after its back-off. */
  usable(peer: MetadataPeer, size: number | undefined): boolean {
    return size !== undefined && peer.size === size && peer.failures < this.limits.maxFailuresPerPeer;
  }

  /** @returns whether any peer is {@link usable} for `size`. */
  anyUsable(size: number | undefined): boolean {
    for (const peer of this.#peers.values()) if (this.usable(peer, size)) return true;
    return false;
  }

  /**
   * The peer to ask next for metadata of `size`: usable, out of back-off, with room in its
   * pipeline; fewest requests in flight first (spreads pieces over peers), then fewest failures,
   * then join order.
   */
  pick(size: number, now: number): MetadataPeer | undefined {
    let best: MetadataPeer | undefined;
    for (const peer of this.#peers.values()) {
      if (!this.usable(peer, size) || peer.retryAt > now || peer.inFlight.size >= this.limits.maxInFlightPerPeer) continue;
      if (
        best === undefined ||
        peer.inFlight.size < best.inFlight.size ||
        (peer.inFlight.size === best.inFlight.size && peer.failures < best.failures)
      ) {
        best = peer;
      }
    }
    return best;
  }

  /**
   * The metadata size to fetch: the one most peers that can still be asked announced (sizes over
   * the cap never count), the earliest announced on a tie. A peer announcing another size is not
   * asked for data.
   */
  vote(): number | undefined {
    const votes = new Map<number, number>();
    for (const peer of this.#peers.values()) {
      const { size } = peer;
      if (size === undefined || size > this.limits.maxMetadataSize || peer.failures >= this.limits.maxFailuresPerPeer) continue;
      votes.set(size, (votes.get(size) ?? 0) + 1);
    }
    let winner: number | undefined;
    let most = 0;
    for (const [size, count] of votes) if (count > most) [winner, most] = [size, count];
    return winner;
  }

  /** @returns whether some peer announced a size, and every announced size is over the cap. */
  onlyOversized(): boolean {
    let any = false;
    for (const { size } of this.#peers.values()) {
      if (size === undefined) continue;
      if (size <= this.limits.maxMetadataSize) return false;
      any = true;
    }
    return any;
  }

  /** @returns whether some peer announced a size. */
  anyAnnounced(): boolean {
    for (const { size } of this.#peers.values()) if (size !== undefined) return true;
    return false;
  }
}
