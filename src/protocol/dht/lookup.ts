/**
 * An iterative Kademlia lookup as a state machine: at most α queries in flight, always to the
 * closest candidates not yet asked; it ends when the k closest live candidates have all answered
 * (no closer node is left to ask), or when its query budget is spent. Pure: the caller sends the
 * queries and reports answers and timeouts.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html
 * @module
 */
import { formatPeerAddress } from '../peerAddress.js';
import type { NodeInfo } from './compact.js';
import { compareDistance } from './nodeId.js';
import type { NodeId } from './nodeId.js';

/** Queries in flight at once (Kademlia's α). */
export const LOOKUP_ALPHA = 3;
/** Most queries one lookup sends, so a hostile network cannot keep it going forever. */
export const LOOKUP_MAX_QUERIES = 256;

/** Options of a {@link Lookup}. */
export interface LookupConfig {
  /** @default 3 */
  readonly alpha?: number;
  /** How many closest nodes must answer before the lookup ends. @default 8 */
  readonly k?: number;
  /** @default 256 */
  readonly maxQueries?: number;
}

type CandidateState = 'new' | 'pending' | 'answered' | 'failed';

interface Candidate {
  node: NodeInfo;
  state: CandidateState;
  /** Hops from the seeds: 0 for a seed, one more than whoever told us about it. */
  readonly depth: number;
  token?: Uint8Array;
}

/** A node that answered, with the announce token it gave (get_peers only). */
export interface AnsweredNode {
  readonly node: NodeInfo;
  readonly token?: Uint8Array;
}

/**
 * One lookup for `target`.
 *
 * @example
 * ```ts
 * declare const table: RoutingTable, node: NodeInfo, response: DhtResponse;
 * declare function send(node: NodeInfo): void;
 * declare function announceTo(nodes: readonly AnsweredNode[]): void;
 * const lookup = new Lookup(infoHash, table.closest(infoHash, 8));
 * for (const node of lookup.next()) send(node);          // then, as answers come:
 * lookup.answered(node, response.id, response.nodes ?? [], response.token);
 * if (lookup.done) announceTo(lookup.closestAnswered());
 * ```
 */
export class Lookup {
  private readonly alpha: number;
  private readonly k: number;
  private readonly maxQueries: number;
  private readonly candidates: Candidate[] = [];
  private readonly known = new Set<string>();
  private sent = 0;
  private deepest = 0;

  constructor(readonly target: NodeId, seeds: readonly NodeInfo[], config: LookupConfig = {}) {
    this.alpha = config.alpha ?? LOOKUP_ALPHA;
    this.k = config.k ?? 8;
    this.maxQueries = config.maxQueries ?? LOOKUP_MAX_QUERIES;
    this.learn(seeds, 0);
  }

  /** Queries sent so far. */
  get queries(): number {
    return this.sent;
  }

  /** Queries awaiting an answer. */
  get inFlight(): number {
    return this.candidates.filter((c) => c.state === 'pending').length;
  }

  /**
   * Rounds: hops from the seeds to the closest node that answered (a seed that answered is
   * round 1); 0 while nobody answered.
   */
  get rounds(): number {
    const closest = this.candidates.find((c) => c.state === 'answered');
    return closest === undefined ? 0 : closest.depth + 1;
  }

  /** The most hops from a seed to any node that answered. */
  get maxDepth(): number {
    return this.deepest;
  }

  /** True when nothing is in flight and no closer candidate is left to ask. */
  get done(): boolean {
    return this.inFlight === 0 && this.nextCandidates(1).length === 0;
  }

  /** Marks and returns the nodes to query now (to bring the in-flight count up to α). */
  next(): NodeInfo[] {
    const picked = this.nextCandidates(this.alpha - this.inFlight);
    for (const c of picked) c.state = 'pending';
    this.sent += picked.length;
    return picked.map((c) => c.node);
  }

  /**
   * `node` answered with its id `id`, naming `nodes` closer to the target (and, for get_peers, a
   * token). A seed given with a made-up id (a bootstrap address) takes its real one here.
   */
  answered(node: NodeInfo, id: NodeId, nodes: readonly NodeInfo[], token?: Uint8Array): void {
    const c = this.find(node);
    if (c === undefined || c.state !== 'pending') return;
    c.state = 'answered';
    c.node = { ...c.node, id };
    if (token !== undefined) c.token = token;
    this.deepest = Math.max(this.deepest, c.depth + 1);
    this.learn(nodes, c.depth + 1);
  }

  /** `node` did not answer (timeout or error). */
  failed(node: NodeInfo): void {
    const c = this.find(node);
    if (c !== undefined && c.state === 'pending') c.state = 'failed';
  }

  /** The k closest nodes that answered, closest first (where to announce). */
  closestAnswered(): AnsweredNode[] {
    return this.candidates
      .filter((c) => c.state === 'answered')
      .slice(0, this.k)
      .map((c) => (c.token === undefined ? { node: c.node } : { node: c.node, token: c.token }));
  }

  private nextCandidates(count: number): Candidate[] {
    if (count <= 0 || this.sent >= this.maxQueries) return [];
    const picked: Candidate[] = [];
    let live = 0;
    for (const c of this.candidates) {
      if (c.state === 'failed') continue;
      if (live++ >= this.k) break;
      if (c.state === 'new') picked.push(c);
      if (picked.length >= Math.min(count, this.maxQueries - this.sent)) break;
    }
    return picked;
  }

  private find(node: NodeInfo): Candidate | undefined {
    const key = formatPeerAddress(node);
    return this.candidates.find((c) => formatPeerAddress(c.node) === key);
  }

  private learn(nodes: readonly NodeInfo[], depth: number): void {
    for (const node of nodes) {
      const key = formatPeerAddress(node);
      if (this.known.has(key)) continue;
      this.known.add(key);
      this.candidates.push({ node, state: 'new', depth });
    }
    this.candidates.sort((a, b) => compareDistance(this.target, a.node.id, b.node.id));
    // Only the closest few can matter; the rest would be memory a hostile answer makes us hold.
    const keep = this.k * 8;
    if (this.candidates.length > keep) {
      const tail = this.candidates.splice(keep).filter((c) => c.state === 'pending');
      this.candidates.push(...tail);
    }
  }
}
