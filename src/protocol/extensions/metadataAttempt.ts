/**
 * One attempt at assembling the info dict from `ut_metadata` pieces, remembering which peer sent
 * each piece so a failed SHA-1 can be traced back (internal to {@link MetadataFetcher}).
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @module
 */
import { equalBytes } from '../bytes.js';
import type { PeerKey } from '../scheduler/events.js';
import { METADATA_PIECE_LENGTH, metadataPieceCount, metadataPieceLength } from './utMetadata.js';

/**
 * The pieces of one metadata download. Memory: one buffer of `size` bytes, allocated on the first
 * piece, plus one source per piece.
 *
 * @example
 * ```ts
 * declare const data: Uint8Array;
 * declare function verify(bytes: Uint8Array): void;
 * const attempt = new MetadataAttempt(40_000);
 * attempt.accept(0, data, 'peer-a');
 * if (attempt.complete) verify(attempt.bytes());
 * ```
 */
export class MetadataAttempt {
  /** Number of 16 KiB pieces. */
  readonly pieceCount: number;
  readonly #sources: (PeerKey | undefined)[];
  #buffer: Uint8Array | undefined;
  #received = 0;

  /** @param size the metadata size this attempt assembles (checked by the caller). */
  constructor(readonly size: number) {
    this.pieceCount = metadataPieceCount(size);
    this.#sources = new Array<PeerKey | undefined>(this.pieceCount).fill(undefined);
  }

  /** Pieces received so far. */
  get received(): number {
    return this.#received;
  }

  /** True when every piece is in. */
  get complete(): boolean {
    return this.#received === this.pieceCount;
  }

  /** The distinct peers that sent pieces of this attempt. */
  get contributors(): Set<PeerKey> {
    const peers = new Set<PeerKey>();
    for (const source of this.#sources) if (source !== undefined) peers.add(source);
    return peers;
  }

  /**
   * @param piece a piece index.
   * @returns whether that piece is in.
   */
  has(piece: number): boolean {
    return this.#sources[piece] !== undefined;
  }

  /**
   * Copies a piece in (the data usually aliases a socket chunk).
   * @param piece an index in range, not yet received.
   * @param data exactly the piece's bytes.
   * @param peer who sent it.
   * @returns false (and nothing kept) when the index or length does not fit.
   */
  accept(piece: number, data: Uint8Array, peer: PeerKey): boolean {
    if (!Number.isInteger(piece) || piece < 0 || piece >= this.pieceCount || this.has(piece)) return false;
    if (data.length !== metadataPieceLength(this.size, piece)) return false;
    this.#buffer ??= new Uint8Array(this.size);
    this.#buffer.set(data, piece * METADATA_PIECE_LENGTH);
    this.#sources[piece] = peer;
    this.#received++;
    return true;
  }

  /** @returns the assembled bytes (complete or not); the attempt must not be used afterwards. */
  bytes(): Uint8Array {
    return this.#buffer ?? new Uint8Array(this.size);
  }

  /**
   * Peers whose pieces differ from the verified metadata: the ones that sent bad data.
   * @param verified metadata whose SHA-1 matched the info-hash.
   * @returns the peers that sent a differing piece; all contributors when the sizes differ (they
   *   announced a size the real info dict does not have).
   */
  liars(verified: Uint8Array): Set<PeerKey> {
    if (verified.length !== this.size || this.#buffer === undefined) return this.contributors;
    const liars = new Set<PeerKey>();
    for (let piece = 0; piece < this.pieceCount; piece++) {
      const source = this.#sources[piece];
      if (source === undefined || liars.has(source)) continue;
      const begin = piece * METADATA_PIECE_LENGTH;
      const end = begin + metadataPieceLength(this.size, piece);
      if (!equalBytes(this.#buffer.subarray(begin, end), verified.subarray(begin, end))) liars.add(source);
    }
    return liars;
  }
}
