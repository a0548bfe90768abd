/**
 * Helpers of the magnet and PEX specs: a clock that runs faster than the wall clock (so BEP 9
 * timeouts of 15–60 s take a second or two), raw `ut_metadata` peers that lie in scripted ways
 * (built on `listenForPeers`, no session behind them), a magnet leecher on
 * 127.0.0.1:0 and an in-process HTTP tracker.
 */
import { createServer, type Server } from 'node:http';
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import { Bitfield } from '../../../src/protocol/bitfield.js';
import { encodeBencode } from '../../../src/protocol/bencode/index.js';
import { encodeMetadataMessage, metadataPieceCount, metadataPieceLength, METADATA_PIECE_LENGTH } from '../../../src/protocol/extensions/index.js';
import { parseMagnet, type MagnetLink, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { generatePeerId, type WireMessage } from '../../../src/protocol/wire/index.js';
import { createClient, type ClientConfig } from '../../../src/streams/client/createClient.js';
import { listenForPeers, type PeerConnection, type TorrentPeerOptions } from '../../../src/streams/peer/index.js';
import type { MagnetSessionConfig } from '../../../src/streams/session/magnetSession.js';
import { createTrackerApp, memoryStore } from '../../../src/tracker/index.js';
import { recordStates, type Recorded } from './faultHelpers.js';

/**
 * A scheduler whose clock runs `factor` times faster than the wall clock: `now()` advances
 * `factor` ms per real ms and a delay of `d` ms fires after `d / factor` real ms. Injected as
 * `components.scheduler`, it shortens every timer of a client at once (BEP 9 request timeouts,
 * give-up delays, handshake and keep-alive timeouts, dial back-offs) without a virtual-time
 * harness around real sockets.
 */
export function fastScheduler(factor: number): SchedulerLike {
  const origin = Date.now();
  const now = (): number => origin + (Date.now() - origin) * factor;
  function schedule<T>(work: (this: SchedulerAction<T>, state: T) => void, delay = 0, state?: T): Subscription {
    let timer: NodeJS.Timeout | undefined;
    let current = state as T;
    const action = new Subscription() as SchedulerAction<T>;
    action.schedule = (next?: T, again = 0): Subscription => {
      if (action.closed) return action;
      clearTimeout(timer);
      current = next as T;
      timer = setTimeout(() => {
        timer = undefined;
        if (!action.closed) work.call(action, current);
      }, again / factor);
      return action;
    };
    action.add(() => clearTimeout(timer));
    return action.schedule(current, delay);
  }
  return { now, schedule };
}

/** How a raw metadata peer answers a `ut_metadata` request for `piece`. */
export type MetadataAnswer = (piece: number) => Uint8Array | undefined;

/** A scripted `ut_metadata` peer. */
export interface RawMetadataPeer {
  /** The port it listens on (0 for one that only dials). */
  readonly port: number;
  /** Connections made so far. */
  readonly connections: number;
  /** Connections the other side closed (we never close one). */
  readonly hungUpOn: number;
  /** Metadata pieces requested of it, in order. */
  readonly requests: readonly number[];
  /** Payloads it sent (after the extension id), in order. */
  readonly sent: readonly Uint8Array[];
  stop(): void;
}

/** What a {@link rawMetadataPeer} announces and answers. */
export interface RawMetadataPeerConfig {
  /** The info-hash it answers handshakes for. */
  readonly infoHash: Uint8Array;
  /** `metadata_size` in its extension handshake; undefined announces none. */
  readonly metadataSize?: number;
  /** Its answer to each request; undefined (or no function) never answers. */
  readonly answer?: MetadataAnswer;
  /** `p` in its extension handshake: where it claims to listen. */
  readonly listenPort?: number;
  /** Clock of its keep-alives and timeouts. */
  readonly scheduler?: SchedulerLike;
}

/** The `ut_metadata` id the raw peer receives on (any 1..255). */
const RAW_UT_METADATA_ID = 3;

/** A raw peer's bookkeeping, and how it serves one connection. */
function rawPeerCore(config: RawMetadataPeerConfig): { options: TorrentPeerOptions; serve: (c: PeerConnection) => void; view: (port: () => number, stop: () => void) => RawMetadataPeer } {
  const stats = { connections: 0, hungUpOn: 0 };
  const requests: number[] = [];
  const sent: Uint8Array[] = [];
  const options: TorrentPeerOptions = {
    peerId: generatePeerId(),
    bitfield: () => new Bitfield(0),
    extendedHandshake: {
      extensions: { ut_metadata: RAW_UT_METADATA_ID },
      client: 'raw metadata peer',
      ...(config.metadataSize === undefined ? {} : { metadataSize: config.metadataSize }),
      ...(config.listenPort === undefined ? {} : { port: config.listenPort }),
    },
  };
  const serve = (connection: PeerConnection): void => {
    stats.connections++;
    let theirs: number | undefined;
    connection.extendedHandshake$.subscribe((h) => (theirs = h.extensions['ut_metadata']));
    connection.messages$.subscribe({
      next: (m: WireMessage) => {
        if (m.type !== 'extended' || m.id !== RAW_UT_METADATA_ID) return;
        // A request is `d8:msg_typei0e5:piecei<n>ee`: read the piece number out of it.
        const piece = Number(/5:piecei(\d+)e/.exec(Buffer.from(m.payload).toString('latin1'))?.[1]);
        requests.push(piece);
        const payload = config.answer?.(piece);
        if (payload === undefined || theirs === undefined) return;
        sent.push(payload);
        void connection.send({ type: 'extended', id: theirs, payload });
      },
      error: () => stats.hungUpOn++,
      complete: () => stats.hungUpOn++,
    });
  };
  const view = (port: () => number, stop: () => void): RawMetadataPeer => ({
    requests, sent, stop,
    get port() {
      return port();
    },
    get connections() {
      return stats.connections;
    },
    get hungUpOn() {
      return stats.hungUpOn;
    },
  });
  return { options, serve, view };
}

/**
 * A raw peer on 127.0.0.1:0: it has no pieces, announces `ut_metadata` with the configured
 * `metadata_size`, and answers metadata requests with whatever `answer` returns (bytes sent as
 * they are, so they may be anything). It never closes a connection itself.
 */
export async function rawMetadataPeer(config: RawMetadataPeerConfig): Promise<RawMetadataPeer> {
  const { options, serve, view } = rawPeerCore(config);
  let port = 0;
  let listening!: () => void;
  const bound = new Promise<void>((r) => (listening = r));
  const equal = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
  const subscription = listenForPeers({
    host: '127.0.0.1', port: 0, scheduler: config.scheduler,
    lookup: (infoHash) => (equal(infoHash, config.infoHash) ? options : undefined),
  }).subscribe((event) => {
    if (event.type === 'listening') {
      port = event.address.port;
      listening();
    } else if (event.type === 'connection') {
      serve(event.connection);
    }
  });
  await bound;
  return view(() => port, () => subscription.unsubscribe());
}

/** Answers with the matching piece of `info` (an honest answer when `info` is the real info dict). */
export const servePieces = (info: Uint8Array): MetadataAnswer => (piece) =>
  piece < metadataPieceCount(info.length)
    ? encodeMetadataMessage({ type: 'data', piece, totalSize: info.length, data: info.subarray(piece * METADATA_PIECE_LENGTH, piece * METADATA_PIECE_LENGTH + metadataPieceLength(info.length, piece)) })
    : encodeMetadataMessage({ type: 'reject', piece });

/**
 * A `data` message built by hand (the encoder refuses what a liar sends): any piece index, any
 * `total_size`, any bytes.
 */
export function rawDataMessage(piece: number, totalSize: number, data: Uint8Array): Uint8Array {
  const header = encodeBencode({ msg_type: 1, piece, total_size: totalSize });
  return Uint8Array.from([...header, ...data]);
}

/** A magnet download on a fresh client at 127.0.0.1:0, recorded. */
export interface MagnetLeech {
  readonly run: Recorded;
  readonly port: number;
}

/**
 * Starts `client.runMagnet(link, config)` on 127.0.0.1:0 (file storage under `config.dir`).
 *
 * @param client - client options and the scheduler
 */
export async function leechMagnet(link: MagnetLink | string, config: MagnetSessionConfig, client: ClientConfig & { scheduler?: SchedulerLike } = {}): Promise<MagnetLeech> {
  const { scheduler, ...clientConfig } = client;
  const c = createClient({ host: '127.0.0.1', port: 0, ...clientConfig }, { scheduler });
  const run = recordStates(c.runMagnet(typeof link === 'string' ? parseMagnet(link) : link, { seed: false, stateIntervalMs: 50, ...config }));
  const port = await new Promise<number>((resolve) => {
    const sub = c.listening$.subscribe((p) => {
      resolve(p);
      queueMicrotask(() => sub.unsubscribe());
    });
  });
  return { run, port };
}

/** An in-process HTTP tracker (`createTrackerApp`) on 127.0.0.1:0. */
export interface LocalTracker {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a tracker handing out `interval` seconds; `close` is idempotent. */
export async function startLocalTracker(interval = 60): Promise<LocalTracker> {
  const store = memoryStore();
  const app = createTrackerApp({ interval, minInterval: 1 }, { store });
  const server: Server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/announce`,
    close: () =>
      (closed ??= (async () => {
        await new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        });
        await store.close();
      })()),
  };
}

/** `link` with the given `x.pe` peers and trackers only (what a spec hands a magnet leecher). */
export function linkOf(torrent: Torrent, o: { peers?: readonly string[]; trackers?: readonly string[] } = {}): MagnetLink {
  return { ...parseMagnet(`magnet:?xt=urn:btih:${torrent.infoHash}`), name: torrent.name, peers: o.peers ?? [], trackers: o.trackers ?? [] };
}
