/**
 * One-torrent shortcuts over a private client: `download()` and `seed()`.
 *
 * @module
 */
import { join } from 'node:path';
import type { Observable } from 'rxjs';
import type { Torrent } from '../protocol/metainfo/index.js';
import { createClient, type ClientComponents, type ClientConfig } from './client/createClient.js';
import type { SessionComponents, SessionConfig } from './session/sessionConfig.js';
import type { SessionState } from './session/sessionState.js';

/** Options of {@link download}: client options plus session options. */
export interface DownloadConfig extends ClientConfig, Omit<SessionConfig, 'path' | 'mode'> {
  /** Folder the content is saved under (as `<dir>/<torrent name>`). @default '.' */
  readonly dir?: string;
  /** Exact content path instead of `<dir>/<name>` (the file, or the top folder). */
  readonly path?: string;
}

/** Options of {@link seed}. */
export interface SeedConfig extends ClientConfig, Omit<SessionConfig, 'mode' | 'seed'> {}

/**
 * Downloads a torrent (then keeps seeding unless `seed: false`).
 *
 * ```
 * download(t, cfg) ──starting──downloading(0.1)──…──seeding──…    (…──done| with seed: false)
 * ```
 *
 * @param torrent - what to fetch
 * @param config - where to save, who to connect to, limits
 * @param components - storage, scheduler, RNG, announce function
 * @returns cold session state snapshots; unsubscribing stops cleanly (announces `stopped`)
 * @example
 * ```ts
 * download(await readTorrent('x.torrent'), { dir: 'downloads', maxPeers: 30 })
 *   .subscribe((s) => console.log(`${(s.progress * 100).toFixed(1)}% ${s.peers.length} peers`));
 * ```
 */
export function download(torrent: Torrent, config: DownloadConfig = {}, components: ClientComponents & SessionComponents = {}): Observable<SessionState> {
  const path = config.path ?? join(config.dir ?? '.', torrent.name);
  return createClient(config, components).add(torrent, { ...config, path, mode: 'download' }, { storage: components.storage });
}

/**
 * Seeds content you already have: rechecks it, announces as a seeder and serves it.
 *
 * @param torrent - what to share
 * @param config - `path`: the content itself (the file, or the top folder)
 * @param components - storage, scheduler, RNG, announce function
 * @returns cold session state snapshots
 * @example
 * ```ts
 * seed(torrent, { path: './ubuntu.iso', port: 6881 }).subscribe(render);
 * ```
 */
export function seed(torrent: Torrent, config: SeedConfig, components: ClientComponents & SessionComponents = {}): Observable<SessionState> {
  return createClient(config, components).add(torrent, { ...config, mode: 'seed', seed: true }, { storage: components.storage });
}
