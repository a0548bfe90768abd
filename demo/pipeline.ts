/**
 * A download composed by hand from the public API only (`rxtorrent`, `rxtorrent/operators`), with
 * no session: one peer, its messages turned into scheduler events, the scheduler's requests sent
 * back, and the accepted blocks assembled, verified, written and counted until the last piece.
 *
 *   messages$ ─toSwarmEvents─▶ schedulePieces ─┬─ requests ─▶ connection.send
 *                                              └─ blocks ─assemblePieces─verifyPieces─writePieces─trackCompletion
 *
 * The operators are split over three nested `pipe()` calls: RxJS types `pipe()` with up to nine
 * operators, and one long pipe would give `Observable<unknown>`.
 *
 * ```
 * npm run build && node --import ./spec/register-ts-node.mjs demo/pipeline.ts file.torrent HOST:PORT
 * ```
 */
import { filter, finalize, merge, mergeMap, of, Subject, tap } from 'rxjs';
import { Bitfield, connectPeer, generatePeerId, memoryStorage, parsePeerAddress, readTorrent } from 'rxtorrent';
import { assemblePieces, schedulePieces, toSwarmEvents, trackCompletion, verifyPieces, writePieces, type SchedulerCommand, type SwarmEvent } from 'rxtorrent/operators';

const [torrentFile, peer] = process.argv.slice(2);
if (torrentFile === undefined || peer === undefined) throw new Error('usage: pipeline.ts <file.torrent> <host:port>');
const torrent = await readTorrent(torrentFile);
const storage = memoryStorage(torrent);
const have = new Bitfield(torrent.pieceCount);
// Piece verdicts go back into the scheduler: the pipeline's one cycle, closed with a Subject.
const verdicts$ = new Subject<SwarmEvent>();
const KEY = 'the-peer';

connectPeer(parsePeerAddress(peer), {
  infoHash: torrent.infoHashBytes, peerId: generatePeerId(), bitfield: () => have, limits: { pieceCount: torrent.pieceCount },
})
  .pipe(
    mergeMap((connection) =>
      merge(
        of<SwarmEvent>({ type: 'peer-joined', peer: KEY }),
        connection.messages$.pipe(toSwarmEvents(KEY, torrent.pieceCount)),
        verdicts$,
      ).pipe(
        schedulePieces(torrent),
        // Requests (and interest) go to the peer; accepted blocks go on down the pipe.
        tap((command) => {
          if (command.type === 'interested' || command.type === 'not-interested') void connection.send({ type: command.type });
          if (command.type === 'request' || command.type === 'cancel') {
            void connection.send({ type: command.type, index: command.index, begin: command.begin, length: command.length });
          }
        }),
        filter((command): command is Extract<SchedulerCommand, { type: 'block' }> => command.type === 'block'),
      ).pipe(
        assemblePieces(torrent),
        verifyPieces(torrent),
        tap((verdict) => verdicts$.next({ type: verdict.type === 'verified' ? 'piece-verified' : 'piece-failed', index: verdict.index })),
        filter((verdict) => verdict.type === 'verified'),
        writePieces(storage),
        trackCompletion({ pieceCount: torrent.pieceCount }),
        // trackCompletion completes after the last piece: hang up, which ends connectPeer too.
        finalize(() => connection.close()),
      ),
    ),
  )
  .subscribe({
    next: (event) => {
      if (event.type === 'progress' && (event.have % 64 === 0 || event.have === event.pieceCount)) console.log(`${event.have}/${event.pieceCount} pieces`);
      if (event.type === 'complete') console.log(`complete: ${torrent.name}, ${storage.content().length} bytes in memory`);
    },
    error: (err: unknown) => console.error(err),
  });
