/**
 * One-torrent shortcuts over a private client: `download()` and `seed()`.
 *
 * @module
 */
import { join } from 'node:path';
import { defer, from, mergeMap, type Observable } from 'rxjs';
import { parseMagnet, parseMetainfo, type MagnetLink, type Torrent } from '../protocol/metainfo/index.js';
import { createClient, type ClientComponents, type ClientConfig } from './client/createClient.js';
import type { SessionComponents, SessionConfig } from './session/sessionConfig.js';
import type { SessionState } from './session/sessionState.js';
import { readTorrent } from './readTorrent.js';

/**
 * What {@link download} takes: a torrent, a parsed magnet link, a `magnet:?` URI, a bare v1
 * info-hash (40 hex digits), the path of a `.torrent` file, or its bytes.
 */
export type TorrentSource = Torrent | MagnetLink | string | Uint8Array;

/** Options of {@link download}: client options plus session options. */
export interface DownloadConfig extends ClientConfig, Omit<SessionConfig, 'path' | 'mode'> {
  /** For a magnet link: write the `.torrent` here once the metadata is verified. */
  readonly saveTorrent?: string;
  /** Where the content goes: the file, or the top folder (the `path` of `client.add`). */
  readonly path?: string;
  /**
   * Instead of `path`: the folder the content goes under, as `<dir>/<torrent name>` (for a magnet
   * link, whose name is known only once its metadata arrives). @default '.'
   */
  readonly dir?: string;
}

/** Options of {@link seed}. */
export interface SeedConfig extends ClientConfig, Omit<SessionConfig, 'mode' | 'seed'> {}

/**
 * Downloads a torrent, or a magnet link (its metadata fetched from peers first, BEP 9), then keeps
 * seeding unless `seed: false`.
 *
 * ```
 * download(t, cfg) ──starting──downloading(0.1)──…──seeding──…    (…──done| with seed: false)
 * ```
 *
 * @param source - see {@link TorrentSource}: v1, hybrid or v2-only (a v2-only magnet's or
 *   layerless `.torrent`'s piece layers are fetched from peers that set the v2 bit first, BEP 52)
 * @param config - where to save, who to connect to, limits
 * @param components - storage, scheduler, RNG, announce function
 * @returns cold session state snapshots; unsubscribing stops cleanly (announces `stopped`). Every
 *   error, a bad source or bad options included, arrives on the observable (nothing throws)
 * @example
 * ```ts
 * download(await readTorrent('x.torrent'), { path: 'downloads/x', maxPeers: 30 })
 *   .subscribe((s) => console.log(`${(s.progress * 100).toFixed(1)}% ${s.peers.length} peers`));
 * ```
 */
export function download(source: TorrentSource, config: DownloadConfig = {}, components: ClientComponents & SessionComponents = {}): Observable<SessionState> {
  return defer(() => from(resolveSource(source))).pipe(
    mergeMap((link) => {
      const client = createClient(config, components);
      if (!('pieces' in link)) return client.runMagnet(link, config);
      const path = config.path ?? join(config.dir ?? '.', link.name);
      return client.run(link, { ...config, path, mode: 'download' }, { storage: components.storage });
    }),
  );
}

/** Reads, parses or passes on a {@link TorrentSource}. */
async function resolveSource(source: TorrentSource): Promise<Torrent | MagnetLink> {
  if (source instanceof Uint8Array) return parseMetainfo(source);
  if (typeof source !== 'string') return source;
  if (/^magnet:/i.test(source)) return parseMagnet(source);
  if (/^[0-9a-f]{40}$/i.test(source)) return parseMagnet(`magnet:?xt=urn:btih:${source}`);
  return readTorrent(source);
}

/**
 * Seeds content you already have: rechecks it, announces as a seeder and serves it.
 *
 * @param torrent - what to share: a torrent, the path of a `.torrent` file, or its bytes
 * @param config - `path`: the content itself (the file, or the top folder)
 * @param components - storage, scheduler, RNG, announce function
 * @returns cold session state snapshots
 * @example
 * ```ts
 * declare function render(state: SessionState): void;
 * seed(torrent, { path: './ubuntu.iso', port: 6881 }).subscribe(render);
 * ```
 */
export function seed(torrent: Torrent | string | Uint8Array, config: SeedConfig, components: ClientComponents & SessionComponents = {}): Observable<SessionState> {
  return defer(() => from(typeof torrent === 'string' ? readTorrent(torrent) : Promise.resolve(torrent instanceof Uint8Array ? parseMetainfo(torrent) : torrent))).pipe(
    mergeMap((t) => createClient(config, components).run(t, { ...config, mode: 'seed', seed: true }, { storage: components.storage })),
  );
}
