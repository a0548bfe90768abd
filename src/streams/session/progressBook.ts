/**
 * What the session has and what it wants: the live bitfield (read by every new connection's
 * handshake), the bytes it covers, and which pieces are wanted (their priority level above 0) —
 * everything a snapshot and an announce need.
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
 * declare const recheckedHave: Bitfield, index: number;
 * const book = new ProgressBook(torrent, recheckedHave);
 * book.add(index); // after the piece is written
 * book.left;       // wanted bytes still missing
 * ```
 */
export class ProgressBook {
  /** Pieces we have: the object handed to connections, updated in place. */
  readonly have: Bitfield;
  private haveBytes = 0;
  private levels: Uint8Array | undefined;
  private wantedBytes: number;
  private wantedHaveBytes = 0;

  constructor(
    private readonly torrent: Torrent,
    initial?: Bitfield,
  ) {
    this.have = new Bitfield(torrent.pieceCount);
    this.wantedBytes = torrent.length;
    for (const index of initial ?? []) this.add(index);
  }

  /** Records a written piece; false if it was already had. */
  add(index: number): boolean {
    if (!this.have.set(index)) return false;
    const size = pieceSize(this.torrent, index);
    this.haveBytes += size;
    if (this.wants(index)) this.wantedHaveBytes += size;
    return true;
  }

  /** Which pieces are wanted: those whose level is above 0 (all, until this is called). */
  setLevels(levels: Uint8Array): void {
    this.levels = levels;
    this.wantedBytes = 0;
    this.wantedHaveBytes = 0;
    for (let i = 0; i < this.torrent.pieceCount; i++) {
      if (!this.wants(i)) continue;
      const size = pieceSize(this.torrent, i);
      this.wantedBytes += size;
      if (this.have.has(i)) this.wantedHaveBytes += size;
    }
  }

  /** True when piece `index` is wanted. */
  wants(index: number): boolean {
    return this.levels === undefined || (this.levels[index] ?? 0) > 0;
  }

  /** Wanted bytes still missing. */
  get left(): number {
    return this.wantedBytes - this.wantedHaveBytes;
  }

  /** Fraction of the wanted content we have (1 when nothing is wanted). */
  get progress(): number {
    return this.wantedBytes === 0 ? 1 : this.wantedHaveBytes / this.wantedBytes;
  }

  /** Bytes we have, wanted or not. */
  get had(): number {
    return this.haveBytes;
  }

  /** True when every piece is had. */
  get complete(): boolean {
    return this.have.isComplete;
  }

  /** True when every wanted piece is had. */
  get wantedComplete(): boolean {
    return this.left === 0;
  }
}
