/**
 * Which pieces a peer (or we) have, as the BEP 3 `bitfield` message lays it out: one bit per
 * piece, the high bit of the first byte is piece 0, and spare bits in the last byte are zero.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @module
 */

import { WireError } from '../errors.js';

/** Set bits per byte value, so counting a whole bitfield costs one lookup per byte. */
const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1]!;

/**
 * Number of bytes a bitfield of `pieceCount` pieces takes on the wire: ⌈pieceCount / 8⌉.
 *
 * @example
 * ```ts
 * bitfieldByteLength(10); // 2
 * ```
 */
export function bitfieldByteLength(pieceCount: number): number {
  return (pieceCount + 7) >>> 3;
}

/**
 * A fixed-size set of piece indices backed by exactly ⌈pieceCount / 8⌉ bytes, MSB first.
 * `count` is kept up to date on every change, so progress and "is this peer a seed?" are O(1).
 *
 * @example
 * ```ts
 * const have = new Bitfield(10);
 * have.set(0); have.set(9);
 * have.count;            // 2
 * [...have];             // [0, 9]
 * have.toBytes();        // Uint8Array [0x80, 0x40]
 * ```
 */
export class Bitfield implements Iterable<number> {
  /** Number of pieces (bits) this bitfield describes. */
  readonly pieceCount: number;
  readonly #bytes: Uint8Array;
  #count = 0;

  /**
   * An empty bitfield (no piece set).
   * @param pieceCount number of pieces; a non-negative integer.
   * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` when `pieceCount` is not one.
   */
  constructor(pieceCount: number) {
    if (!Number.isInteger(pieceCount) || pieceCount < 0 || pieceCount > 0x7fffffff) {
      throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `invalid piece count ${pieceCount}`);
    }
    this.pieceCount = pieceCount;
    this.#bytes = new Uint8Array(bitfieldByteLength(pieceCount));
  }

  /**
   * A bitfield with every piece set (what a seed sends).
   * @param pieceCount number of pieces.
   * @returns a complete bitfield.
   * @example `Bitfield.full(3).toBytes() // [0xe0]`
   */
  static full(pieceCount: number): Bitfield {
    const field = new Bitfield(pieceCount);
    field.#bytes.fill(0xff);
    const spare = field.#bytes.length * 8 - pieceCount;
    // Spare bits must stay zero on the wire, so trim them off the last byte.
    if (spare > 0) field.#bytes[field.#bytes.length - 1] = (0xff << spare) & 0xff;
    field.#count = pieceCount;
    return field;
  }

  /**
   * Checks raw bitfield bytes from a peer without copying them: exact length, spare bits zero.
   * @param bytes the payload of a `bitfield` message.
   * @param pieceCount number of pieces in the torrent.
   * @throws {WireError} `ERR_WIRE_BITFIELD_LENGTH` when `bytes.length !== ⌈pieceCount / 8⌉`,
   *   `ERR_WIRE_BITFIELD_SPARE_BITS` when a bit past the last piece is set.
   * @example
   * ```ts
   * declare const msg: Extract<WireMessage, { type: 'bitfield' }>;
   * Bitfield.validate(msg.bytes, torrent.pieceCount)
   * ```
   */
  static validate(bytes: Uint8Array, pieceCount: number): void {
    const expected = bitfieldByteLength(pieceCount);
    if (bytes.length !== expected) {
      throw new WireError(
        'ERR_WIRE_BITFIELD_LENGTH',
        `bitfield is ${bytes.length} bytes, expected ${expected} for ${pieceCount} pieces`,
      );
    }
    const spare = expected * 8 - pieceCount;
    if (spare > 0 && (bytes[expected - 1]! & ((1 << spare) - 1)) !== 0) {
      throw new WireError('ERR_WIRE_BITFIELD_SPARE_BITS', 'bitfield has bits set past the last piece');
    }
  }

  /**
   * Builds a bitfield from a peer's `bitfield` payload. The bytes are copied: the payload usually
   * aliases a socket chunk that must not be kept alive or mutated behind our back.
   * @param bytes the payload of a `bitfield` message.
   * @param pieceCount number of pieces in the torrent.
   * @returns a bitfield owning a copy of `bytes`.
   * @throws {WireError} see {@link Bitfield.validate}.
   * @example
   * ```ts
   * declare const msg: Extract<WireMessage, { type: 'bitfield' }>;
   * const theirs = Bitfield.fromBytes(msg.bytes, torrent.pieceCount);
   * ```
   */
  static fromBytes(bytes: Uint8Array, pieceCount: number): Bitfield {
    Bitfield.validate(bytes, pieceCount);
    const field = new Bitfield(pieceCount);
    field.#bytes.set(bytes);
    let count = 0;
    for (let i = 0; i < bytes.length; i++) count += POPCOUNT[bytes[i]!]!;
    field.#count = count;
    return field;
  }

  /** Number of pieces set. */
  get count(): number {
    return this.#count;
  }

  /** True when every piece is set (true for a zero-piece bitfield). */
  get isComplete(): boolean {
    return this.#count === this.pieceCount;
  }

  /**
   * @param index piece index.
   * @returns whether piece `index` is set; false for anything but an integer in
   *   `[0, pieceCount)`, since a piece that does not exist is one nobody has.
   */
  has(index: number): boolean {
    // `>>> 0` also refuses fractions and NaN, which would otherwise read a neighbour's bit.
    if (index >>> 0 !== index || index >= this.pieceCount) return false;
    return (this.#bytes[index >>> 3]! & (0x80 >>> (index & 7))) !== 0;
  }

  /**
   * Sets piece `index`.
   * @param index piece index in `[0, pieceCount)`.
   * @returns true when the bit changed (it was clear), so callers can count new pieces.
   * @throws {WireError} `ERR_WIRE_INDEX_OUT_OF_RANGE` for an index outside the torrent.
   */
  set(index: number): boolean {
    const byte = this.#checked(index);
    const mask = 0x80 >>> (index & 7);
    const old = this.#bytes[byte]!;
    if ((old & mask) !== 0) return false;
    this.#bytes[byte] = old | mask;
    this.#count++;
    return true;
  }

  /**
   * Clears piece `index` (a piece that failed its hash check).
   * @param index piece index in `[0, pieceCount)`.
   * @returns true when the bit changed (it was set).
   * @throws {WireError} `ERR_WIRE_INDEX_OUT_OF_RANGE` for an index outside the torrent.
   */
  clear(index: number): boolean {
    const byte = this.#checked(index);
    const mask = 0x80 >>> (index & 7);
    const old = this.#bytes[byte]!;
    if ((old & mask) === 0) return false;
    this.#bytes[byte] = old & ~mask;
    this.#count--;
    return true;
  }

  /**
   * The wire form, ready for a `bitfield` message. Always a fresh copy: handing out the backing
   * bytes would let a caller change bits without `count` following.
   * @returns ⌈pieceCount / 8⌉ bytes, MSB first, spare bits zero.
   */
  toBytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** Iterates the set piece indices in ascending order, skipping empty bytes whole. */
  *[Symbol.iterator](): IterableIterator<number> {
    const bytes = this.#bytes;
    for (let byte = 0; byte < bytes.length; byte++) {
      const bits = bytes[byte]!;
      if (bits === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((bits & (0x80 >>> bit)) !== 0) yield byte * 8 + bit;
      }
    }
  }

  #checked(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new WireError(
        'ERR_WIRE_INDEX_OUT_OF_RANGE',
        `piece ${index} is outside [0, ${this.pieceCount})`,
      );
    }
    return index >>> 3;
  }
}
