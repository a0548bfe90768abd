/**
 * A download that starts from a magnet link: the metadata is fetched from the session's peers,
 * then the download goes on over the same connections (one connection per peer, no redial).
 *
 * @module
 */
import { makeDirs } from '../storage/makeDirs.js';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Observable } from 'rxjs';
import { StorageError } from '../../errors.js';
import { torrentFileOf, type MagnetLink, type Torrent } from '../../protocol/metainfo/index.js';
import { runSession } from './runSession.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import type { SessionState } from './sessionState.js';

/** Options of a magnet download: a session's, with the content path derived from the name. */
export interface MagnetSessionConfig extends Omit<SessionConfig, 'path' | 'mode'> {
  /** Folder the content goes under, as `<dir>/<name>`. @default '.' */
  readonly dir?: string;
  /** Exact content path instead. */
  readonly path?: string;
  /** Write the `.torrent` here once the metadata is verified (its folder is created). */
  readonly saveTorrent?: string;
}

/**
 * Downloads from a magnet link.
 *
 * ```
 * magnetSession(link) ──metadata──metadata──starting──downloading──…──seeding…
 * ```
 *
 * @returns cold session states: `metadata` while the info dict is fetched, then the download's
 * @example
 * ```ts
 * const client = createClient({ port: 0 });
 * client.runMagnet(parseMagnet('magnet:?xt=urn:btih:…'), { dir: 'downloads' }).subscribe((s) => console.log(s.status));
 * ```
 */
export function magnetSession(link: MagnetLink, config: MagnetSessionConfig, port: SwarmPort, components: SessionComponents = {}): Observable<SessionState> {
  const prepare = async (torrent: Torrent): Promise<string> => {
    const file = config.saveTorrent;
    if (file !== undefined) {
      try {
        await makeDirs(dirname(file));
        // A v2 torrent's piece layers, fetched from peers, go into the file too (BEP 52 `piece layers`).
        await writeFile(file, torrentFileOf(torrent.infoBytes, torrent.announce, torrent.version === 1 ? undefined : torrent.files));
      } catch (err) {
        throw new StorageError('ERR_STORAGE_IO', `cannot save the torrent to ${file}: ${(err as Error).message}`, { cause: err });
      }
    }
    return config.path ?? join(config.dir ?? '.', torrent.name);
  };
  return runSession({ kind: 'magnet', link, prepare }, { ...config, path: '', mode: 'download' }, port, components);
}
