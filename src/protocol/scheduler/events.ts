/**
 * What the piece scheduler hears from the swarm and what it asks the swarm to do. Peers are
 * named by an opaque string key the session assigns to each connection.
 *
 * @module
 */
import type { Bitfield } from '../bitfield.js';

/** Identifies one peer connection inside a session. */
export type PeerKey = string;

/** A block of a piece: `length` bytes at `begin`. */
export interface BlockRef {
  readonly index: number;
  readonly begin: number;
  readonly length: number;
}

/** Events the scheduler consumes (SwarmEvent$). */
export type SwarmEvent =
  /**
   * A connection, or with `webSeed` an HTTP server (BEP 19): it is asked for runs of consecutive
   * pieces peers are not fetching, and for less once peers cover the rest (see `webSeedPicks`).
   */
  | { readonly type: 'peer-joined'; readonly peer: PeerKey; readonly maxRequests?: number; readonly webSeed?: boolean }
  /** The peer told us (BEP 10 `reqq`) how many requests it queues. */
  | { readonly type: 'request-limit'; readonly peer: PeerKey; readonly maxRequests: number }
  | { readonly type: 'bitfield'; readonly peer: PeerKey; readonly bitfield: Bitfield }
  | { readonly type: 'have'; readonly peer: PeerKey; readonly index: number }
  | { readonly type: 'have-all'; readonly peer: PeerKey }
  | { readonly type: 'have-none'; readonly peer: PeerKey }
  | { readonly type: 'choke'; readonly peer: PeerKey }
  | { readonly type: 'unchoke'; readonly peer: PeerKey }
  /** BEP 6 reject-request: the block goes back to the pool. */
  | ({ readonly type: 'reject'; readonly peer: PeerKey } & BlockRef)
  | { readonly type: 'block'; readonly peer: PeerKey; readonly index: number; readonly begin: number; readonly data: Uint8Array }
  | { readonly type: 'peer-gone'; readonly peer: PeerKey }
  /** A piece passed SHA-1 and is written (until then it counts as pending). */
  | { readonly type: 'piece-verified'; readonly index: number }
  /** A piece failed SHA-1: all its blocks return to the pool. */
  | { readonly type: 'piece-failed'; readonly index: number }
  /**
   * Every piece's priority level (one byte per piece: 0 skip, 1 normal, 2 high): pieces at 0 are
   * not fetched (those started already finish), high ones go before normal ones.
   */
  | { readonly type: 'priorities'; readonly levels: Uint8Array }
  /**
   * Pieces wanted soonest, most urgent first (a stream's read position and its readahead): they
   * go before every other piece of their level or lower, in this order. Replaces the previous list.
   */
  | { readonly type: 'deadlines'; readonly pieces: readonly number[] }
  /** Periodic clock tick: timeouts, snubbing and pipeline depth are re-evaluated. */
  | { readonly type: 'tick' };

/** Commands the scheduler emits (RequestCommand$), plus accepted blocks for the assembler. */
export type SchedulerCommand =
  | { readonly type: 'interested'; readonly peer: PeerKey }
  | { readonly type: 'not-interested'; readonly peer: PeerKey }
  | ({ readonly type: 'request'; readonly peer: PeerKey } & BlockRef)
  | ({ readonly type: 'cancel'; readonly peer: PeerKey } & BlockRef)
  /** A block we asked for arrived first: pass it on to `assemblePieces`. */
  | { readonly type: 'block'; readonly peer: PeerKey; readonly index: number; readonly begin: number; readonly data: Uint8Array };
