/**
 * What a stream server serves: one torrent handle, several, or a function naming the running ones
 * (for a client whose torrents come and go). Each handle's torrent is remembered once known, so
 * the index can list a magnet link still fetching its metadata without waiting for it.
 *
 * @module
 */
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { TorrentHandle } from '../../streams/client/torrentHandle.js';

/** The handles a stream server serves. */
export type StreamSource = TorrentHandle | readonly TorrentHandle[] | (() => Iterable<TorrentHandle>);

/** A handle with what is known of its torrent. */
export interface ServedTorrent {
  readonly handle: TorrentHandle;
  /** Undefined while the torrent is not known yet (a magnet's metadata, the recheck). */
  readonly torrent: Torrent | undefined;
  /** Resolves with the torrent once known. */
  readonly ready: Promise<Torrent>;
}

/**
 * A lookup over a {@link StreamSource}.
 *
 * @example
 * ```ts
 * declare const handle: TorrentHandle;
 * const torrents = servedTorrents(handle);
 * torrents.find(handle.infoHash)?.ready.then((t) => console.log(t.files.length));
 * ```
 */
export function servedTorrents(source: StreamSource): { all(): ServedTorrent[]; find(infoHash: string): ServedTorrent | undefined } {
  const known = new WeakMap<TorrentHandle, { torrent: Torrent | undefined; ready: Promise<Torrent> }>();
  const served = (handle: TorrentHandle): ServedTorrent => {
    let entry = known.get(handle);
    if (entry === undefined) {
      const fresh: { torrent: Torrent | undefined; ready: Promise<Torrent> } = { torrent: undefined, ready: handle.torrent() };
      fresh.ready.then((t) => (fresh.torrent = t), () => undefined);
      known.set(handle, (entry = fresh));
    }
    return { handle, torrent: entry.torrent, ready: entry.ready };
  };
  const handles = (): readonly TorrentHandle[] =>
    typeof source === 'function' ? [...source()] : Array.isArray(source) ? (source as readonly TorrentHandle[]) : [source as TorrentHandle];
  return {
    all: () => handles().map(served),
    find: (infoHash) => {
      const handle = handles().find((h) => h.infoHash === infoHash);
      return handle === undefined ? undefined : served(handle);
    },
  };
}
