/**
 * The start of a session's peer sources (`peerFlow`) and what the session shows of them: each
 * tracker's last word, the DHT's view, the last failed dial. Split from `runSession`, which adopts
 * the connections.
 *
 * @module
 */
import type { SchedulerLike, Observable, Subscription } from 'rxjs';
import type { MagnetLink, Torrent } from '../../protocol/metainfo/index.js';
import { formatPeerAddress, parsePeerAddress, type PeerAddress } from '../../protocol/peerAddress.js';
import type { TransferStats } from '../../tracker/client/announceEveryConfig.js';
import type { Bitfield } from '../../protocol/bitfield.js';
import type { Ban } from './linkEvents.js';
import { peerFlow, type PeerFlowOutput } from './peerFlow.js';
import { sessionPeerOptions } from './peerOptions.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import { trackerViewOf } from './sessionSnapshot.js';
import type { DhtView, SessionState, TrackerView } from './sessionState.js';
import type { SwarmLinks } from './swarmLinks.js';

/**
 * What the session's state shows of its peer sources, kept current by {@link startPeers}.
 *
 * @example
 * ```ts
 * const views = new PeerSourceViews();
 * views.take({ type: 'dial-failed', address: { host: '127.0.0.1', port: 6881 }, message: 'refused' }, Date.now());
 * views.lastDialFailure?.address; // '127.0.0.1:6881'
 * ```
 */
export class PeerSourceViews {
  readonly trackers = new Map<string, TrackerView>();
  dht: DhtView | undefined;
  lastDialFailure: SessionState['lastDialFailure'];

  /** Takes one of `peerFlow`'s non-connection outputs at time `now`. */
  take(out: Exclude<PeerFlowOutput, { type: 'connection' }>, now: number): void {
    if (out.type === 'dht') this.dht = out.view;
    else if (out.type === 'dial-failed') this.lastDialFailure = { address: formatPeerAddress(out.address), message: out.message, at: now };
    else {
      const view = trackerViewOf(out.event, now);
      if (view !== undefined) this.trackers.set(view.url, view);
    }
  }
}

/** What {@link startPeers} reads. */
export interface PeerStart {
  /** The torrent, or the magnet link while its metadata is fetched. */
  readonly source: Torrent | MagnetLink;
  /** The torrent once known (its privacy decides the DHT, its geometry each connection's caps). */
  readonly torrent: () => Torrent | undefined;
  /** Our pieces, once the recheck is done. */
  readonly have: () => Bitfield | undefined;
  /** The port we listen on, once known. */
  readonly listenPort: () => number | undefined;
  readonly config: Pick<SessionConfig, 'peers' | 'trackers' | 'maxPeers'>;
  readonly port: SwarmPort;
  readonly links: SwarmLinks;
  readonly transfer$: Observable<TransferStats>;
  readonly bans$: Observable<Ban>;
  readonly learned$: Observable<readonly PeerAddress[]>;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly announce: SessionComponents['announce'];
  readonly views: PeerSourceViews;
  readonly fail: (err: unknown) => void;
}

/**
 * Starts finding peers: the given addresses (and a magnet's `x.pe`), the trackers (the config's,
 * the torrent's, or a magnet's `tr`), the DHT, PEX and inbound connections. A v2-only torrent's
 * handshakes carry the v2 bit (BEP 52); a hybrid one joins its v2 swarm too: announced under the
 * truncated v2 hash as well, and inbound handshakes for it accepted (with the v2 bit), while dials
 * use the v1 hash, which every client of a hybrid torrent knows.
 *
 * @returns the running subscription; connections are adopted by `links`
 * @example
 * ```ts
 * declare const teardown: import('rxjs').Subscription, start: PeerStart;
 * teardown.add(startPeers({ ...start, source: torrent, torrent: () => torrent, have: () => undefined, listenPort: () => undefined, announce: undefined }));
 * ```
 */
export function startPeers(s: PeerStart): Subscription {
  const magnet = 'pieces' in s.source ? undefined : s.source;
  const torrent = magnet === undefined ? (s.source as Torrent) : undefined;
  const given = [...(s.config.peers ?? []), ...(magnet?.peers ?? []).flatMap(addressOrNone)];
  const trackers = s.config.trackers ?? torrent?.announce ?? (magnet?.trackers ?? []).map((url) => [url]);
  const optionsFor = (v2: boolean) => sessionPeerOptions({
    peerId: s.port.peerId, torrent: s.torrent, have: s.have, listenPort: s.listenPort, v2, dhtPort: s.port.dht === undefined ? undefined : () => s.port.dht?.port(),
  });
  const { version, infoHashV2Bytes } = s.source;
  const v2Swarm = version === 'hybrid' && infoHashV2Bytes !== undefined ? { infoHash: infoHashV2Bytes.subarray(0, 20), options: optionsFor(true) } : undefined;
  return peerFlow({
    infoHash: s.source.infoHashBytes, port: s.port, options: optionsFor(version === 2), v2Swarm, trackers, given, maxPeers: s.config.maxPeers ?? 50,
    links$: s.links.events$, transfer$: s.transfer$, bans$: s.bans$, learned$: s.learned$, scheduler: s.scheduler, random: s.random,
    announce: s.announce, isPrivate: () => s.torrent()?.private === true,
  }).subscribe({
    next: (out) => (out.type === 'connection' ? s.links.adopt(out.connection) : s.views.take(out, s.scheduler.now())),
    error: s.fail,
  });
}

function addressOrNone(text: string): PeerAddress[] {
  try {
    return [parsePeerAddress(text)];
  } catch {
    return [];
  }
}
