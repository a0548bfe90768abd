/**
 * What a session fetches before it can download: a magnet's info dict (BEP 9, `metadataFlow`),
 * then, for a v2-only torrent that lacks them, its piece layers (BEP 52, `layerFetchFlow`). Split
 * from `runSession`: each phase runs over the session's links and ends with the torrent.
 *
 * @module
 */
import { Subscription, timer, type SchedulerLike } from 'rxjs';
import { ExtensionError } from '../../errors.js';
import type { MagnetLink, Torrent } from '../../protocol/metainfo/index.js';
import { layerFetchFlow } from './layerFetchFlow.js';
import type { Ban, SendCommand } from './linkEvents.js';
import { metadataFlow } from './metadataFlow.js';
import type { SessionConfig } from './sessionConfig.js';
import type { SwarmLinks } from './swarmLinks.js';

/** What both phases read and report to. */
export interface PhaseInput {
  readonly links: SwarmLinks;
  readonly scheduler: SchedulerLike;
  readonly send: (command: SendCommand) => void;
  /** Fraction of this phase's data received. */
  readonly progress: (fraction: number) => void;
  /** The phase is over: the torrent it ends with. */
  readonly done: (torrent: Torrent) => void;
  readonly fail: (err: unknown) => void;
}

/**
 * Fetches a magnet's info dict from the session's peers, failing with `ERR_EXT_METADATA_TIMEOUT`
 * after `metadataTimeoutMs` without it.
 *
 * @returns the running subscription
 * @example
 * ```ts
 * declare const teardown: import('rxjs').Subscription, link: MagnetLink, config: SessionConfig, phase: PhaseInput;
 * declare function learned(torrent: Torrent): void;
 * teardown.add(fetchMetadata(link, config, { ...phase, done: learned }));
 * ```
 */
export function fetchMetadata(link: MagnetLink, config: Pick<SessionConfig, 'metadata' | 'metadataTimeoutMs'>, p: PhaseInput): Subscription {
  const subscription = new Subscription();
  let known = false;
  const limit = config.metadataTimeoutMs;
  if (limit !== undefined) {
    subscription.add(timer(limit, p.scheduler).subscribe(() => {
      if (!known) p.fail(new ExtensionError('ERR_EXT_METADATA_TIMEOUT', `no metadata after ${(limit / 1000).toFixed(0)} s (${p.links.size} peers connected)`));
    }));
  }
  subscription.add(metadataFlow({ link, links$: p.links.events$, metadata: config.metadata, scheduler: p.scheduler }).subscribe({
    error: p.fail,
    next: (out) => {
      switch (out.type) {
        case 'send': return p.send(out);
        case 'close': return p.links.close(out.peer);
        case 'progress': return p.progress(out.status.pieceCount === 0 ? 0 : out.status.piecesReceived / out.status.pieceCount);
        case 'torrent':
          known = true;
          return p.done(out.torrent);
      }
    },
  }));
  return subscription;
}

/**
 * Fetches the piece layers a v2-only torrent lacks from the session's v2 peers (`done` at once
 * when none is missing). A peer whose hashes do not chain to a root is banned.
 *
 * @param ban - bans a peer (the session's ban loop)
 * @returns the running subscription
 * @example
 * ```ts
 * declare const teardown: import('rxjs').Subscription, bans$: import('rxjs').Subject<Ban>, phase: PhaseInput;
 * declare function run(torrent: Torrent): void;
 * teardown.add(fetchLayers(torrent, (b) => bans$.next(b), { ...phase, done: run }));
 * ```
 */
export function fetchLayers(torrent: Torrent, ban: (b: Ban) => void, p: PhaseInput): Subscription {
  return layerFetchFlow({ torrent, links$: p.links.events$, scheduler: p.scheduler }).subscribe({
    error: p.fail,
    next: (out) => {
      switch (out.type) {
        case 'send': return p.send(out);
        case 'ban':
          ban({ peer: out.peer });
          return p.links.close(out.peer.key);
        case 'progress': return p.progress(out.fraction);
        case 'torrent': return p.done(out.torrent);
      }
    },
  });
}
