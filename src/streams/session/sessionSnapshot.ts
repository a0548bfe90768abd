/**
 * `sessionSnapshot(parts)`: the {@link SessionState} of a session, as a pure function of its
 * parts (time enters through the rates, sampled on the session clock). Building a snapshot
 * samples nothing and changes nothing, so how often states are emitted is a rendering choice only.
 *
 * @module
 */
import type { Priority } from '../../protocol/scheduler/pieceLevels.js';
import type { ReaderPosition } from '../../protocol/scheduler/readahead.js';
import { fileViewsOf, readerViewsOf } from './fileViews.js';
import type { MagnetLink, Torrent } from '../../protocol/metainfo/index.js';
import { formatPeerAddress } from '../../protocol/peerAddress.js';
import type { TrackerEvent } from '../../tracker/client/trackerEvents.js';
import { describePeerId } from '../../protocol/wire/index.js';
import type { ProgressBook } from './progressBook.js';
import type { RateSample } from './rateBook.js';
import { pieceMapOf, type DhtView, type PeerView, type SessionState, type SessionStatus, type TrackerView } from './sessionState.js';
import type { Link } from './swarmLinks.js';
import type { WebSeedView } from '../webseed/webSeed.js';

/** Where a session is in its life, and how far its current step is. */
export interface SessionPhase {
  readonly status: SessionStatus;
  /** While checking: fraction of pieces rechecked. */
  readonly checked: number;
  /** Pieces read back and hashed by the recheck. */
  readonly rechecked: number;
  /** While fetching a magnet's metadata: fraction of the info dict received. */
  readonly metadata?: number | undefined;
}

/** What a snapshot is made of. */
export interface SnapshotParts {
  /** The torrent, or the magnet link while its metadata is fetched. */
  readonly source: Torrent | MagnetLink;
  readonly phase: SessionPhase;
  /** What we have, once the recheck is done. */
  readonly book: ProgressBook | undefined;
  readonly links: Iterable<Link>;
  /** Payload bytes received and sent so far (live counters). */
  readonly downloaded: number;
  readonly uploaded: number;
  /** The latest sample of the session clock. */
  readonly rates: RateSample;
  readonly trackers: Iterable<TrackerView>;
  /** The DHT as a peer source, when one runs for this torrent. */
  readonly dht?: DhtView;
  /** The last dial that failed. */
  readonly lastDialFailure?: SessionState['lastDialFailure'];
  /** Pieces in flight. */
  readonly downloading: ReadonlySet<number>;
  /** The user's file priorities (missing: normal). */
  readonly priorities?: readonly Priority[];
  /** Readers streaming from the torrent. */
  readonly readers?: readonly ReaderPosition[];
  /** The torrent's web seeds (their bytes are not in `downloaded`, nor their rates in `rates`). */
  readonly webSeeds?: readonly WebSeedView[];
}

/**
 * The current snapshot.
 *
 * @example
 * ```ts
 * declare const subscriber: import('rxjs').Subscriber<SessionState>, parts: SnapshotParts, links: SwarmLinks;
 * subscriber.next(sessionSnapshot({ ...parts, source: torrent, links: links.all() }));
 * ```
 */
export function sessionSnapshot(parts: SnapshotParts): SessionState {
  const { source, book, rates } = parts;
  const torrent = 'pieces' in source ? source : undefined;
  const pieceCount = torrent?.pieceCount ?? 0;
  const length = torrent?.length ?? (source as MagnetLink).length ?? 0;
  const left = book?.left ?? length;
  const peers: PeerView[] = [];
  for (const { peer, state } of parts.links) {
    const client = describePeerId(peer.peerId);
    const peerRates = rates.peers.get(peer.key);
    peers.push({
      address: formatPeerAddress(peer.address),
      client: client === undefined ? undefined : `${client.client} ${client.version}`.trim(),
      direction: peer.direction,
      downloadRate: peerRates?.downloadRate ?? 0,
      uploadRate: peerRates?.uploadRate ?? 0,
      downloaded: peer.connection.downloadedBytes,
      uploaded: peer.connection.uploadedBytes,
      peerChoking: state.peerChoking,
      amInterested: state.amInterested,
      amChoking: state.amChoking,
      peerInterested: state.peerInterested,
      progress: pieceCount === 0 ? 0 : state.peerPieces.count / pieceCount,
      encrypted: peer.connection.encrypted,
    });
  }
  const phase = parts.phase;
  const webSeeds = parts.webSeeds ?? [];
  const webRate = webSeeds.reduce((sum, w) => sum + w.rate, 0);
  const downloadRate = rates.downloadRate + webRate;
  return {
    infoHash: source.infoHash,
    name: source.name ?? source.infoHash,
    status: phase.status,
    progress: book?.progress ?? 0,
    checked: phase.checked,
    rechecked: phase.rechecked,
    ...(phase.metadata === undefined ? {} : { metadata: phase.metadata }),
    pieceCount,
    piecesHave: book?.have.count ?? 0,
    length,
    left,
    downloaded: parts.downloaded + webSeeds.reduce((sum, w) => sum + w.downloaded, 0),
    uploaded: parts.uploaded,
    downloadRate,
    uploadRate: rates.uploadRate,
    eta: left === 0 ? undefined : downloadRate > 0 ? left / downloadRate : undefined,
    peers,
    trackers: [...parts.trackers],
    ...(parts.dht === undefined ? {} : { dht: parts.dht }),
    ...(parts.lastDialFailure === undefined ? {} : { lastDialFailure: parts.lastDialFailure }),
    pieceMap: torrent === undefined ? '' : pieceMapOf(pieceCount, (i) => book?.have.has(i) ?? false, parts.downloading),
    ...(torrent === undefined ? {} : { files: fileViewsOf(torrent, (i) => book?.have.has(i) ?? false, parts.priorities ?? []) }),
    ...(webSeeds.length === 0 ? {} : { webSeeds }),
    ...(torrent === undefined || (parts.readers ?? []).length === 0 ? {} : { readers: readerViewsOf(torrent, parts.readers ?? []) }),
  };
}

/**
 * A tracker's row in the state, after one of its events; undefined for events that change none.
 *
 * @example
 * ```ts
 * declare const event: TrackerEvent, scheduler: import('rxjs').SchedulerLike, trackers: Map<string, TrackerView>;
 * const view = trackerViewOf(event, scheduler.now()); if (view) trackers.set(view.url, view);
 * ```
 */
export function trackerViewOf(event: TrackerEvent, now: number): TrackerView | undefined {
  if (event.type !== 'status') return undefined;
  return {
    url: event.tracker,
    ok: event.ok,
    message: event.ok ? event.warning : event.error.message,
    seeders: event.ok ? event.complete : undefined,
    leechers: event.ok ? event.incomplete : undefined,
    at: now,
  };
}
