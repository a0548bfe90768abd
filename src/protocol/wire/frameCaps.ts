/**
 * Which frame lengths a connection accepts, per message id: the policy `FrameDecoder` applies to
 * each length prefix before it buffers anything.
 *
 * | id                         | accepted frame length (id byte included)          |
 * |----------------------------|---------------------------------------------------|
 * | fixed-size (choke … port)  | exactly its size (1, 3, 5 or 13)                  |
 * | `bitfield`, count known    | exactly 1 + ⌈pieceCount / 8⌉                       |
 * | `bitfield`, count unknown  | 1 … 1 + maxBitfieldLength (1 MiB)                 |
 * | `piece`                    | 9 … 9 + maxBlockLength (16 KiB)                   |
 * | `extended`                 | 2 … maxExtendedLength (64 KiB)                    |
 * | `hash request`/`hash reject` | exactly 49 (BEP 52)                             |
 * | `hashes`                   | 49 … 49 + 32 × (maxHashes + 64) (18,481)          |
 * | unknown                    | 1 … maxUnknownLength (1 KiB), skipped, or refused |
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @module
 */

import { WireError } from '../../errors.js';
import { bitfieldByteLength } from '../bitfield.js';
import { fixedBodyLength } from './decodeMessage.js';
import { HASH_HEADER_BODY_LENGTH, maxHashesBodyLength } from './hashMessages.js';
import { resolveWireLimits } from './limits.js';
import type { WireLimits } from './limits.js';
import { MessageId, isKnownMessageId } from './messages.js';

/** Default cap on a frame with an id we do not know. */
export const DEFAULT_MAX_UNKNOWN_LENGTH = 1024;

/** Caps plus the policy for unknown ids. */
export interface FrameCapsConfig extends WireLimits {
  /**
   * What to do with a message id we do not know: skip its frame (BEP 3 defines no error for
   * them, and peers do send ids we do not speak) or refuse it.
   * @default 'skip'
   */
  readonly unknownMessages?: 'skip' | 'error' | undefined;
  /** Largest unknown-id frame skipped before the connection is refused. @default 1024 */
  readonly maxUnknownLength?: number | undefined;
}

/**
 * Per-id frame length caps for one connection.
 *
 * @example
 * ```ts
 * const caps = new FrameCaps({ pieceCount: 1000 });
 * caps.check(MessageId.have, 5);   // true: deliver
 * caps.check(MessageId.have, 6);   // throws ERR_WIRE_BAD_LENGTH
 * ```
 */
export class FrameCaps {
  readonly #maxBlockFrame: number;
  readonly #maxExtendedFrame: number;
  readonly #maxUnknownFrame: number;
  readonly #maxLooseBitfieldFrame: number;
  readonly #maxHashesFrame: number;
  readonly #skipUnknown: boolean;
  #bitfieldFrame = 0;
  #maxFrame = 0;

  /**
   * @param config caps, optional piece count, unknown-id policy.
   * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for a cap out of range.
   */
  constructor(config: FrameCapsConfig = {}) {
    const limits = resolveWireLimits(config);
    const maxUnknown = config.maxUnknownLength ?? DEFAULT_MAX_UNKNOWN_LENGTH;
    if (!Number.isInteger(maxUnknown) || maxUnknown < 1 || maxUnknown > 0xffff) {
      throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `maxUnknownLength ${maxUnknown} outside 1..65535`);
    }
    this.#maxBlockFrame = 9 + limits.maxBlockLength;
    this.#maxExtendedFrame = limits.maxExtendedLength;
    this.#maxUnknownFrame = maxUnknown;
    this.#maxLooseBitfieldFrame = 1 + limits.maxBitfieldLength;
    this.#maxHashesFrame = maxHashesBodyLength(limits);
    this.#skipUnknown = (config.unknownMessages ?? 'skip') === 'skip';
    this.setPieceCount(limits.pieceCount);
  }

  /**
   * The largest frame of any kind: a longer prefix is refused before its id byte arrives, so a
   * length of up to 2^32 - 1 never causes an allocation.
   */
  get maxFrameLength(): number {
    return this.#maxFrame;
  }

  /**
   * Sets the piece count once known; a bitfield must then be exactly 1 + ⌈pieceCount / 8⌉ bytes.
   * @param pieceCount number of pieces, or undefined while unknown (magnet before metadata).
   * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for an invalid count.
   */
  setPieceCount(pieceCount: number | undefined): void {
    if (pieceCount !== undefined && !(Number.isInteger(pieceCount) && pieceCount >= 0 && pieceCount <= 0x7fffffff)) {
      throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `invalid piece count ${pieceCount}`);
    }
    this.#bitfieldFrame = pieceCount === undefined ? 0 : 1 + bitfieldByteLength(pieceCount);
    const bitfield = pieceCount === undefined ? this.#maxLooseBitfieldFrame : this.#bitfieldFrame;
    this.#maxFrame = Math.max(HASH_HEADER_BODY_LENGTH, bitfield, this.#maxBlockFrame, this.#maxExtendedFrame, this.#maxUnknownFrame, this.#maxHashesFrame);
  }

  /**
   * Checks a frame's length against the cap of its id.
   * @param id the message id byte.
   * @param length the frame length from the prefix (id byte included), at least 1.
   * @returns true to deliver the frame, false to skip it (unknown id under `'skip'`).
   * @throws {WireError} `ERR_WIRE_BAD_LENGTH`, `ERR_WIRE_BITFIELD_LENGTH`,
   *   `ERR_WIRE_FRAME_TOO_LONG`, `ERR_WIRE_UNKNOWN_MESSAGE`.
   */
  check(id: number, length: number): boolean {
    const fixed = fixedBodyLength(id);
    if (fixed !== 0) {
      if (length !== fixed) throw new WireError('ERR_WIRE_BAD_LENGTH', `message ${id} of ${length} bytes, expected ${fixed}`);
      return true;
    }
    if (id === MessageId.bitfield && this.#bitfieldFrame !== 0) {
      if (length !== this.#bitfieldFrame) {
        throw new WireError('ERR_WIRE_BITFIELD_LENGTH', `bitfield frame of ${length} bytes, expected ${this.#bitfieldFrame}`);
      }
      return true;
    }
    // Plain branches rather than a lookup tuple: this runs once per piece message.
    let max = this.#maxUnknownFrame;
    let min = 1;
    if (id === MessageId.piece) {
      max = this.#maxBlockFrame;
      min = 9;
    } else if (id === MessageId.extended) {
      max = this.#maxExtendedFrame;
      min = 2;
    } else if (id === MessageId.bitfield) {
      max = this.#maxLooseBitfieldFrame;
    } else if (id === MessageId.hashes) {
      max = this.#maxHashesFrame;
      min = HASH_HEADER_BODY_LENGTH;
    }
    if (length > max) throw new WireError('ERR_WIRE_FRAME_TOO_LONG', `message ${id} frame of ${length} bytes over the cap of ${max}`);
    if (length < min) throw new WireError('ERR_WIRE_BAD_LENGTH', `message ${id} frame of ${length} bytes, at least ${min}`);
    if (isKnownMessageId(id)) return true;
    if (!this.#skipUnknown) throw new WireError('ERR_WIRE_UNKNOWN_MESSAGE', `unknown message id ${id}`);
    return false;
  }
}
