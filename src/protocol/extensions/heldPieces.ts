/**
 * A magnet download does not know the piece count until the metadata arrives, so a peer's
 * `bitfield`, `have`, `have-all` and `have-none` cannot be checked yet. They are held here, under
 * caps, and checked with the same rules as for a known torrent once the info dict is verified.
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @module
 */
import { copyOf } from '../bytes.js';
import { ExtensionError, PeerError, WireError } from '../../errors.js';
import { Bitfield } from '../bitfield.js';
import { DEFAULT_MAX_BITFIELD_LENGTH } from '../wire/limits.js';
import type { WireMessage } from '../wire/messages.js';
import { checkInteger } from './checks.js';

/** Default most distinct `have` indices held per peer. */
export const DEFAULT_MAX_HELD_HAVES = 100_000;

/** The one whole-set announcement a peer may make. */
type Announcement = { readonly kind: 'bitfield'; readonly bytes: Uint8Array } | { readonly kind: 'have-all' | 'have-none' };

/** Caps of a {@link HeldPieces}. */
export interface HeldPiecesConfig {
  /** Largest bitfield held (as the frame decoder allows before the piece count is known). @default 1048576 */
  readonly maxBitfieldLength?: number;
  /** Most distinct `have` indices held. @default 100000 */
  readonly maxHaves?: number;
}

/** The outcome of {@link HeldPieces.resolve}: the peer's pieces, or why its announcements were invalid. */
export type HeldResolution =
  /** `announced` is false when the peer announced nothing (the bitfield is then empty). */
  | { readonly ok: true; readonly bitfield: Bitfield; readonly announced: boolean }
  /** `ERR_WIRE_BITFIELD_LENGTH`, `ERR_WIRE_BITFIELD_SPARE_BITS` or `ERR_WIRE_INDEX_OUT_OF_RANGE`: drop the peer. */
  | { readonly ok: false; readonly error: WireError };

/**
 * One peer's piece announcements, held until the piece count is known.
 *
 * @example
 * ```ts
 * declare const conn: PeerConnection, scheduler: PieceScheduler, peer: PeerKey;
 * declare function drop(peer: PeerKey, error: Error): void;
 * const held = new HeldPieces();
 * conn.messages$.subscribe((m) => held.hold(m));  // while the metadata is being fetched
 * // once parseInfoDict(done) verified:
 * const r = held.resolve(torrent.pieceCount);
 * if (r.ok) scheduler.update({ type: 'bitfield', peer, bitfield: r.bitfield }, now); else drop(peer, r.error);
 * ```
 */
export class HeldPieces {
  readonly #maxBitfieldLength: number;
  readonly #maxHaves: number;
  #announcement: Announcement | undefined;
  readonly #haves = new Set<number>();

  /**
   * @param config caps.
   * @throws {ExtensionError} `ERR_EXT_INVALID_ARGUMENT` for a cap out of range.
   */
  constructor(config: HeldPiecesConfig = {}) {
    this.#maxBitfieldLength = checkInteger('maxBitfieldLength', config.maxBitfieldLength ?? DEFAULT_MAX_BITFIELD_LENGTH, 1, 0x7fffffff);
    this.#maxHaves = checkInteger('maxHaves', config.maxHaves ?? DEFAULT_MAX_HELD_HAVES, 0, 0x7fffffff);
  }

  /** True once the peer sent a bitfield, have-all, have-none or a have. */
  get announced(): boolean {
    return this.#announcement !== undefined || this.#haves.size > 0;
  }

  /**
   * Holds a message if it announces pieces; ignores any other.
   * @param message a decoded message from the peer.
   * @returns whether it was held.
   * @throws {ExtensionError} `ERR_EXT_HELD_OVERFLOW` for a bitfield over the cap or too many
   *   distinct haves; {@link PeerError} `ERR_PEER_UNEXPECTED_MESSAGE` for a bitfield, have-all or
   *   have-none after the peer had announced its pieces (as `trackPeerState` rules).
   */
  hold(message: WireMessage): boolean {
    switch (message.type) {
      case 'have':
        if (!this.#haves.has(message.index) && this.#haves.size >= this.#maxHaves) {
          throw new ExtensionError('ERR_EXT_HELD_OVERFLOW', `more than ${this.#maxHaves} haves before the metadata`);
        }
        this.#haves.add(message.index);
        return true;
      case 'bitfield':
        if (message.bytes.length > this.#maxBitfieldLength) {
          throw new ExtensionError('ERR_EXT_HELD_OVERFLOW', `bitfield of ${message.bytes.length} bytes over ${this.#maxBitfieldLength}`);
        }
        // A copy: the payload aliases a socket chunk.
        return this.#announce({ kind: 'bitfield', bytes: copyOf(message.bytes) });
      case 'have-all':
      case 'have-none':
        return this.#announce({ kind: message.type });
      default:
        return false;
    }
  }

  /**
   * Checks what was held against the now known piece count, with the rules of a known torrent:
   * a bitfield of exactly ⌈pieceCount / 8⌉ bytes with spare bits zero, every have in range.
   * @param pieceCount the verified torrent's piece count.
   * @returns the peer's bitfield (held haves applied), or the first problem found.
   * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for an impossible piece count (a programmer error).
   */
  resolve(pieceCount: number): HeldResolution {
    let bitfield = new Bitfield(pieceCount);
    const announcement = this.#announcement;
    if (announcement?.kind === 'have-all') bitfield = Bitfield.full(pieceCount);
    if (announcement?.kind === 'bitfield') {
      try {
        bitfield = Bitfield.fromBytes(announcement.bytes, pieceCount);
      } catch (error) {
        if (error instanceof WireError) return { ok: false, error };
        throw error;
      }
    }
    for (const index of this.#haves) {
      if (!Number.isInteger(index) || index < 0 || index >= pieceCount) {
        return { ok: false, error: new WireError('ERR_WIRE_INDEX_OUT_OF_RANGE', `have ${index} of ${pieceCount} pieces`) };
      }
      bitfield.set(index);
    }
    return { ok: true, bitfield, announced: this.announced };
  }

  #announce(announcement: Announcement): true {
    if (this.announced) {
      throw new PeerError('ERR_PEER_UNEXPECTED_MESSAGE', `${announcement.kind} after the peer had announced its pieces`);
    }
    this.#announcement = announcement;
    return true;
  }
}
