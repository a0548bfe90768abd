/**
 * One running DHT node over a datagram transport: it answers queries as a full node, sends ours
 * and matches the answers (only from the address queried, only with a pending transaction id),
 * keeps the routing table healthy, and expires stored peers. Time comes from the injected
 * scheduler (one periodic tick, whatever the number of queries in flight).
 *
 * @module
 */
import { BehaviorSubject, type SchedulerLike, type Subscription } from 'rxjs';
import { DhtError } from '../../errors.js';
import {
  answerQuery, decodeKrpc, encodeKrpc, idToHex, KRPC_ERROR, PeerStore, QueryLimiter, RoutingTable, TokenIssuer,
  TransactionTable,
} from '../../protocol/dht/index.js';
import type { DhtQuery, DhtResponse, KrpcMessage, NodeId, NodeInfo, PeerStoreConfig, QueryLimiterConfig } from '../../protocol/dht/index.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';

/** Where a node's packets go out. */
export interface DhtTransport {
  send(packet: Uint8Array, to: PeerAddress): void;
}

/** The outcome of one query we sent. */
export type QueryOutcome =
  | { readonly type: 'response'; readonly response: DhtResponse }
  | { readonly type: 'error'; readonly code: number; readonly message: string }
  | { readonly type: 'timeout' };

/** Counters and sizes for UIs (`Dht.state$`). */
export interface DhtState {
  /** Our node id, hex. */
  readonly nodeId: string;
  /** The UDP address we are bound to. */
  readonly address: PeerAddress;
  readonly nodes: number;
  readonly buckets: number;
  readonly lookups: number;
  readonly pendingQueries: number;
  readonly storedPeers: number;
  readonly storedTorrents: number;
  /** Queries dropped by the per-IP rate limit. */
  readonly droppedQueries: number;
  /** Answers ignored: unknown transaction id or an address we did not query. */
  readonly ignoredResponses: number;
  /** Packets that did not decode. */
  readonly badPackets: number;
}

/** Options of a {@link DhtNode}. */
export interface DhtNodeOptions {
  readonly ownId: NodeId;
  readonly address: PeerAddress;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  /** @default 2000 */
  readonly queryTimeoutMs?: number | undefined;
  readonly rateLimit?: QueryLimiterConfig | undefined;
  readonly peerStore?: PeerStoreConfig | undefined;
  /** @default 1024 */
  readonly maxPendingQueries?: number | undefined;
}

const TICK_MS = 250;
const STATE_EVERY_TICKS = 4;
const EXPIRE_PEERS_EVERY_TICKS = 240;

type Pending = { readonly to: PeerAddress; readonly done: (outcome: QueryOutcome) => void };

/**
 * The node's state and its packet handling.
 *
 * @example
 * ```ts
 * declare const ownId: Uint8Array, address: PeerAddress, transport: DhtTransport, socket: import('node:dgram').Socket;
 * const node = new DhtNode({ ownId, address, scheduler: asyncScheduler, random: Math.random }, transport);
 * socket.on('message', (packet, from) => node.receive(packet, { host: from.address, port: from.port }));
 * node.query({ host: '127.0.0.1', port: 6881 }, { method: 'ping', id: ownId }, (outcome) => console.log(outcome.type));
 * ```
 */
export class DhtNode {
  readonly table: RoutingTable;
  readonly store: PeerStore;
  /** Lookups running now (maintained by whoever runs them). */
  lookups = 0;
  private readonly tokens: TokenIssuer;
  private readonly limiter: QueryLimiter;
  private readonly pending: TransactionTable<Pending>;
  private readonly timeoutMs: number;
  private readonly state: BehaviorSubject<DhtState>;
  private readonly tick: Subscription;
  private ticks = 0;
  private ignored = 0;
  private bad = 0;
  private closed = false;

  constructor(readonly options: DhtNodeOptions, private readonly transport: DhtTransport) {
    const now = options.scheduler.now();
    this.table = new RoutingTable(options.ownId);
    this.store = new PeerStore(options.peerStore);
    this.tokens = new TokenIssuer(options.random, now);
    this.limiter = new QueryLimiter(options.rateLimit);
    this.pending = new TransactionTable(options.maxPendingQueries, options.random);
    this.timeoutMs = options.queryTimeoutMs ?? 2000;
    this.state = new BehaviorSubject(this.snapshot());
    const scheduler = options.scheduler;
    this.tick = scheduler.schedule<DhtNode>(function (node) {
      node!.onTick();
      this.schedule(node, TICK_MS);
    }, TICK_MS, this);
  }

  /** Our id. */
  get id(): NodeId {
    return this.options.ownId;
  }

  /** Snapshots, about once a second. */
  get state$(): BehaviorSubject<DhtState> {
    return this.state;
  }

  /** Sends `query` to `to`; `done` is called once, with the answer, an error or a timeout. */
  query(to: PeerAddress, query: DhtQuery, done: (outcome: QueryOutcome) => void): void {
    if (this.closed) return done({ type: 'timeout' });
    const t = this.pending.open(to, { to, done }, this.options.scheduler.now() + this.timeoutMs);
    if (t === undefined) return done({ type: 'timeout' });
    this.transport.send(encodeKrpc({ type: 'query', transactionId: t, query }), to);
  }

  /** Handles one datagram from `from`. Never throws. */
  receive(packet: Uint8Array, from: PeerAddress): void {
    if (this.closed) return;
    let message: KrpcMessage;
    try {
      message = decodeKrpc(packet);
    } catch (err) {
      this.bad++;
      const t = err instanceof DhtError ? err.transactionId : undefined;
      if (t !== undefined && this.limiter.allow(from.host, this.options.scheduler.now())) {
        this.transport.send(encodeKrpc({ type: 'error', transactionId: t, code: KRPC_ERROR.protocol, message: 'Protocol Error' }), from);
      }
      return;
    }
    if (message.type === 'query') this.onQuery(message, from);
    else this.onAnswer(message, from);
  }

  /** Stops the tick and fails every pending query. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tick.unsubscribe();
    for (const p of this.pending.clear()) p.done({ type: 'timeout' });
    this.state.complete();
  }

  private onQuery(message: Extract<KrpcMessage, { type: 'query' }>, from: PeerAddress): void {
    const now = this.options.scheduler.now();
    if (!this.limiter.allow(from.host, now)) return;
    const reply = answerQuery(message.query, message.transactionId, from, now, {
      ownId: this.id, table: this.table, tokens: this.tokens, store: this.store,
    });
    this.transport.send(encodeKrpc(reply), from);
    const id = message.query.id;
    if (id !== undefined && message.readOnly !== true) this.saw({ id, ...from }, now);
  }

  private onAnswer(message: Exclude<KrpcMessage, { type: 'query' }>, from: PeerAddress): void {
    const entry = this.pending.settle(message.transactionId, from);
    if (entry === undefined) {
      this.ignored++;
      return;
    }
    if (message.type === 'error') return entry.done({ type: 'error', code: message.code, message: message.message });
    this.saw({ id: message.response.id, ...from }, this.options.scheduler.now());
    entry.done({ type: 'response', response: message.response });
  }

  private saw(node: NodeInfo, now: number): void {
    const result = this.table.seen(node, now);
    if (result.type !== 'cached') return;
    // A full bucket: ping its questionable nodes; those that fail give way to the cached one.
    for (const q of result.questionable) {
      this.query(q, { method: 'ping', id: this.id }, (outcome) => {
        if (outcome.type === 'timeout') this.table.failed(q, this.options.scheduler.now());
      });
    }
  }

  private onTick(): void {
    const now = this.options.scheduler.now();
    for (const p of this.pending.expire(now)) {
      const node = this.table.nodeAt(p.to);
      if (node !== undefined) this.table.failed(node, now);
      p.done({ type: 'timeout' });
    }
    this.ticks++;
    if (this.ticks % EXPIRE_PEERS_EVERY_TICKS === 0) this.store.expire(now);
    if (this.ticks % STATE_EVERY_TICKS === 0) this.state.next(this.snapshot());
  }

  /** The current counters. */
  snapshot(): DhtState {
    return {
      nodeId: idToHex(this.id), address: this.options.address, nodes: this.table.size, buckets: this.table.bucketCount,
      lookups: this.lookups, pendingQueries: this.pending.size, storedPeers: this.store.size,
      storedTorrents: this.store.torrentCount, droppedQueries: this.limiter.dropped, ignoredResponses: this.ignored,
      badPackets: this.bad,
    };
  }
}
