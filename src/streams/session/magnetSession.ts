/**
 * A download that starts from a magnet link: the metadata phase, then an ordinary session on the
 * torrent it produced (optionally saving the `.torrent` first).
 *
 * @module
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { concatMap, defer, from, mergeMap, Observable, of } from 'rxjs';
import { torrentFileOf, type MagnetLink } from '../../protocol/metainfo/index.js';
import { fetchMetadata } from './metadataPhase.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import type { SessionState } from './sessionState.js';
import { torrentSession } from './torrentSession.js';

/** Options of a magnet download: a session's, with the content path derived from the name. */
export interface MagnetSessionConfig extends Omit<SessionConfig, 'path' | 'mode'> {
  /** Folder the content goes under, as `<dir>/<name>`. @default '.' */
  readonly dir?: string;
  /** Exact content path instead. */
  readonly path?: string;
  /** Write the `.torrent` here once the metadata is verified. */
  readonly saveTorrent?: string;
}

/**
 * Downloads from a magnet link.
 *
 * ```
 * magnetSession(link) ──metadata──metadata──downloading──…──seeding…
 * ```
 *
 * @returns cold session states: `metadata` while the info dict is fetched, then the download's
 * @example
 * ```ts
 * client.addMagnet(parseMagnet(uri), { dir: 'downloads' }).subscribe(render);
 * ```
 */
export function magnetSession(link: MagnetLink, config: MagnetSessionConfig, port: SwarmPort, components: SessionComponents = {}): Observable<SessionState> {
  const states$ = fetchMetadata(link, { ...config, path: '' }, port, components).pipe(
    concatMap((event) => {
      if (event.type === 'state') return of(event.state);
      const torrent = event.torrent;
      const save = config.saveTorrent === undefined ? of(undefined) : defer(() => from(writeFile(config.saveTorrent as string, torrentFileOf(torrent.infoBytes, torrent.announce))));
      const path = config.path ?? join(config.dir ?? '.', torrent.name);
      // The peers found for the metadata serve the download too.
      const peers = [...(config.peers ?? []), ...event.peers];
      return save.pipe(mergeMap(() => torrentSession(torrent, { ...config, path, peers, mode: 'download' }, port, components)));
    }),
  );
  // The client's listener is held for the whole session: the metadata phase drops its inbound route
  // before the download adds its own, and a listener left with no user in between closes (a client
  // on port 0 would then come back on another port, unknown to the peers and trackers told the first).
  return new Observable<SessionState>((subscriber) => {
    const listening = port.listening$.subscribe({ error: (err: unknown) => subscriber.error(err) });
    const session = states$.subscribe(subscriber);
    return () => {
      session.unsubscribe();
      listening.unsubscribe();
    };
  });
}
