/**
 * `SessionState`: the immutable snapshot a session emits a few times a second, shaped for UIs
 * (a terminal bar, a web dashboard) to render directly.
 *
 * @module
 */
import type { FileView, MAX_FILE_VIEWS, ReaderView } from './fileViews.js';
import type { WebSeedView } from '../webseed/webSeed.js';

export type { FileView, ReaderView } from './fileViews.js';

/** Where a session is in its life. */
export type SessionStatus = 'metadata' | 'starting' | 'checking' | 'downloading' | 'seeding' | 'done';

/** One connected peer, as a UI shows it. */
export interface PeerView {
  /** `host:port`. */
  readonly address: string;
  /** Client name and version decoded from its peer id, e.g. `libtorrent 2.0.8`, when known. */
  readonly client: string | undefined;
  readonly direction: 'inbound' | 'outbound';
  /** Bytes/s we receive from it, and send to it (smoothed). */
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** Payload bytes received from and sent to it on this connection. */
  readonly downloaded: number;
  readonly uploaded: number;
  /** It is choking us / we are interested / we choke it / it is interested. */
  readonly peerChoking: boolean;
  readonly amInterested: boolean;
  readonly amChoking: boolean;
  readonly peerInterested: boolean;
  /** Fraction of the pieces it has, 0..1. */
  readonly progress: number;
  /** The connection is encrypted (MSE/PE, RC4). */
  readonly encrypted: boolean;
}

/** One tracker, as a UI shows it. */
export interface TrackerView {
  readonly url: string;
  readonly ok: boolean;
  /** Failure text when `ok` is false, or the tracker's warning. */
  readonly message: string | undefined;
  readonly seeders: number | undefined;
  readonly leechers: number | undefined;
  /** Time of the last answer or failure (ms since the epoch of the session's clock). */
  readonly at: number;
}

/** The DHT as one of a torrent's peer sources (BEP 5), as a UI shows it. */
export interface DhtView {
  /** Nodes in our routing table (shared by every torrent of the client). */
  readonly nodes: number;
  /** Lookups of this torrent done so far (each announces our port at its end). */
  readonly lookups: number;
  /** Whether a lookup runs now. */
  readonly searching: boolean;
  /** Time the last lookup ended (ms on the session's clock); undefined before the first. */
  readonly lastLookupAt: number | undefined;
  /** Distinct peer addresses the DHT gave this torrent. */
  readonly peersFound: number;
  /** Nodes that took our last announce. */
  readonly announcedTo: number;
  /** Why the DHT stopped for this torrent (its socket failed); undefined while it runs. */
  readonly error?: string;
}

/** A snapshot of one torrent's session. */
export interface SessionState {
  readonly infoHash: string;
  readonly name: string;
  readonly status: SessionStatus;
  /** Fraction of the content we have, 0..1. */
  readonly progress: number;
  /** While `checking`: fraction of pieces rechecked. */
  readonly checked: number;
  /** Pieces read back and hashed at start (0 when a resume record was trusted). */
  readonly rechecked: number;
  /** While `metadata` (a magnet link): fraction of the info dict received. */
  readonly metadata?: number;
  readonly pieceCount: number;
  readonly piecesHave: number;
  /** Content length in bytes. */
  readonly length: number;
  /** Bytes still missing. */
  readonly left: number;
  /** Payload bytes received and sent by this session. */
  readonly downloaded: number;
  readonly uploaded: number;
  /** Bytes/s, smoothed over a few seconds. */
  readonly downloadRate: number;
  readonly uploadRate: number;
  /** Seconds until done at the current rate; undefined when unknown or done. */
  readonly eta: number | undefined;
  readonly peers: readonly PeerView[];
  readonly trackers: readonly TrackerView[];
  /** The last dial that failed (it is retried after a back-off): why a session may show no peer. */
  readonly lastDialFailure?: { readonly address: string; readonly message: string; readonly at: number };
  /** The DHT as a peer source; absent when the client runs no DHT or the torrent is private. */
  readonly dht?: DhtView;
  /**
   * A compact piece map of at most {@link PIECE_MAP_CELLS} cells, each covering an equal run of
   * pieces: `h` all had, `d` some being downloaded, `p` some had, `m` missing.
   */
  readonly pieceMap: string;
  /** The torrent's files (at most {@link MAX_FILE_VIEWS}) with priority and progress; absent until the torrent is known. */
  readonly files?: readonly FileView[];
  /** Its web seeds (BEP 19 `url-list`), with status and why; absent when it has none. */
  readonly webSeeds?: readonly WebSeedView[];
  /** Readers streaming from it now (`read$`, `createReadStream`, the stream server); absent when none. */
  readonly readers?: readonly ReaderView[];
}

/** Most cells in {@link SessionState.pieceMap}. */
export const PIECE_MAP_CELLS = 1024;

/**
 * Builds the compact piece map.
 *
 * @param pieceCount - pieces in the torrent
 * @param has - whether we have a piece
 * @param downloading - pieces in flight
 * @returns one character per cell
 * @example
 * ```ts
 * pieceMapOf(4, (i) => i < 2, new Set([2])); // 'hhdm'
 * ```
 */
export function pieceMapOf(pieceCount: number, has: (index: number) => boolean, downloading: ReadonlySet<number>): string {
  const cells = Math.min(pieceCount, PIECE_MAP_CELLS);
  let out = '';
  for (let c = 0; c < cells; c++) {
    const first = Math.floor((c * pieceCount) / cells);
    const last = Math.floor(((c + 1) * pieceCount) / cells);
    let had = 0;
    let busy = false;
    for (let i = first; i < last; i++) {
      if (has(i)) had++;
      else if (downloading.has(i)) busy = true;
    }
    out += had === last - first ? 'h' : busy ? 'd' : had > 0 ? 'p' : 'm';
  }
  return out;
}
