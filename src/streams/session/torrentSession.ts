/**
 * `torrentSession`: the composition root of one torrent. It holds no policy of its own: it opens
 * storage, rechecks, then wires the three flows — peers (dials, inbound, trackers), download
 * (scheduler → pieces → storage) and upload (choker → serving) — around the peer links, and turns
 * the live counters into state snapshots.
 *
 * @module
 */
import { asyncScheduler, merge, Observable, of, Subscription } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { TokenBucket } from '../../protocol/rate/index.js';
import { parsePeerAddress } from '../../protocol/peerAddress.js';
import { SmartBan } from '../../protocol/swarm/smartBan.js';
import { MAX_REQUEST_LENGTH_LIMIT } from '../../protocol/wire/index.js';
import { offeredExtensions } from '../../protocol/extensions/index.js';
import { VERSION } from '../../version.js';
import type { TorrentPeerOptions } from '../peer/index.js';
import { openFileStorage } from '../storage/index.js';
import { DownloadFlow } from './downloadFlow.js';
import { PeerFlow } from './peerFlow.js';
import { PeerLinks } from './peerLinks.js';
import { ProgressBook } from './progressBook.js';
import { ResumeSaver } from './resume.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import type { SessionState } from './sessionState.js';
import { SnapshotBuilder } from './snapshotBuilder.js';
import { startRecheck, type SessionStorage } from './startRecheck.js';
import type { SwarmContext } from './swarmContext.js';
import { UploadFlow } from './uploadFlow.js';
import { ExtensionFlow } from './extensionFlow.js';

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
 * client.add(torrent, { path: 'downloads/ubuntu.iso' }).subscribe((s) => console.log(s.progress));
 * ```
 */
export function torrentSession(torrent: Torrent, config: SessionConfig, port: SwarmPort, components: SessionComponents = {}): Observable<SessionState> {
  return new Observable<SessionState>((subscriber) => {
    const scheduler = components.scheduler ?? asyncScheduler;
    const teardown = new Subscription();
    const snapshots = new SnapshotBuilder(torrent, scheduler);
    const emit = (): void => subscriber.next(snapshots.build());
    let saver: ResumeSaver | undefined;
    let finished = false;
    const finish = (): void => {
      // Called when the last piece is written, or at once when everything was already there.
      if (finished) return;
      finished = true;
      snapshots.status = config.seed === false ? 'done' : 'seeding';
      emit();
      // The record of the finished download is on disk before the session says it is done.
      void (saver?.save() ?? Promise.resolve()).then(() => {
        if (config.seed === false) subscriber.complete();
      });
    };
    let listenPort: number | undefined;
    const start = (storage: SessionStorage, book: ProgressBook): void => {
      const ctx: SwarmContext = {
        torrent, config, port, storage, book, snapshots, scheduler,
        random: components.random ?? Math.random,
        announce: components.announce,
        // Requests up to the protocol's limit are decoded, so larger-than-served ones are refused, not fatal.
        peerOptions: peerOptionsOf(torrent, port, book, () => listenPort),
        buckets: bucketsOf(port, config),
        fail: (err) => subscriber.error(err),
      };
      teardown.add(wire(ctx, finish));
      snapshots.status = book.complete ? (config.seed === false ? 'done' : 'seeding') : 'downloading';
      if (book.complete) finish();
    };
    const open = components.storage !== undefined ? () => Promise.resolve(components.storage as SessionStorage) : () => openFileStorage(torrent, { path: config.path, mode: config.mode });
    teardown.add(merge(of(0), snapshots.ticks$(config.stateIntervalMs ?? 250)).subscribe(emit));
    // Listen from the start, so the port stays the same while the session runs (even while it
    // rechecks), and a busy port fails the session at once.
    teardown.add(port.listening$.subscribe({ next: (p) => (listenPort = p), error: (err: unknown) => subscriber.error(err) }));
    teardown.add(
      startRecheck(torrent, config, open, snapshots).subscribe({
        next: ({ storage, have }) => {
          const book = new ProgressBook(torrent, have);
          if (config.mode !== 'seed') {
            const resume = new ResumeSaver(torrent, config.path, storage, book);
            saver = resume;
            teardown.add(snapshots.ticks$(config.resumeIntervalMs ?? 10_000).subscribe(() => void resume.saveIfChanged()));
          }
          // On stop: the last record, then the files are closed.
          teardown.add(() => void (saver?.saveIfChanged() ?? Promise.resolve()).then(() => storage.close()));
          snapshots.attach(book);
          start(storage, book);
        },
        error: (err: unknown) => subscriber.error(err),
      }),
    );
    return teardown;
  });
}

/** Builds the links and the three flows around them. */
function wire(ctx: SwarmContext, finish: () => void): Subscription {
  const smartBan = new SmartBan(ctx.config.banThreshold ?? 2);
  const flows: { down?: DownloadFlow; up?: UploadFlow; peers?: PeerFlow; ext?: ExtensionFlow } = {};
  const links = new PeerLinks(ctx.torrent, {
    event: (e) => flows.down?.event(e),
    request: (link, m) => flows.down?.request(link, m),
    joined: (link) => {
      flows.up?.joined(link);
      flows.ext?.joined(link);
    },
    left: (link) => {
      flows.down?.left(link);
      flows.up?.left(link);
      flows.ext?.left(link);
    },
    message: (link, m) => {
      flows.up?.message(link, m);
      flows.ext?.message(link, m);
    },
  });
  ctx.snapshots.links = links;
  flows.up = new UploadFlow(ctx, links);
  flows.ext = new ExtensionFlow(ctx, links, (addresses) => flows.peers?.add(addresses));
  flows.down = new DownloadFlow(ctx, links, {
    written: (index) => flows.up?.broadcastHave(index),
    verdict: (verdict) => {
      for (const key of verdict.type === 'failed' ? smartBan.failed(verdict) : smartBan.verified(verdict)) {
        // A key is `host:port#n`; the peer may have left already, its address is still banned.
        const connection = links.get(key)?.connection;
        flows.peers?.ban(parsePeerAddress(key.slice(0, key.lastIndexOf('#'))), connection?.peerId);
        connection?.close();
      }
    },
    complete: finish,
  });
  const downloading = flows.down.downloading;
  ctx.snapshots.downloading = () => downloading;
  flows.peers = new PeerFlow(ctx, links);
  const subscription = new Subscription();
  // Peers first (closing connections), then the flows they feed.
  subscription.add(flows.peers.subscription);
  subscription.add(flows.down.subscription);
  subscription.add(flows.up.subscription);
  subscription.add(flows.ext.subscription);
  return subscription;
}

/**
 * What each connection of this torrent is opened with: our pieces (read at each handshake), caps,
 * and our extension handshake — BEP 9 metadata and BEP 11 PEX offered (PEX not for a private
 * torrent), the metadata size, a request queue of 500 and our listen port once known.
 */
function peerOptionsOf(torrent: Torrent, port: SwarmPort, book: ProgressBook, listenPort: () => number | undefined): TorrentPeerOptions {
  const base = {
    extensions: offeredExtensions({ private: torrent.private }),
    client: `rxtorrent ${VERSION}`,
    metadataSize: torrent.infoBytes.length,
    requestQueueSize: 500,
  };
  return {
    peerId: port.peerId,
    bitfield: () => book.have,
    // Requests up to the protocol's limit are decoded, so larger-than-served ones are refused, not fatal.
    limits: { pieceCount: torrent.pieceCount, maxRequestLength: MAX_REQUEST_LENGTH_LIMIT },
    get extendedHandshake() {
      const p = listenPort();
      return p === undefined ? base : { ...base, port: p };
    },
  };
}

/** The client-wide and per-torrent rate limits, unlimited ones left out. */
function bucketsOf(port: SwarmPort, config: SessionConfig): SwarmContext['buckets'] {
  const torrentUp = config.uploadRate === undefined ? undefined : new TokenBucket({ rate: config.uploadRate });
  const torrentDown = config.downloadRate === undefined ? undefined : new TokenBucket({ rate: config.downloadRate });
  const limited = (b: TokenBucket | undefined): b is TokenBucket => b !== undefined && !b.unlimited;
  return {
    upload: [port.buckets?.upload, torrentUp].filter(limited),
    download: [port.buckets?.download, torrentDown].filter(limited),
  };
}
