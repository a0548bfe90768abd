/**
 * Block states of one piece being downloaded: which blocks are free, requested (and from whom)
 * or received.
 *
 * @module
 */
import type { PeerKey } from './events.js';

const FREE = 0;
const REQUESTED = 1;
const RECEIVED = 2;
/** No other peer to cancel: shared, never mutated. */
const NOBODY: readonly PeerKey[] = [];

/**
 * One started piece.
 *
 * @example
 * ```ts
 * const piece = new PartialPiece(7, 4);
 * piece.request(0, 'peer-a');
 * piece.receive(0, 'peer-a'); // []: first arrival, asked of no one else
 * ```
 */
export class PartialPiece {
  private readonly states: Uint8Array;
  /**
   * The first peer each requested block is asked of. Only endgame asks a second one, so the rest
   * live in `extra`: a Set per request cost a tenth of the download's garbage.
   */
  private readonly owners: (PeerKey | undefined)[];
  /** Further peers a block is requested from (endgame duplicates). */
  private readonly extra = new Map<number, PeerKey[]>();
  private freeCount: number;
  private receivedCount = 0;
  /** The web seed whose run this piece is part of: peers leave its free blocks to it. */
  runOf: PeerKey | undefined;

  /**
   * @param index - the piece index
   * @param blockCount - blocks in this piece
   */
  constructor(
    readonly index: number,
    readonly blockCount: number,
  ) {
    this.states = new Uint8Array(blockCount);
    this.owners = new Array<PeerKey | undefined>(blockCount).fill(undefined);
    this.freeCount = blockCount;
  }

  /** Blocks nobody has been asked for. */
  get free(): number {
    return this.freeCount;
  }

  /** Blocks that arrived. */
  get received(): number {
    return this.receivedCount;
  }

  /** True when every block arrived. */
  get complete(): boolean {
    return this.receivedCount === this.blockCount;
  }

  /** First free block, or -1. */
  firstFree(): number {
    return this.freeCount === 0 ? -1 : this.states.indexOf(FREE);
  }

  /** True when `block` is asked of someone and has not arrived. */
  isRequested(block: number): boolean {
    return this.states[block] === REQUESTED;
  }

  /** True when `block` arrived. */
  isReceived(block: number): boolean {
    return this.states[block] === RECEIVED;
  }

  /** How many peers `block` is requested from. */
  requesterCount(block: number): number {
    return this.owners[block] === undefined ? 0 : 1 + (this.extra.get(block)?.length ?? 0);
  }

  /** The peers `block` is requested from. */
  requestersOf(block: number): readonly PeerKey[] {
    const owner = this.owners[block];
    if (owner === undefined) return NOBODY;
    const more = this.extra.get(block);
    return more === undefined ? [owner] : [owner, ...more];
  }

  /** True when no block is requested from anyone (nobody is fetching it). */
  get idle(): boolean {
    return this.freeCount + this.receivedCount === this.blockCount;
  }

  /** True when `block` is requested from `peer`. */
  isRequestedFrom(block: number, peer: PeerKey): boolean {
    return this.owners[block] === peer || (this.extra.get(block)?.includes(peer) ?? false);
  }

  /** Records a request of `block` from `peer`. */
  request(block: number, peer: PeerKey): void {
    if (this.states[block] === FREE) {
      this.states[block] = REQUESTED;
      this.freeCount--;
    }
    const owner = this.owners[block];
    if (owner === undefined) this.owners[block] = peer;
    else if (owner !== peer) {
      const more = this.extra.get(block);
      if (more === undefined) this.extra.set(block, [peer]);
      else if (!more.includes(peer)) more.push(peer);
    }
  }

  /** `peer` will not deliver `block` (choke, timeout, reject, gone): free it if nobody else will. */
  release(block: number, peer: PeerKey): void {
    const more = this.extra.get(block);
    if (this.owners[block] === peer) this.owners[block] = more?.shift();
    else if (more !== undefined) {
      const at = more.indexOf(peer);
      if (at >= 0) more.splice(at, 1);
    }
    if (more !== undefined && more.length === 0) this.extra.delete(block);
    if (this.states[block] === REQUESTED && this.owners[block] === undefined) {
      this.states[block] = FREE;
      this.freeCount++;
    }
  }

  /**
   * Marks `block` received.
   *
   * @returns the other peers it was still requested from (to cancel), or undefined when the
   *   block had already arrived (a duplicate to drop)
   */
  receive(block: number, from: PeerKey): readonly PeerKey[] | undefined {
    if (this.states[block] === RECEIVED) return undefined;
    if (this.states[block] === FREE) this.freeCount--;
    this.states[block] = RECEIVED;
    this.receivedCount++;
    const owner = this.owners[block];
    const more = this.extra.get(block);
    this.owners[block] = undefined;
    if (more === undefined) return owner === undefined || owner === from ? NOBODY : [owner];
    this.extra.delete(block);
    return [owner, ...more].filter((p): p is PeerKey => p !== undefined && p !== from);
  }
}
