/** Helpers of the peer connection specs: torrents' sides, a listener harness, raw sockets. */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Observable, Subscription } from 'rxjs';
import { Bitfield, generatePeerId } from '../../../src/protocol/wire/index.js';
import type { ListenerEvent, ListenForPeersOptions, PeerConnection, TorrentPeerOptions } from '../../../src/streams/peer/index.js';
import { listenForPeers } from '../../../src/streams/peer/index.js';
export { until } from '../../helpers/until.js';

export const PIECES = 20;
export const INFO_HASH = new Uint8Array(20).fill(0xab);
export const OTHER_INFO_HASH = new Uint8Array(20).fill(0xcd);

/** Our side of a torrent of {@link PIECES} pieces holding `have`. */
export function side(have: readonly number[] | 'all' | 'none', peerId = generatePeerId(), extra: Partial<TorrentPeerOptions> = {}): TorrentPeerOptions {
  const bitfield = have === 'all' ? Bitfield.full(PIECES) : new Bitfield(PIECES);
  if (Array.isArray(have)) for (const i of have) bitfield.set(i);
  return { peerId, bitfield: () => bitfield, limits: { pieceCount: PIECES }, ...extra };
}

/** A running listenForPeers with its events recorded. */
export interface Listener {
  readonly port: number;
  readonly events: ListenerEvent[];
  /** The next event of `type` (already recorded or future). */
  next<T extends ListenerEvent['type']>(type: T): Promise<Extract<ListenerEvent, { type: T }>>;
  /** Unsubscribes (closes the server and its connections). */
  stop(): void;
  /** The listener's terminal error, if any. */
  error: unknown;
}

/** Starts a listener on 127.0.0.1:0. */
export async function listen(options: Omit<ListenForPeersOptions, 'host' | 'port'>): Promise<Listener> {
  const events: ListenerEvent[] = [];
  let waiters: (() => boolean)[] = [];
  const taken = new Set<ListenerEvent>();
  const harness: Listener = {
    port: 0,
    events,
    error: undefined,
    next: (type) => new Promise((resolve) => {
      const look = (): boolean => {
        const found = events.find((e) => e.type === type && !taken.has(e));
        if (found === undefined) return false;
        taken.add(found);
        resolve(found as never);
        return true;
      };
      if (!look()) waiters.push(look);
    }),
    stop: () => subscription.unsubscribe(),
  };
  const subscription: Subscription = listenForPeers({ host: '127.0.0.1', port: 0, ...options }).subscribe({
    next: (e) => {
      events.push(e);
      waiters = waiters.filter((look) => !look());
    },
    error: (err: unknown) => (harness.error = err),
  });
  const listening = await harness.next('listening');
  (harness as { port: number }).port = listening.address.port;
  return harness;
}

/** Subscribes to a connectPeer-like observable and resolves with its connection (or rejects). */
export function open(conn$: Observable<PeerConnection>): Promise<{ connection: PeerConnection; subscription: Subscription; ended: Promise<unknown> }> {
  return new Promise((resolve, reject) => {
    let settleEnd!: (v: unknown) => void;
    const ended = new Promise<unknown>((r) => (settleEnd = r));
    const subscription = conn$.subscribe({
      next: (connection) => resolve({ connection, subscription, ended }),
      error: (err: unknown) => {
        reject(err);
        settleEnd(err);
      },
      complete: () => settleEnd('complete'),
    });
  });
}

/** The error an observable ends with (or 'complete'). */
export function outcome(obs: Observable<unknown>): Promise<unknown> {
  return new Promise((resolve) => obs.subscribe({ error: resolve, complete: () => resolve('complete') }));
}

/** The code of an rxtorrent error, else the value itself. */
export const codeOf = (err: unknown): unknown => (err as { code?: string })?.code ?? err;

/** A raw TCP server on 127.0.0.1:0 that hands each accepted socket to `onSocket`. */
export async function rawServer(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number; sockets: Socket[]; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    server, port, sockets,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** A raw client socket to 127.0.0.1:port, connected (from `localAddress`, another loopback address, if given). */
export function rawClient(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves when `socket` has closed (true once 'close' fired). */
export function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((r) => socket.once('close', () => r()));
}

/** Everything a socket receives until it closes. */
export function received(socket: Socket): { bytes(): Uint8Array } {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return { bytes: () => new Uint8Array(Buffer.concat(chunks)) };
}

/** Records what an observable emits and how it ends. */
export function record<T>(obs: Observable<T>): { items: T[]; end: Promise<unknown>; subscription: Subscription } {
  const items: T[] = [];
  let settle!: (v: unknown) => void;
  const end = new Promise<unknown>((r) => (settle = r));
  const subscription = obs.subscribe({ next: (v) => items.push(v), error: settle, complete: () => settle('complete') });
  return { items, end, subscription };
}
