/**
 * The first phase of a magnet download (BEP 9): ask the session's peers for the info dict in
 * 16 KiB pieces (the pure {@link MetadataFetcher}), verify its SHA-1 against the magnet's
 * info-hash, and hand over a torrent. The connections stay open: the download goes on over them.
 *
 * @module
 */
import { interval, Observable, Subscription, type SchedulerLike } from 'rxjs';
import {
  decodeMetadataMessage, encodeMetadataMessage, ExtensionRegistry, MetadataFetcher, type MetadataActions, type MetadataFetcherConfig,
  type MetadataFetchStatus, type MetadataMessage,
} from '../../protocol/extensions/index.js';
import { parseInfoDict, type MagnetLink, type Torrent } from '../../protocol/metainfo/index.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import type { LinkEvent, SendCommand, SessionPeer } from './linkEvents.js';

/** How often the fetcher's timeouts are examined. */
const METADATA_TICK_MS = 1000;

/** What {@link metadataFlow} reads. */
export interface MetadataFlowInput {
  readonly link: MagnetLink;
  readonly links$: Observable<LinkEvent>;
  /** Request timeout, retry delay, when to give up, largest metadata accepted. */
  readonly metadata: Omit<MetadataFetcherConfig, 'infoHash'> | undefined;
  readonly scheduler: SchedulerLike;
}

/** What {@link metadataFlow} emits. */
export type MetadataFlowOutput =
  | SendCommand
  /** A peer that sent bad metadata, or metadata we never asked for: hang up. */
  | { readonly type: 'close'; readonly peer: PeerKey }
  | { readonly type: 'progress'; readonly status: MetadataFetchStatus }
  /** The verified torrent; the flow completes after it. */
  | { readonly type: 'torrent'; readonly torrent: Torrent };

/**
 * Fetches a magnet link's metadata from the session's peers.
 *
 * ```
 * links$: -j--m(handshake)--m(data 0)--m(data 1)-…
 * output: ------s(request 0,1)-p--------p(t)|        (s send, p progress, t torrent)
 * ```
 *
 * @param input - the magnet link, the links, fetcher tuning, scheduler
 * @returns requests, hang-ups, progress, then one torrent and completion; errors with an
 *   `ExtensionError` when the fetch gives up, a `MetainfoError` for metadata that is no torrent
 * @example
 * ```ts
 * declare const uri: string, links$: MetadataFlowInput['links$'], scheduler: MetadataFlowInput['scheduler'];
 * declare function start(torrent: Torrent): void;
 * metadataFlow({ link: parseMagnet(uri), links$, metadata: undefined, scheduler })
 *   .subscribe((out) => out.type === 'torrent' && start(out.torrent));
 * ```
 */
export function metadataFlow(input: MetadataFlowInput): Observable<MetadataFlowOutput> {
  return new Observable<MetadataFlowOutput>((subscriber) => {
    const { link, scheduler } = input;
    const fetcher = new MetadataFetcher({ ...input.metadata, infoHash: link.infoHashBytes, infoHashV2: link.infoHashV2Bytes });
    const registries = new Map<PeerKey, ExtensionRegistry>();
    const subscription = new Subscription();
    const apply = (actions: MetadataActions): void => {
      for (const { peer, piece } of actions.requests) {
        const message = registries.get(peer)?.message('ut_metadata', encodeMetadataMessage({ type: 'request', piece }));
        if (message !== undefined) subscriber.next({ type: 'send', peer, message });
      }
      for (const { peer } of actions.dropPeers) subscriber.next({ type: 'close', peer });
      subscriber.next({ type: 'progress', status: fetcher.status });
      if (actions.failed !== undefined) subscriber.error(actions.failed);
      else if (actions.done !== undefined) {
        let torrent: Torrent;
        try {
          torrent = { ...parseInfoDict(actions.done), announce: link.trackers.map((url) => [url]), urlList: link.webSeeds ?? [] };
        } catch (err) {
          // Metadata that matches the info-hash but is no torrent: the magnet itself is unusable.
          subscriber.error(err);
          return;
        }
        subscriber.next({ type: 'torrent', torrent });
        subscriber.complete();
      }
    };
    const learn = (peer: SessionPeer): void => {
      const registry = registries.get(peer.key);
      const handshake = peer.connection.extendedHandshake;
      if (registry === undefined || handshake === undefined) return;
      registry.learn(handshake);
      if (registry.supports('ut_metadata')) apply(fetcher.peerJoined(peer.key, handshake.metadataSize, scheduler.now()));
    };
    subscription.add(input.links$.subscribe((event) => {
      const key = event.peer.key;
      if (event.type === 'joined') {
        // Only ut_metadata is offered in this phase (the policy of a private torrent offers no PEX).
        registries.set(key, new ExtensionRegistry({ private: true }));
        return learn(event.peer);
      }
      const registry = registries.get(key);
      if (registry === undefined) return;
      if (event.type === 'left') {
        registries.delete(key);
        return apply(fetcher.peerLeft(key, scheduler.now()));
      }
      const { message } = event;
      if (message.type !== 'extended') return;
      if (message.id === 0) return learn(event.peer);
      const routed = registry.route(message);
      if (routed.kind !== 'ut_metadata') return;
      let decoded: MetadataMessage | undefined;
      try {
        // Checked against the size this peer announced; the fetcher compares that with the size it fetches.
        decoded = decodeMetadataMessage(routed.payload, { metadataSize: registry.handshake?.metadataSize });
      } catch {
        // Malformed, a piece out of range, a size it never announced: the peer's fault, drop it.
        subscriber.next({ type: 'close', peer: key });
        return;
      }
      if (decoded !== undefined && decoded.type !== 'request') apply(fetcher.received(key, decoded, scheduler.now()));
    }));
    subscription.add(interval(METADATA_TICK_MS, scheduler).subscribe(() => apply(fetcher.tick(scheduler.now()))));
    return subscription;
  });
}
