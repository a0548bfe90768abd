/**
 * `runSession`: the composition root of one torrent, from a `.torrent` or from a magnet link. It
 * holds no policy: it builds the links and the flows, hands each flow the streams it reads,
 * carries out what the flows emit (messages to peers, connections to adopt) and closes the
 * session's feedback loops with the named Subjects below — here and nowhere else.
 *
 * ```
 *             ┌──────────── bans$ ◀── banFlow ◀── verdicts$ ◀─┐
 *             ▼                                                │
 * peerFlow ─connections─▶ SwarmLinks ─links$─▶ requestFlow ─blocks$─▶ pieceFlow ─▶ complete
 *   ▲                        ▲  │                  ▲                     │
 *   └─ learned$ ◀─ extensionFlow │                  └──── pieceEvents$ ◀──┤
 *                  uploadFlow ◀─┘ ◀──────────────────────── written$ ◀───┘
 * (metadataPhase instead of the torrent flows while a magnet's metadata, or a v2 torrent's piece
 *  layers, are fetched; hashFlow answers BEP 52 hash requests beside uploadFlow)
 * ```
 *
 * @module
 */
import type { Priority } from '../../protocol/scheduler/pieceLevels.js';
import type { ReaderPosition } from '../../protocol/scheduler/readahead.js';
import { asyncScheduler, BehaviorSubject, interval, merge, Observable, of, Subject, Subscription } from 'rxjs';
import { hasPieceHashes, type MagnetLink, type Torrent } from '../../protocol/metainfo/index.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { PieceVerdict, ReceivedBlock } from '../../protocol/pieces/index.js';
import type { PeerKey, SwarmEvent } from '../../protocol/scheduler/index.js';
import { encodeExtendedHandshake } from '../../protocol/wire/index.js';
import type { TransferStats } from '../../tracker/client/announceEveryConfig.js';
import { banFlow } from './banFlow.js';
import { blameFlow } from './blameFlow.js';
import { extensionFlow } from './extensionFlow.js';
import { hashFlow } from './hashFlow.js';
import type { Ban, SendCommand } from './linkEvents.js';
import { fetchLayers, fetchMetadata, type PhaseInput } from './metadataPhase.js';
import { extendedHandshakeOf, limitsOf } from './peerOptions.js';
import { pieceFlow } from './pieceFlow.js';
import { fixedPlan, planFlow } from './planFlow.js';
import type { ProgressBook } from './progressBook.js';
import { NO_RATES, RATE_SAMPLE_MS, RateBook, type RateSample } from './rateBook.js';
import { requestFlow } from './requestFlow.js';
import type { SessionComponents, SessionConfig, SwarmPort } from './sessionConfig.js';
import { sessionSnapshot, type SessionPhase } from './sessionSnapshot.js';
import type { SessionState } from './sessionState.js';
import { rememberedPriorities } from './resume.js';
import { bucketsOf, openStorage, startTorrent } from './startTorrent.js';
import { PeerSourceViews, startPeers } from './startPeers.js';
import { SwarmLinks } from './swarmLinks.js';
import { uploadFlow } from './uploadFlow.js';
import { WebSeeds } from './webSeeds.js';

/** What a session starts from. */
export type SessionSource =
  | { readonly kind: 'torrent'; readonly torrent: Torrent }
  /** A magnet link: the torrent comes from peers; `prepare` saves it and names its content path. */
  | { readonly kind: 'magnet'; readonly link: MagnetLink; readonly prepare: (torrent: Torrent) => Promise<string> };

/**
 * Runs one torrent: fetch its metadata (a magnet link), download what is missing (or seed what is
 * there), then keep seeding.
 *
 * @param source - a torrent, or a magnet link with what to do once its torrent is known
 * @param config - content path (for a torrent), mode, peers, limits
 * @param port - the client's identity, listener, dialler and rate limits
 * @param components - storage, scheduler, RNG, announce function
 * @returns cold session states; unsubscribing closes connections, announces `stopped`, closes files
 * @example
 * ```ts
 * declare const swarm: SwarmPort;
 * runSession({ kind: 'torrent', torrent }, { path: 'downloads/x.iso' }, swarm).subscribe((s) => console.log(s.status));
 * ```
 */
export function runSession(source: SessionSource, config: SessionConfig, port: SwarmPort, components: SessionComponents = {}): Observable<SessionState> {
  return new Observable<SessionState>((subscriber) => {
    const scheduler = components.scheduler ?? asyncScheduler;
    const random = components.random ?? Math.random;
    const teardown = new Subscription();
    const fail = (err: unknown): void => {
      components.control?.detach(err);
      subscriber.error(err);
    };
    const magnet = source.kind === 'magnet' ? source.link : undefined;
    let torrent = source.kind === 'torrent' ? source.torrent : undefined;
    let book: ProgressBook | undefined;
    let listenPort: number | undefined;
    let phase: SessionPhase = { status: magnet === undefined ? 'starting' : 'metadata', checked: 0, rechecked: 0, metadata: magnet === undefined ? undefined : 0 };
    const views = new PeerSourceViews();
    const downloading = new Set<number>();
    const links = new SwarmLinks(torrent?.pieceCount);
    // Connections first: everything else hears them leave. Readers end with the session.
    teardown.add(() => links.closeAll());
    teardown.add(() => components.control?.detach());

    // The session's loops, closed here and nowhere else.
    const blocks$ = new Subject<ReceivedBlock>(); //         request flow → piece flow
    const pieceEvents$ = new Subject<SwarmEvent>(); //       piece flow → request flow (verdicts, writes)
    const verdicts$ = new Subject<PieceVerdict>(); //        piece flow → ban flow
    const written$ = new Subject<number>(); //               piece flow → upload flow (have)
    const bans$ = new Subject<Ban>(); //                     ban flow → peer flow
    const learned$ = new Subject<readonly PeerAddress[]>(); // extension flow (PEX) → peer flow
    // The session clock: rates for the choker, the tracker and the views are sampled on it alone.
    const rates = new RateBook(scheduler.now());
    const rates$ = new BehaviorSubject<RateSample>(NO_RATES);
    const transfer = (): TransferStats => ({ uploaded: links.uploaded, downloaded: links.downloaded, left: book?.left ?? torrent?.length ?? magnet?.length ?? 1 });
    const transfer$ = new BehaviorSubject<TransferStats>(transfer());
    teardown.add(interval(RATE_SAMPLE_MS, scheduler).subscribe(() => {
      rates$.next(rates.sample(scheduler.now(), links));
      transfer$.next(transfer());
    }));

    // What the state shows of the plan: the user's file priorities and the readers.
    let priorities: readonly Priority[] = config.files ?? [];
    let readers: readonly ReaderPosition[] = [];
    let webSeeds: WebSeeds | undefined;
    teardown.add(() => webSeeds?.close());
    const send = (command: SendCommand): void => {
      if (webSeeds?.send(command) !== true) links.send(command.peer, command.message);
    };
    const emit = (): void => subscriber.next(sessionSnapshot({
      source: torrent ?? (magnet as MagnetLink), phase, book, links: links.all(), downloaded: links.downloaded, uploaded: links.uploaded,
      rates: rates$.value, trackers: views.trackers.values(), dht: torrent?.private === true ? undefined : views.dht, lastDialFailure: views.lastDialFailure, downloading, priorities, readers,
      webSeeds: webSeeds?.views(),
    }));
    let finalizing = false;
    /**
     * Every wanted piece is had: done (the session completes with `seed: false`), or seeding.
     * With `finalize` (some files skipped), the wanted files get their final names first.
     */
    const finish = (save: () => Promise<void>, finalize?: () => Promise<void>): void => {
      if (finalizing || phase.status === 'seeding' || phase.status === 'done') return;
      if (finalize !== undefined) {
        finalizing = true;
        finalize().then(() => {
          finalizing = false;
          // More may have become wanted meanwhile.
          if (book?.wantedComplete === true) finish(save);
        }, fail);
        return;
      }
      phase = { ...phase, status: config.seed === false ? 'done' : 'seeding' };
      transfer$.next(transfer());
      emit();
      // The record of the finished download is on disk before the session says it is done.
      void save().then(() => config.seed === false && subscriber.complete());
    };

    let peersStarted = false;
    const peers = (): void => {
      if (peersStarted) return;
      peersStarted = true;
      teardown.add(startPeers({
        source: torrent ?? (magnet as MagnetLink), torrent: () => torrent, have: () => book?.have, listenPort: () => listenPort, config, port, links,
        transfer$, bans$, learned$, scheduler, random, announce: components.announce, views, fail,
      }));
    };
    const phaseInput = (done: (t: Torrent) => void): PhaseInput => ({
      links, scheduler, send, done, fail, progress: (fraction) => (phase = { ...phase, metadata: fraction }),
    });
    /** A v2-only torrent without its piece layers gets them from peers first (BEP 52). */
    const withLayers = (t: Torrent, then: (full: Torrent) => void): void => {
      if (hasPieceHashes(t)) return then(t);
      torrent = t;
      phase = { status: 'metadata', checked: 0, rechecked: 0, metadata: 0 };
      peers();
      teardown.add(fetchLayers(t, (ban) => bans$.next(ban), phaseInput((full) => {
        torrent = full;
        then(full);
      })));
    };

    /** A download that names no file priorities takes those its resume record remembers. */
    const runTorrent = (t: Torrent, path: string): void => {
      if (config.files !== undefined || config.mode === 'seed' || components.storage !== undefined) return startFlows(t, path, config.files);
      rememberedPriorities(path).then((files) => {
        if (subscriber.closed) return;
        if (files !== undefined) {
          priorities = files;
          components.control?.restore?.(files);
        }
        startFlows(t, path, files);
      }, fail);
    };

    /** The torrent's flows, once its storage is open and its pieces known. */
    const startFlows = (t: Torrent, path: string, files: readonly Priority[] | undefined): void => {
      const torrentConfig = { ...config, path, files };
      teardown.add(startTorrent(t, torrentConfig, openStorage(t, torrentConfig, components.storage), scheduler, () => priorities).subscribe({
        error: fail,
        next: (event) => {
          if (event.type === 'checking') {
            phase = { ...phase, status: 'checking', checked: event.checked / event.total, rechecked: event.checked };
            return;
          }
          const { storage, saver } = event;
          const b = (book = event.book);
          const save = (): Promise<void> => saver.save();
          const finalize = (): Promise<void> => storage.finalize();
          // Every wanted piece is had (some files skipped): done, or seeding what we have.
          const wanted = (): void => {
            if (b.wantedComplete && !b.complete) finish(save, finalize);
            // More became wanted (a skipped file chosen after all): downloading again, said at once
            // (as the change to seeding is), or a quick fetch could pass between two states.
            else if (!b.wantedComplete && phase.status === 'seeding') {
              phase = { ...phase, status: 'downloading' };
              emit();
            }
          };
          // Peers that joined before we knew our pieces (a magnet's) hear of them now.
          for (const { peer } of [...links.all()]) for (const index of b.have) links.send(peer.key, { type: 'have', index });
          const buckets = bucketsOf(port, config);
          const seeds = (webSeeds = new WebSeeds(t, config.webSeeds ?? t.urlList, scheduler, config.webSeed));
          teardown.add(verdicts$.subscribe((verdict) => seeds.verdict(verdict)));
          teardown.add(pieceFlow({ torrent: t, storage, book: b, blocks$, hashThreads: config.hashThreads ?? 0 }).subscribe({
            error: fail,
            next: (out) => {
              switch (out.type) {
                case 'verdict':
                  if (out.verdict.type === 'failed') downloading.delete(out.verdict.index);
                  return verdicts$.next(out.verdict);
                case 'scheduler': return pieceEvents$.next(out.event);
                case 'written':
                  downloading.delete(out.index);
                  written$.next(out.index);
                  return wanted();
                case 'complete': return finish(() => saver.save());
              }
            },
          }));
          // A v2-only torrent's failed pieces name their bad blocks' senders (BEP 52 block hashes).
          const blamed$ = new Subject<PeerKey>();
          if (t.version === 2) teardown.add(blameFlow({ torrent: t, verdicts$, links$: links.events$, scheduler }).subscribe((out) => (out.type === 'send' ? send(out) : blamed$.next(out.peer))));
          teardown.add(banFlow({ links$: links.events$, verdicts$, threshold: config.banThreshold ?? 2, blamed$ }).subscribe((ban) => {
            bans$.next(ban);
            links.close(ban.peer.key);
          }));
          // The plan first: levels and deadlines wait in their subjects for the request flow.
          const levels$ = new BehaviorSubject<Uint8Array>(new Uint8Array(t.pieceCount).fill(1));
          const deadlines$ = new BehaviorSubject<readonly number[]>([]);
          const control = components.control ?? fixedPlan({ files: files ?? [], ranges: [] });
          teardown.add(control.priorities$.subscribe((choice) => (priorities = choice.files)));
          teardown.add(control.readers$.subscribe((now) => (readers = now)));
          teardown.add(planFlow({ torrent: t, has: (i) => b.have.has(i), priorities$: control.priorities$, readers$: control.readers$, written$ }).subscribe((out) => {
            if (out.type === 'deadlines') return deadlines$.next(out.pieces);
            // Newly wanted files exist before any piece of theirs is written (storage orders it).
            storage.want?.(out.files).catch(fail);
            b.setLevels(out.levels);
            levels$.next(out.levels);
            wanted();
          }));
          teardown.add(requestFlow({
            torrent: t, have: b.have, links$: links.events$, pieces$: pieceEvents$, levels$, deadlines$, sequential: config.sequential === true,
            buckets: buckets.download, scheduling: config.scheduling, scheduler, random, sources$: seeds.events$,
          }).subscribe((out) => {
            if (out.type === 'block') return blocks$.next(out.block);
            if (out.message.type === 'request') downloading.add(out.message.index);
            send(out);
          }));
          seeds.start();
          teardown.add(uploadFlow({ torrent: t, storage, book: b, links$: links.events$, rates$, written$, buckets: buckets.upload, scheduler, random }).subscribe({ next: send, error: fail }));
          if (t.version !== 1) teardown.add(hashFlow({ torrent: t, storage, has: (i) => b.have.has(i), links$: links.events$, scheduler }).subscribe(send));
          teardown.add(extensionFlow({ torrent: t, links$: links.events$, pexIntervalMs: config.pexIntervalMs, scheduler }).subscribe((out) => {
            if (out.type === 'send') send(out);
            else learned$.next(out.addresses);
          }));
          phase = { ...phase, status: 'downloading' };
          // The first announce reads this at once: it must not say `left = length` for data we have.
          transfer$.next(transfer());
          peers();
          // (A complete torrent is finalized by the piece flow.)
          if (b.wantedComplete) finish(save, b.complete ? undefined : finalize);
          components.control?.attach({ torrent: t, has: (i) => b.have.has(i), written$, readBlock: (i, begin, length) => storage.readBlock(i, begin, length), now: () => scheduler.now() });
        },
      }));
    };

    /** A magnet's metadata arrived: the links learn the torrent and the download goes on over them. */
    const learned = (t: Torrent): void => {
      torrent = t;
      phase = { status: 'starting', checked: 0, rechecked: 0 };
      links.learnTorrent(t.pieceCount, limitsOf(t));
      const handshake = encodeExtendedHandshake(extendedHandshakeOf(t, listenPort));
      for (const { peer } of [...links.all()]) if (peer.connection.extensions.extended) links.send(peer.key, { type: 'extended', id: 0, payload: handshake });
      if (source.kind === 'magnet') withLayers(t, (full) => source.prepare(full).then((path) => runTorrent(full, path), fail));
    };

    teardown.add(merge(of(0), interval(config.stateIntervalMs ?? 250, scheduler)).subscribe(emit));
    // Listen from the start, so the port stays the same while the session runs (even while it
    // rechecks), and a busy port fails the session at once.
    teardown.add(port.listening$.subscribe({ next: (p) => (listenPort = p), error: fail }));
    if (torrent !== undefined) withLayers(torrent, (full) => runTorrent(full, config.path));
    else {
      peers();
      teardown.add(fetchMetadata(magnet as MagnetLink, config, phaseInput(learned)));
    }
    return teardown;
  });
}
