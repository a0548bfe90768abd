/**
 * `TorrentHandle`: a torrent running on a client, as `client.add()` returns it. It starts at
 * once (as WebTorrent's `add` does) and runs until `stop()`; meanwhile its states can be watched,
 * its files prioritised, and its bytes read before the download is complete.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { EmptyError, filter, firstValueFrom, ReplaySubject, type Observable } from 'rxjs';
import { ClientError } from '../../errors.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { Priority } from '../../protocol/scheduler/pieceLevels.js';
import type { SessionControl } from '../session/sessionControl.js';
import type { SessionState } from '../session/sessionState.js';
import { HandleControl } from './handleControl.js';
import { readRange$, readRangeStream, type ByteRange } from './readRange.js';

/** A running torrent. */
export interface TorrentHandle {
  /** The v1 info-hash, 40 hex digits. */
  readonly infoHash: string;
  /**
   * The session's states: the latest at once to each subscriber, then each new one. Completes
   * when the torrent stops (or, with `seed: false`, when it is done); errors when it fails.
   * Subscribing starts and stops nothing.
   */
  readonly state$: Observable<SessionState>;
  /**
   * Resolves with the torrent once its pieces can be read (at once for a `.torrent` after its
   * recheck; after the metadata for a magnet link); rejects (`ERR_CLIENT_STOPPED`) if it stops first.
   */
  torrent(): Promise<Torrent>;
  /** Resolves with the first state in which every wanted byte is had; rejects if it stops or fails first. */
  done(): Promise<SessionState>;
  /** Sets a file's priority (files as `rxtorrent info` numbers them): `'skip'` files are not fetched. */
  setFilePriority(file: number, priority: Priority): void;
  /** Sets every file's priority at once (files left out: normal). */
  setFilePriorities(priorities: readonly Priority[]): void;
  /** Gives a byte range of a file a priority of its own (over the file's). */
  setRangePriority(file: number, range: Required<ByteRange>, priority: Priority): void;
  /**
   * The verified bytes of a file (or of `range` of it), in order, each chunk as soon as the
   * pieces covering it are written; the pieces just ahead of the read go first. Cold: each
   * subscription reads afresh. Works while the metadata is fetched, during the download and
   * after it; errors (`ERR_CLIENT_STOPPED`) when the torrent stops first.
   */
  read$(file: number, range?: ByteRange): Observable<Uint8Array>;
  /** The same bytes as a Node `Readable`, with backpressure (a slow reader holds the readahead back). */
  createReadStream(file: number, range?: ByteRange): Readable;
  /** Stops the torrent (connections closed, `stopped` announced, files closed). Idempotent. */
  stop(): void;
}

/**
 * Starts a session under a handle.
 *
 * @param infoHash - the torrent's
 * @param run - the session, given the handle's control (subscribed at once)
 * @param files - the initial file priorities
 * @returns the running handle
 * @example
 * ```ts
 * declare const config: SessionConfig, port: SwarmPort;
 * const handle = startHandle(torrent.infoHash, (control) => torrentSession(torrent, config, port, { control }), []);
 * handle.state$.subscribe((s) => console.log(s.progress));
 * ```
 */
export function startHandle(infoHash: string, run: (control: SessionControl) => Observable<SessionState>, files: readonly Priority[] = []): TorrentHandle {
  const control = new HandleControl(files);
  const states = new ReplaySubject<SessionState>(1);
  const subscription = run(control).subscribe(states);
  return {
    infoHash,
    state$: states.asObservable(),
    torrent: () => control.pieces().then((access) => access.torrent),
    done: () =>
      firstValueFrom(states.pipe(filter((s) => s.status === 'seeding' || s.status === 'done'))).catch((err: unknown) => {
        throw err instanceof EmptyError ? new ClientError('ERR_CLIENT_STOPPED', 'the torrent stopped before it was done') : err;
      }),
    setFilePriority: (file, priority) => control.setFile(file, priority),
    setFilePriorities: (priorities) => control.setFiles(priorities),
    setRangePriority: (file, range, priority) => control.setRange({ file, start: range.start, end: range.end, priority }),
    read$: (file, range) => readRange$(control, file, range),
    createReadStream: (file, range) => readRangeStream(control, file, range),
    stop: () => {
      if (subscription.closed) return;
      subscription.unsubscribe();
      states.complete();
    },
  };
}
