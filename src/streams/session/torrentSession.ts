/**
 * `torrentSession`: one torrent's session from its `.torrent` (see {@link runSession}, the
 * composition root it runs).
 *
 * @module
 */
import type { Observable } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { runSession } from './runSession.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import type { SessionState } from './sessionState.js';

/**
 * Runs one torrent: download what is missing (or seed what is there), then keep seeding.
 *
 * ```
 * torrentSession(t, cfg, port) ──starting──checking…──downloading…──seeding…   (done| with seed: false)
 * ```
 *
 * @param torrent - what to share
 * @param config - content path, mode, peers, limits
 * @param port - the client's identity, listener, dialler and rate limits
 * @param components - storage, scheduler, RNG, announce function
 * @returns cold state snapshots; unsubscribing closes connections, announces `stopped`, closes files
 * @example
 * ```ts
 * const client = createClient({ port: 0 });
 * client.run(torrent, { path: 'downloads/ubuntu.iso' }).subscribe((s) => console.log(s.progress));
 * ```
 */
export function torrentSession(torrent: Torrent, config: SessionConfig, port: SwarmPort, components: SessionComponents = {}): Observable<SessionState> {
  return runSession({ kind: 'torrent', torrent }, config, port, components);
}
