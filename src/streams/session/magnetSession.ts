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
        await writeFile(file, torrentFileOf(torrent.infoBytes, torrent.announce, knownLayers(torrent)));
      } catch (err) {
        throw new StorageError('ERR_STORAGE_IO', `cannot save the torrent to ${file}: ${(err as Error).message}`, { cause: err });
      }
    }
    return config.path ?? join(config.dir ?? '.', torrent.name);
  };
  return runSession({ kind: 'magnet', link, prepare }, { ...config, path: '', mode: 'download' }, port, components);
}

/**
 * The files whose piece layers go into a saved `.torrent` (BEP 52 `piece layers`): a v2-only
 * torrent's, fetched from peers before the download; none when a layer is unknown (a hybrid from
 * a magnet is verified by SHA-1 and never fetches them), since a `piece layers` dict must be whole.
 */
function knownLayers(torrent: Torrent): Torrent['files'] | undefined {
  const whole = torrent.files.every((f) => f.pad || f.length <= torrent.pieceLength || f.pieceLayer !== undefined);
  return torrent.version !== 1 && whole ? torrent.files : undefined;
}
