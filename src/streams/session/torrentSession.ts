/**
 * `torrentSession`: the composition root of one torrent. It holds no policy of its own: it opens
 * storage, rechecks, and wires peers → scheduler → pieces → storage, trackers → dials, and the
 * counters → state snapshots. The one cycle (piece verdicts back into the scheduler) is closed
 * here with a Subject, and nowhere else.
 *
 * @module
 */
import { asyncScheduler, filter, map, merge, Observable, of, Subject, Subscription, tap } from 'rxjs';
import { assemblePieces } from '../../operators/assemblePieces.js';
import { dialPeers, type DialCommand } from '../../operators/dialPeers.js';
import { schedulePieces } from '../../operators/schedulePieces.js';
import { trackCompletion } from '../../operators/trackCompletion.js';
import { verifyPieces } from '../../operators/verifyPieces.js';
import { writePieces } from '../../operators/writePieces.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { SwarmEvent } from '../../protocol/scheduler/index.js';
import { MAX_REQUEST_LENGTH_LIMIT } from '../../protocol/wire/index.js';
import { announceEvery } from '../../tracker/client/announceEvery.js';
import type { TorrentPeerOptions } from '../peer/index.js';
import { openFileStorage } from '../storage/index.js';
import { BadPeers } from './badPeers.js';
import { PeerLinks } from './peerLinks.js';
import { ProgressBook } from './progressBook.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import type { SessionState } from './sessionState.js';
import { SnapshotBuilder } from './snapshotBuilder.js';
import { startRecheck } from './startRecheck.js';

/**
 * Runs one torrent: download what is missing (or seed what is there), then keep seeding.
 *
 * ```
 * torrentSession(t, cfg, port) ──starting──checking…──downloading…──seeding…   (done| with seed: false)
 * ```
 *
 * @param torrent - what to share
 * @param config - content path, mode, peers, limits
 * @param port - the client's identity, listener and dialler
 * @param components - storage, scheduler, RNG, announce function
 * @returns cold state snapshots; unsubscribing closes connections, announces `stopped`, closes files
 * @example
 * ```ts
 * client.add(torrent, { path: 'downloads/ubuntu.iso' }).subscribe((s) => console.log(s.progress));
 * ```
 */
export function torrentSession(
  torrent: Torrent,
  config: SessionConfig,
  port: SwarmPort,
  components: SessionComponents = {},
): Observable<SessionState> {
  return new Observable<SessionState>((subscriber) => {
    const scheduler = components.scheduler ?? asyncScheduler;
    const random = components.random ?? Math.random;
    const teardown = new Subscription();
    const snapshots = new SnapshotBuilder(torrent, scheduler);
    const emit = (): void => subscriber.next(snapshots.build());

    const run = (storage: NonNullable<SessionComponents['storage']>, book: ProgressBook): void => {
      snapshots.attach(book);
      const events$ = new Subject<SwarmEvent>();
      const blocks$ = new Subject<{ peer: string; index: number; begin: number; data: Uint8Array }>();
      const dials$ = new Subject<DialCommand>();
      const links = new PeerLinks(torrent, { event: (e) => events$.next(e) });
      const bad = new BadPeers(config.banThreshold ?? 2);
      snapshots.links = links;
      const peerOptions: TorrentPeerOptions = {
        peerId: port.peerId,
        bitfield: () => book.have,
        // Requests up to the protocol's limit are decoded, so oversized ones can be refused
        // rather than ending the connection.
        limits: { pieceCount: torrent.pieceCount, maxRequestLength: MAX_REQUEST_LENGTH_LIMIT },
      };
      const downloading = new Set<number>();
      snapshots.downloading = () => downloading;
      const adopt = (connection: Parameters<PeerLinks['add']>[0]): void => void teardown.add(links.add(connection));

      teardown.add(() => {
        events$.complete();
        blocks$.complete();
        dials$.complete();
      });
      teardown.add(
        events$
          .pipe(schedulePieces({ ...config.scheduling, pieceCount: torrent.pieceCount, pieceLength: torrent.pieceLength, length: torrent.length, have: book.have, random, scheduler }))
          .subscribe((command) => {
            if (command.type === 'block') blocks$.next(command);
            else links.dispatch(command);
            if (command.type === 'request') downloading.add(command.index);
          }),
      );
      teardown.add(
        blocks$
          .pipe(
            assemblePieces(torrent),
            verifyPieces(torrent),
            tap((verdict) => {
              if (verdict.type === 'failed') downloading.delete(verdict.index);
              events$.next({ type: verdict.type === 'verified' ? 'piece-verified' : 'piece-failed', index: verdict.index });
              if (verdict.type === 'failed') {
                for (const key of bad.failed(verdict.peers)) {
                  const link = links.get(key);
                  if (link === undefined) continue;
                  dials$.next({ type: 'ban', address: link.connection.address });
                  link.connection.close();
                }
              }
            }),
            filter((verdict) => verdict.type === 'verified'),
            writePieces(storage),
            tap((written) => {
              downloading.delete(written.index);
              book.add(written.index);
              links.broadcastHave(written.index);
            }),
            trackCompletion({ pieceCount: torrent.pieceCount, have: book.have, finalize: () => storage.finalize() }),
          )
          .subscribe({
            next: (event) => {
              if (event.type !== 'complete') return;
              snapshots.status = config.seed === false ? 'done' : 'seeding';
              emit();
              if (config.seed === false) subscriber.complete();
            },
            error: (err: unknown) => subscriber.error(err),
          }),
      );
      teardown.add(port.inbound(torrent.infoHashBytes, peerOptions).subscribe({ next: adopt, error: (err: unknown) => subscriber.error(err) }));
      teardown.add(
        dials$
          .pipe(dialPeers((address) => port.dial(address, torrent.infoHashBytes, peerOptions), { maxPeers: config.maxPeers ?? 50, scheduler }))
          .subscribe(adopt),
      );
      if ((config.peers ?? []).length > 0) dials$.next({ type: 'add', addresses: config.peers ?? [] });
      const trackers = config.trackers ?? torrent.announce;
      teardown.add(
        port.listening$.subscribe({ error: (err: unknown) => subscriber.error(err), next: (listenPort) => {
          const stats$ = snapshots.transfer$;
          const numwant = (): number => (links.size < (config.maxPeers ?? 50) ? 50 : 0);
          const announce$ = announceEvery(trackers, stats$, { infoHash: torrent.infoHashBytes, peerId: port.peerId, port: listenPort, host: port.host, numwant, scheduler, random }, { announce: components.announce });
          teardown.add(
            announce$
              .pipe(tap((event) => snapshots.tracker(event)), filter((e) => e.type === 'peers'), map((e) => ({ type: 'add' as const, addresses: e.peers })))
              .subscribe((command) => dials$.next(command)),
          );
        } }),
      );
      snapshots.status = book.complete ? (config.seed === false ? 'done' : 'seeding') : 'downloading';
      if (book.complete && config.seed === false) {
        emit();
        subscriber.complete();
      }
    };

    const given = components.storage;
    const openStorage = given !== undefined ? () => Promise.resolve(given) : () => openFileStorage(torrent, { path: config.path, mode: config.mode });
    teardown.add(
      merge(of(0), snapshots.ticks$(config.stateIntervalMs ?? 250)).subscribe(() => emit()),
    );
    teardown.add(
      startRecheck(torrent, config, openStorage, snapshots).subscribe({
        next: ({ storage, have }) => {
          teardown.add(() => void storage.close());
          run(storage, new ProgressBook(torrent, have));
        },
        error: (err: unknown) => subscriber.error(err),
      }),
    );
    return teardown;
  });
}
