/**
 * The upload side of BEP 9: answers peers' `ut_metadata` requests from our info dict, one 16 KiB
 * piece at a time, with a per-peer budget so serving metadata cannot be turned into a
 * bandwidth amplifier.
 *
 * While a magnet download still lacks the metadata there is no server: answer every request with
 * `{ type: 'reject', piece }` (BEP 9: "If a peer doesn't have the metadata it should respond with
 * reject").
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @module
 */
import type { PeerKey } from '../scheduler/events.js';
import { checkInteger } from './checks.js';
import { METADATA_PIECE_LENGTH, metadataPieceCount, metadataPieceLength, type MetadataMessage } from './utMetadata.js';

/** The server's budget. */
export interface MetadataServerConfig {
  /** Length of the budget window. @default 60000 */
  readonly intervalMs?: number;
  /**
   * Requests a peer may make per window; the rest are rejected. @default twice the piece count
   * plus 8 (a peer can fetch the whole info dict twice a minute)
   */
  readonly maxRequestsPerInterval?: number;
  /** Most peers tracked; the oldest windows are forgotten beyond it. @default 10000 */
  readonly maxPeers?: number;
}

interface Budget {
  windowStart: number;
  used: number;
}

/**
 * Serves one torrent's metadata.
 *
 * @example
 * ```ts
 * declare const key: PeerKey, msg: MetadataRequest, ext: ExtensionRegistry;
 * declare function send(message: ExtendedMessage): void;
 * const server = new MetadataServer(torrent.infoBytes);
 * // on { type: 'request', piece } from `key`:
 * const reply = server.request(key, msg.piece, now); // a data or reject message
 * const out = ext.message('ut_metadata', encodeMetadataMessage(reply));
 * if (out) send(out);
 * ```
 */
export class MetadataServer {
  /** The info dict's length: announce it as `metadata_size` in our extension handshake. */
  readonly metadataSize: number;
  /** Number of 16 KiB pieces. */
  readonly pieceCount: number;
  readonly #info: Uint8Array;
  readonly #intervalMs: number;
  readonly #maxRequests: number;
  readonly #maxPeers: number;
  readonly #budgets = new Map<PeerKey, Budget>();

  /**
   * @param infoBytes the raw info dict (`torrent.infoBytes`); kept, not copied: do not change it.
   * @param config the budget.
   * @throws {ExtensionError} `ERR_EXT_INVALID_ARGUMENT` for empty metadata or a bound out of range.
   */
  constructor(infoBytes: Uint8Array, config: MetadataServerConfig = {}) {
    this.metadataSize = checkInteger('metadata size', infoBytes.length, 1, 0x7fffffff);
    this.pieceCount = metadataPieceCount(this.metadataSize);
    this.#info = infoBytes;
    this.#intervalMs = checkInteger('intervalMs', config.intervalMs ?? 60_000, 1, 2 ** 31);
    this.#maxRequests = checkInteger('maxRequestsPerInterval', config.maxRequestsPerInterval ?? 2 * this.pieceCount + 8, 1, 2 ** 31);
    this.#maxPeers = checkInteger('maxPeers', config.maxPeers ?? 10_000, 1, 2 ** 31);
  }

  /**
   * Answers one request.
   * @param peer the connection's key.
   * @param piece the requested piece index (any integer the decoder let through).
   * @param now current time (ms).
   * @returns `data` with the piece (its bytes alias the info dict), or `reject` when the index is
   *   out of range or the peer spent its budget for this window.
   */
  request(peer: PeerKey, piece: number, now: number): MetadataMessage {
    const inRange = Number.isInteger(piece) && piece >= 0 && piece < this.pieceCount;
    if (!inRange || !this.#spend(peer, now)) return { type: 'reject', piece };
    const begin = piece * METADATA_PIECE_LENGTH;
    const data = this.#info.subarray(begin, begin + metadataPieceLength(this.metadataSize, piece));
    return { type: 'data', piece, totalSize: this.metadataSize, data };
  }

  /** The connection closed: forget its budget. */
  peerLeft(peer: PeerKey): void {
    this.#budgets.delete(peer);
  }

  /** Counts one request against the peer's window; false when the window's budget is spent. */
  #spend(peer: PeerKey, now: number): boolean {
    let budget = this.#budgets.get(peer);
    if (budget === undefined || now - budget.windowStart >= this.#intervalMs) {
      budget = { windowStart: now, used: 0 };
      this.#budgets.delete(peer);
      this.#budgets.set(peer, budget);
      this.#forgetOldest();
    }
    if (budget.used >= this.#maxRequests) return false;
    budget.used++;
    return true;
  }

  /** Windows are re-inserted when they restart, so the map's first entries are the oldest. */
  #forgetOldest(): void {
    for (const peer of this.#budgets.keys()) {
      if (this.#budgets.size <= this.#maxPeers) return;
      this.#budgets.delete(peer);
    }
  }
}
