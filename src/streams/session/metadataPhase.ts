/**
 * The first phase of a magnet download (BEP 9): find peers (the magnet's trackers, its `x.pe`
 * peers, `config.peers`, peers that dial us), ask them for the info dict in 16 KiB pieces,
 * verify its SHA-1 against the magnet's info-hash, and hand over a torrent. The connections of
 * this phase are then closed; the download dials the same peers again with the piece count known
 * (a peer that dialled us, at the port its extension handshake announced).
 *
 * @module
 */
import { asyncScheduler, filter, interval, map, merge, Observable, of, Subject, Subscription } from 'rxjs';
import { dialPeers, type DialCommand } from '../../operators/dialPeers.js';
import { Bitfield } from '../../protocol/bitfield.js';
import {
  decodeMetadataMessage, encodeMetadataMessage, ExtensionRegistry, MetadataFetcher, type MetadataActions, type MetadataMessage,
} from '../../protocol/extensions/index.js';
import { parseInfoDict, type MagnetLink, type Torrent } from '../../protocol/metainfo/index.js';
import { formatPeerAddress, parsePeerAddress, type PeerAddress } from '../../protocol/peerAddress.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import { describePeerId } from '../../protocol/wire/index.js';
import { announceEvery } from '../../tracker/client/announceEvery.js';
import { VERSION } from '../../version.js';
import type { PeerConnection, TorrentPeerOptions } from '../peer/index.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import { metadataState } from './metadataState.js';
import type { SessionState } from './sessionState.js';

/** What the metadata phase emits: progress, then the torrent. */
export type MetadataPhaseEvent =
  | { readonly type: 'state'; readonly state: SessionState }
  | { readonly type: 'torrent'; readonly torrent: Torrent; readonly peers: readonly PeerAddress[] };

const NO_PIECES = new Bitfield(0);

/**
 * Fetches a magnet link's metadata.
 *
 * @returns states (status `metadata`), then one `torrent` event, then completes; errors with an
 *   `ExtensionError` when the fetch gives up, a `MetainfoError` for unusable metadata
 * @example
 * ```ts
 * fetchMetadata(parseMagnet(uri), config, port).pipe(filter((e) => e.type === 'torrent'));
 * ```
 */
export function fetchMetadata(link: MagnetLink, config: SessionConfig, port: SwarmPort, components: SessionComponents = {}): Observable<MetadataPhaseEvent> {
  return new Observable<MetadataPhaseEvent>((subscriber) => {
    const scheduler = components.scheduler ?? asyncScheduler;
    const teardown = new Subscription();
    const fetcher = new MetadataFetcher({ ...config.metadata, infoHash: link.infoHashBytes });
    const peers = new Map<PeerKey, { connection: PeerConnection; registry: ExtensionRegistry }>();
    const seen = new Map<string, PeerAddress>();
    let nextId = 0;
    const dials$ = new Subject<DialCommand>();
    teardown.add(() => dials$.complete());

    const apply = (actions: MetadataActions): void => {
      for (const { peer, piece } of actions.requests) {
        const entry = peers.get(peer);
        const message = entry?.registry.message('ut_metadata', encodeMetadataMessage({ type: 'request', piece }));
        if (message !== undefined) void entry?.connection.send(message);
      }
      for (const { peer } of actions.dropPeers) peers.get(peer)?.connection.close();
      if (actions.failed !== undefined) subscriber.error(actions.failed);
      else if (actions.done !== undefined) {
        let info: Torrent;
        try {
          info = parseInfoDict(actions.done);
        } catch (err) {
          // Metadata that matches the info-hash but is no torrent: the magnet itself is unusable.
          subscriber.error(err);
          return;
        }
        const torrent = { ...info, announce: link.trackers.map((url) => [url]) };
        // Close this phase's connections and hand the info-hash's inbound route back before the
        // download takes over (it registers the same info-hash).
        teardown.unsubscribe();
        subscriber.next({ type: 'torrent', torrent, peers: [...seen.values()] });
        subscriber.complete();
      }
    };
    const adopt = (connection: PeerConnection): void => {
      const key = `${formatPeerAddress(connection.address)}#${nextId++}`;
      // Only ut_metadata is offered in this phase (the policy of a private torrent offers no PEX).
      const registry = new ExtensionRegistry({ private: true });
      peers.set(key, { connection, registry });
      if (connection.direction === 'outbound') seen.set(formatPeerAddress(connection.address), connection.address);
      const sub = new Subscription(() => connection.close());
      // Defined first: held messages are delivered (and may drop the peer) during the subscribe below.
      const leave = (): void => {
        if (!peers.delete(key)) return;
        sub.unsubscribe();
        apply(fetcher.peerLeft(key, scheduler.now()));
      };
      sub.add(connection.extendedHandshake$.subscribe((handshake) => {
        registry.learn(handshake);
        // A peer that dialled us is closed with this phase too: remember where it listens, so the download dials it back.
        if (connection.direction === 'inbound' && handshake.port !== undefined) {
          const address = { host: connection.address.host, port: handshake.port };
          seen.set(formatPeerAddress(address), address);
        }
        if (registry.supports('ut_metadata')) apply(fetcher.peerJoined(key, handshake.metadataSize, scheduler.now()));
      }));
      sub.add(connection.messages$.pipe(filter((m) => m.type === 'extended' && m.id !== 0)).subscribe({
        next: (message) => {
          if (message.type !== 'extended') return;
          const routed = registry.route(message);
          if (routed.kind !== 'ut_metadata') return;
          let decoded: MetadataMessage | undefined;
          try {
            // Checked against the size this peer announced; the fetcher compares that with the size it fetches.
            decoded = decodeMetadataMessage(routed.payload, { metadataSize: registry.handshake?.metadataSize });
          } catch {
            // Malformed, a piece out of range, a size it never announced: the peer's fault, drop it.
            leave();
            return;
          }
          if (decoded !== undefined && decoded.type !== 'request') apply(fetcher.received(key, decoded, scheduler.now()));
        },
        error: () => leave(),
        complete: () => leave(),
      }));
      teardown.add(sub);
    };

    const options: TorrentPeerOptions = {
      peerId: port.peerId,
      bitfield: () => NO_PIECES,
      extendedHandshake: { extensions: { ut_metadata: 1 }, client: `rxtorrent ${VERSION}` },
    };
    const emit = (): void => subscriber.next({ type: 'state', state: metadataState(link, fetcher.status, [...peers.values()].map((p) => p.connection), describePeerId) });
    teardown.add(merge(of(0), interval(config.stateIntervalMs ?? 250, scheduler)).subscribe(emit));
    teardown.add(interval(1000, scheduler).subscribe(() => apply(fetcher.tick(scheduler.now()))));
    teardown.add(port.inbound(link.infoHashBytes, options).subscribe({ next: adopt, error: (e: unknown) => subscriber.error(e) }));
    teardown.add(dials$.pipe(dialPeers((a) => port.dial(a, link.infoHashBytes, options), { maxPeers: config.maxPeers ?? 50, scheduler })).subscribe(adopt));
    const given = [...(config.peers ?? []), ...link.peers.flatMap((text) => {
      try {
        return [parsePeerAddress(text)];
      } catch {
        return [];
      }
    })];
    if (given.length > 0) dials$.next({ type: 'add', addresses: given });
    const trackers = config.trackers ?? link.trackers.map((url) => [url]);
    teardown.add(port.listening$.subscribe({
      error: (e: unknown) => subscriber.error(e),
      next: (listenPort) => {
        const stats$ = of({ uploaded: 0, downloaded: 0, left: link.length ?? 1 });
        const announce$ = announceEvery(trackers, stats$, { infoHash: link.infoHashBytes, peerId: port.peerId, port: listenPort, host: port.host, scheduler, random: components.random }, { announce: components.announce });
        teardown.add(announce$.pipe(filter((e) => e.type === 'peers'), map((e): DialCommand => ({ type: 'add', addresses: e.peers }))).subscribe((c) => dials$.next(c)));
      },
    }));
    return teardown;
  });
}
