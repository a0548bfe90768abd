/**
 * What a {@link MetadataFetcher} is configured with and what it answers: its events come in as
 * method calls, its decisions go out as {@link MetadataActions}.
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @module
 */
import type { ExtensionError } from '../../errors.js';
import type { PeerKey } from '../scheduler/events.js';

/** What to fetch, and the fetch's bounds. */
export interface MetadataFetcherConfig {
  /** The 20-byte info-hash of the magnet link: the SHA-1 the metadata must have. */
  readonly infoHash: Uint8Array;
  /**
   * BEP 52: the 32-byte v2 info-hash of a v2 or hybrid magnet link (`xt=urn:btmh:`). The metadata
   * must then have this SHA-256, and `infoHash` is either its SHA-1 (hybrid) or this hash's first
   * 20 bytes (v2-only).
   */
  readonly infoHashV2?: Uint8Array;
  /** Largest metadata fetched. @default DEFAULT_MAX_METADATA_SIZE (16 MiB) */
  readonly maxMetadataSize?: number;
  /** Requests in flight per peer. @default 2 */
  readonly maxInFlightPerPeer?: number;
  /** A request unanswered this long fails. @default 15000 */
  readonly requestTimeoutMs?: number;
  /** Rejects and timeouts (since its last good piece) after which a peer is not asked again. @default 3 */
  readonly maxFailuresPerPeer?: number;
  /** A peer that failed is asked again after this × its failures. @default 5000 */
  readonly retryDelayMs?: number;
  /** SHA-1 mismatches before the fetch gives up. @default 5 */
  readonly maxHashFailures?: number;
  /** Give up when peers announced a size but none could be asked for this long. @default 60000 */
  readonly giveUpAfterMs?: number;
}

/** Ask `peer` for metadata piece `piece`: send `{ type: 'request', piece }` on its `ut_metadata` id. */
export interface MetadataRequest {
  readonly peer: PeerKey;
  readonly piece: number;
}

/** A peer that misbehaved (sent bad metadata, or a size it had not announced): close it. */
export interface BlamedPeer {
  readonly peer: PeerKey;
  readonly error: ExtensionError;
}

/** What to do after an event. Carry out `dropPeers` and `requests`; `done` and `failed` come once. */
export interface MetadataActions {
  readonly requests: readonly MetadataRequest[];
  readonly dropPeers: readonly BlamedPeer[];
  /** The verified raw info dict: hand it to `parseInfoDict`. */
  readonly done?: Uint8Array;
  /** The fetch gave up: `ERR_EXT_METADATA_UNAVAILABLE`, `_TOO_LARGE` or `_HASH_MISMATCH`. */
  readonly failed?: ExtensionError;
}

/** A snapshot for session state. */
export interface MetadataFetchStatus {
  readonly state: 'waiting' | 'fetching' | 'done' | 'failed';
  readonly metadataSize: number | undefined;
  readonly piecesReceived: number;
  readonly pieceCount: number;
  readonly hashFailures: number;
}
