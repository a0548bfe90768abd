/**
 * Helpers of the "hostile and faulty world" specs: torrents in memory, in-process seeders on
 * 127.0.0.1:0, storages that stall, lie or fail on command, a raw hostile peer, and a counting
 * TCP relay.
 */
import { createServer, connect, type Socket } from 'node:net';
import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { StorageError } from '../../../src/errors.js';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { buildMetainfo, parseMetainfo, pieceSize, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { BLOCK_LENGTH } from '../../../src/protocol/metainfo/layout.js';
import { generatePeerId } from '../../../src/protocol/wire/index.js';
import { createClient, type ClientConfig } from '../../../src/streams/client/createClient.js';
import { listenForPeers, type PeerConnection } from '../../../src/streams/peer/index.js';
import type { SessionConfig } from '../../../src/streams/session/sessionConfig.js';
import type { SessionState } from '../../../src/streams/session/sessionState.js';
import type { PieceStorage } from '../../../src/streams/storage/index.js';
import { payloadBytes } from '../../helpers/payload.js';
export { until } from '../../helpers/until.js';
import { hashes } from '../../protocol/metainfo/fixtures.js';

/** A single-file torrent over deterministic bytes, and those bytes. */
export function fixture(length: number, pieceLength = 32768, seed = 8): { torrent: Torrent; bytes: Uint8Array; data: Uint8Array } {
  const data = payloadBytes(length, seed);
  const bytes = buildMetainfo({ name: 'f.bin', multiFile: false, files: [{ path: ['f.bin'], length }], pieceLength, pieces: hashes(data, pieceLength) });
  return { torrent: parseMetainfo(bytes), bytes, data };
}

/** A copy of `data` with one byte flipped in the middle of each of `pieces`. */
export function corruptCopy(torrent: Torrent, data: Uint8Array, pieces: Iterable<number>): Uint8Array {
  const out = data.slice();
  for (const index of pieces) {
    const at = index * torrent.pieceLength + Math.floor(pieceSize(torrent, index) / 2);
    out[at] = out[at]! ^ 0xff;
  }
  return out;
}

/** `host:port` of a loopback port, as `PeerView.address` shows it. */
export const loopback = (port: number): string => `127.0.0.1:${port}`;

/** A running in-process seeder. */
export interface Seeder {
  readonly port: number;
  /** Every state snapshot so far. */
  readonly states: SessionState[];
  /** Stops the session (closes its connections and, with the last session, its listener). */
  stop(): void;
}

/**
 * Seeds `storage` from a fresh client on 127.0.0.1:0; resolves once it is seeding.
 *
 * @param client - client options (e.g. `uploadRate`)
 */
export async function startSeeder(torrent: Torrent, storage: PieceStorage, client: ClientConfig = {}, session: Partial<SessionConfig> = {}): Promise<Seeder> {
  const c = createClient({ host: '127.0.0.1', port: 0, ...client });
  const states: SessionState[] = [];
  let seeding!: () => void;
  let failed!: (err: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((seeding = resolve), (failed = reject)));
  const subscription = c.run(torrent, { path: 'unused', mode: 'seed', stateIntervalMs: 50, ...session }, { storage }).subscribe({
    next: (s) => {
      states.push(s);
      if (s.status === 'seeding') seeding();
    },
    error: failed,
  });
  const timer = setTimeout(() => failed(new Error(`the seeder is not seeding after 10 s: ${JSON.stringify(states[states.length - 1]?.status)}`)), 10_000);
  try {
    await ready;
  } catch (err) {
    subscription.unsubscribe();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const port = await firstValueFrom(c.listening$);
  return { port, states, stop: () => subscription.unsubscribe() };
}

/** Records a session's states and how it ended. */
export interface Recorded {
  readonly states: SessionState[];
  readonly latest: () => SessionState | undefined;
  /** Resolves with the error or `'complete'`. */
  readonly end: Promise<unknown>;
  readonly subscription: Subscription;
  /** The first state matching `predicate` (already seen or future); rejects after `ms`. */
  until(predicate: (s: SessionState) => boolean, ms: number): Promise<SessionState>;
}

/** Subscribes to `states$` and records everything. */
export function recordStates(states$: Observable<SessionState>): Recorded {
  const states: SessionState[] = [];
  const waiters = new Set<(s: SessionState) => void>();
  let settle!: (v: unknown) => void;
  const end = new Promise<unknown>((r) => (settle = r));
  const subscription = states$.subscribe({
    next: (s) => {
      states.push(s);
      for (const w of [...waiters]) w(s);
    },
    error: settle,
    complete: () => settle('complete'),
  });
  return {
    states, end, subscription,
    latest: () => states[states.length - 1],
    until: (predicate, ms) =>
      new Promise((resolve, reject) => {
        const seen = states.find(predicate);
        if (seen !== undefined) return resolve(seen);
        const timer = setTimeout(() => {
          waiters.delete(look);
          reject(new Error(`no matching state within ${ms} ms; last: ${JSON.stringify({ ...states[states.length - 1], pieceMap: undefined })}`));
        }, ms);
        const look = (s: SessionState): void => {
          if (!predicate(s)) return;
          clearTimeout(timer);
          waiters.delete(look);
          resolve(s);
        };
        waiters.add(look);
        void end.then((how) => {
          if (!waiters.has(look)) return;
          clearTimeout(timer);
          waiters.delete(look);
          reject(new Error(`the session ended (${how instanceof Error ? how.message : String(how)}) before a matching state`));
        });
      }),
  };
}

/** A storage that answers reads honestly (so a seeder's recheck passes), until told to lie. */
export interface LyingStorage extends PieceStorage {
  /** From now on every read hangs (a peer that takes requests and never answers). */
  stall(): void;
  /** From now on reads come from `served` (a seeder of corrupt data). */
  serve(served: PieceStorage): void;
  /** Reads that hung so far. */
  readonly stalledReads: number;
}

/** Wraps `inner`: reads pass through until {@link LyingStorage.stall} or {@link LyingStorage.serve}. */
export function lyingStorage(inner: PieceStorage): LyingStorage {
  let source: PieceStorage | 'stalled' = inner;
  let hung = 0;
  return {
    readBlock: (index, begin, length) => {
      if (source !== 'stalled') return source.readBlock(index, begin, length);
      hung++;
      return new Promise<Uint8Array>(() => undefined);
    },
    writePiece: (index, data) => inner.writePiece(index, data),
    finalize: () => inner.finalize(),
    close: () => inner.close(),
    stall: () => void (source = 'stalled'),
    serve: (served) => void (source = served),
    get stalledReads() {
      return hung;
    },
  };
}

/** A storage that records every write, and fails writes with a typed error on command. */
export interface RecordingStorage extends PieceStorage {
  /** Pieces whose write resolved, in order. */
  readonly written: readonly number[];
  /** Writes that were refused. */
  readonly refused: readonly number[];
}

/**
 * Wraps `inner`: the first `okWrites` writes pass, every later one rejects with `error` (and
 * writes nothing).
 */
export function recordingStorage(inner: PieceStorage, okWrites: number, error = new StorageError('ERR_STORAGE_NO_SPACE', 'no space left on device (injected)')): RecordingStorage {
  const written: number[] = [];
  const refused: number[] = [];
  let started = 0;
  return {
    written, refused,
    readBlock: (index, begin, length) => inner.readBlock(index, begin, length),
    writePiece: async (index, data) => {
      if (started++ >= okWrites) {
        refused.push(index);
        throw error;
      }
      await inner.writePiece(index, data);
      written.push(index);
    },
    finalize: () => inner.finalize(),
    close: () => inner.close(),
  };
}

/** What the raw hostile peer did. */
export interface HostilePeer {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** `piece` messages sent that were never requested, and their payload bytes. */
  readonly spamMessages: number;
  readonly spamBytes: number;
  /** Requests received (never answered). */
  readonly requests: number;
  stop(): void;
}

/**
 * A raw peer (our own `listenForPeers`, no session behind it): it claims every piece (`have-all`
 * from the handshake), unchokes, never answers a request, and every `intervalMs` sends a burst of
 * `piece` messages nobody asked for — random bytes at random places inside the pieces: whole
 * blocks, short blocks, unaligned offsets (a block past a piece's end is a protocol error that
 * ends the connection: see spec/streams/session/peerOptions.spec.ts). Whole aligned blocks go only to pieces
 * the victim announced (`have`): any other one might be a request still on its way to us, and a
 * spam block that answers a request is bad data, not spam (smart ban rightly strikes it).
 */
export async function hostilePeer(torrent: Torrent, config: { intervalMs?: number; burst?: number; random?: () => number } = {}): Promise<HostilePeer> {
  const random = config.random ?? Math.random;
  const stats = { connections: 0, spamMessages: 0, spamBytes: 0, requests: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const asked = new Set<string>();
  /** Pieces the victim announced: never requested again, so whole blocks there are pure spam. */
  const had: number[] = [];
  const options = { peerId: generatePeerId(), bitfield: () => Bitfield.full(torrent.pieceCount), limits: { pieceCount: torrent.pieceCount } };
  const spam = (connection: PeerConnection): void => {
    for (let n = 0; n < (config.burst ?? 8); n++) {
      const drawn = Math.floor(random() * 3);
      const kind = drawn === 0 && had.length === 0 ? 1 : drawn;
      const index = kind === 0 ? had[Math.floor(random() * had.length)]! : Math.floor(random() * torrent.pieceCount);
      const size = pieceSize(torrent, index);
      const blocks = Math.ceil(size / BLOCK_LENGTH);
      // 0: a whole aligned block; 1: a short block; 2: an unaligned offset.
      const begin = kind === 2 ? 1 + Math.floor(random() * (size - 2)) : Math.floor(random() * blocks) * BLOCK_LENGTH;
      const room = Math.max(1, size - begin);
      const length = kind === 1 ? 1 + Math.floor(random() * Math.min(1000, room)) : Math.min(BLOCK_LENGTH, room);
      if (asked.has(`${index}:${begin}`)) continue;
      const block = new Uint8Array(length);
      for (let i = 0; i < length; i += 4096) block[i] = Math.floor(random() * 256);
      stats.spamMessages++;
      stats.spamBytes += length;
      void connection.send({ type: 'piece', index, begin, block });
    }
  };
  let port = 0;
  let listening!: () => void;
  const bound = new Promise<void>((r) => (listening = r));
  const subscription = listenForPeers({ host: '127.0.0.1', port: 0, lookup: () => options }).subscribe((event) => {
    if (event.type === 'listening') {
      port = event.address.port;
      listening();
      return;
    }
    if (event.type !== 'connection') return;
    const connection = event.connection;
    stats.connections++;
    void connection.send({ type: 'unchoke' });
    const timer = setInterval(() => (connection.closed ? clearInterval(timer) : spam(connection)), config.intervalMs ?? 5);
    timers.add(timer);
    connection.messages$.subscribe({
      next: (m) => {
        if (m.type === 'request') {
          stats.requests++;
          asked.add(`${m.index}:${m.begin}`);
        }
        if (m.type === 'have') had.push(m.index);
      },
      error: () => clearInterval(timer),
      complete: () => clearInterval(timer),
    });
  });
  await bound;
  return {
    port,
    get connections() {
      return stats.connections;
    },
    get spamMessages() {
      return stats.spamMessages;
    },
    get spamBytes() {
      return stats.spamBytes;
    },
    get requests() {
      return stats.requests;
    },
    stop: () => {
      for (const t of timers) clearInterval(t);
      subscription.unsubscribe();
    },
  };
}

/** A TCP relay in front of a peer, counting the connections made through it. */
export interface CountingProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections open now. */
  readonly open: number;
  /** Bytes relayed from the peer to whoever dialled it. */
  readonly bytesFromTarget: number;
  close(): Promise<void>;
}

/**
 * Relays 127.0.0.1:<port> to 127.0.0.1:`target`, so a spec sees exactly how often a session dials
 * that peer (state snapshots can miss a connection that lives less than a snapshot interval).
 */
export async function countingProxy(target: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let open = 0;
  let fromTarget = 0;
  const server = createServer((inbound) => {
    accepted++;
    open++;
    const outbound = connect({ host: '127.0.0.1', port: target });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    outbound.on('data', (chunk: Buffer) => void (fromTarget += chunk.length));
    inbound.pipe(outbound).pipe(inbound);
    let counted = true;
    const end = (): void => {
      if (counted) open--;
      counted = false;
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.once('close', end);
    outbound.once('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    get accepted() {
      return accepted;
    },
    get open() {
      return open;
    },
    get bytesFromTarget() {
      return fromTarget;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Resolves after `ms` (only to watch that something does NOT happen for a while). */
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
