/**
 * What the session has: the live bitfield (read by every new connection's handshake), the bytes
 * it covers, and the pieces in flight — everything a snapshot and an announce need.
 *
 * @module
 */
import { Bitfield } from '../../protocol/bitfield.js';
import { pieceSize, type Torrent } from '../../protocol/metainfo/index.js';

/**
 * The have-state of one session.
 *
 * @example
 * ```ts
 * const book = new ProgressBook(torrent, recheckedHave);
 * book.add(index); // after the piece is written
 * book.left;       // bytes still missing
 * ```
 */
export class ProgressBook {
  /** Pieces we have: the object handed to connections, updated in place. */
  readonly have: Bitfield;
  private haveBytes = 0;

  constructor(
    private readonly torrent: Torrent,
    initial?: Bitfield,
  ) {
    this.have = new Bitfield(torrent.pieceCount);
    for (const index of initial ?? []) this.add(index);
  }

  /** Records a written piece; false if it was already had. */
  add(index: number): boolean {
    if (!this.have.set(index)) return false;
    this.haveBytes += pieceSize(this.torrent, index);
    return true;
  }

  /** Bytes still missing. */
  get left(): number {
    return this.torrent.length - this.haveBytes;
  }

  /** Fraction of the content we have. */
  get progress(): number {
    return this.torrent.length === 0 ? 1 : this.haveBytes / this.torrent.length;
  }

  /** True when every piece is had. */
  get complete(): boolean {
    return this.have.isComplete;
  }
}
