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

/**
 * One started piece.
 *
 * @example
 * ```ts
 * const piece = new PartialPiece(7, 4);
 * piece.request(0, 'peer-a');
 * piece.receive(0); // true: first arrival
 * ```
 */
export class PartialPiece {
  private readonly states: Uint8Array;
  /** Peers a block is requested from; more than one only in endgame. */
  private readonly requesters = new Map<number, Set<PeerKey>>();
  private freeCount: number;
  private receivedCount = 0;

  /**
   * @param index - the piece index
   * @param blockCount - blocks in this piece
   */
  constructor(
    readonly index: number,
    readonly blockCount: number,
  ) {
    this.states = new Uint8Array(blockCount);
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

  /** Peers `block` is requested from. */
  requestersOf(block: number): ReadonlySet<PeerKey> {
    return this.requesters.get(block) ?? new Set();
  }

  /** Records a request of `block` from `peer`. */
  request(block: number, peer: PeerKey): void {
    if (this.states[block] === FREE) {
      this.states[block] = REQUESTED;
      this.freeCount--;
    }
    let set = this.requesters.get(block);
    if (set === undefined) this.requesters.set(block, (set = new Set()));
    set.add(peer);
  }

  /** `peer` will not deliver `block` (choke, timeout, reject, gone): free it if nobody else will. */
  release(block: number, peer: PeerKey): void {
    const set = this.requesters.get(block);
    set?.delete(peer);
    if (this.states[block] === REQUESTED && (set === undefined || set.size === 0)) {
      this.states[block] = FREE;
      this.freeCount++;
      this.requesters.delete(block);
    }
  }

  /**
   * Marks `block` received.
   *
   * @returns the other peers it was still requested from (to cancel), or undefined when the
   *   block had already arrived (a duplicate to drop)
   */
  receive(block: number, from: PeerKey): PeerKey[] | undefined {
    if (this.states[block] === RECEIVED) return undefined;
    if (this.states[block] === FREE) this.freeCount--;
    this.states[block] = RECEIVED;
    this.receivedCount++;
    const others = [...(this.requesters.get(block) ?? [])].filter((p) => p !== from);
    this.requesters.delete(block);
    return others;
  }
}
