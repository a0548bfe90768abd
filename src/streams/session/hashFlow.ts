/**
 * The seeder's half of BEP 52 hash messages on live connections: every `hash request` from a
 * peer is answered with `hashes` (the piece layer and up from the file's tree, block hashes from
 * the one piece's data, proofs included, `serveHashes`) or `hash reject`. The work per peer is
 * bounded: a request budget refilled per second, and at most a few piece reads in flight; over
 * either, the request is rejected at once (O(1)).
 *
 * ```
 * links$:  --q(hash request)---q(block hashes)------|
 * storage:                      └read piece──┐
 * output:  --h(hashes)----------------------h-------|
 * ```
 *
 * @module
 */
import { Observable, Subscription, type SchedulerLike } from 'rxjs';
import { fileGeometry, fileTreeOf, filesByRoot, pieceInFile, type Torrent } from '../../protocol/metainfo/index.js';
import { FileTree, MerkleError, blockHashes, pieceLeafCount, pieceNeededFor, serveHashes } from '../../protocol/merkle/index.js';
import { TokenBucket } from '../../protocol/rate/index.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import { toHex } from '../../protocol/bytes.js';
import type { HashRequestMessage } from '../../protocol/wire/index.js';
import type { LinkEvent, SendCommand } from './linkEvents.js';
import type { SessionStorage } from './sessionConfig.js';

/** Hash requests a peer may send per second, on average. */
export const HASH_REQUESTS_PER_S = 50;
/** Hash requests a peer may send at once after a quiet spell (a piece layer of 100,000 pieces is 196). */
export const HASH_REQUEST_BURST = 256;
/** Block-hash requests (each a piece read and hashed) served at once per peer. */
export const HASH_READS_PER_PEER = 4;

/** What {@link hashFlow} reads. */
export interface HashFlowInput {
  /** A v2 or hybrid torrent with its piece layers. */
  readonly torrent: Torrent;
  readonly storage: Pick<SessionStorage, 'readBlock'>;
  /** Whether we have piece `index` (block hashes are only served from verified data). */
  readonly has: (index: number) => boolean;
  readonly links$: Observable<LinkEvent>;
  readonly scheduler: SchedulerLike;
}

/**
 * Answers hash requests.
 *
 * @param input - torrent, storage, what we have, links, clock
 * @returns `hashes` and `hash reject` messages for peers; never errors (a failed read is a reject)
 * @example
 * ```ts
 * declare const storage: HashFlowInput['storage'], book: ProgressBook, links: SwarmLinks;
 * declare const links$: HashFlowInput['links$'], scheduler: HashFlowInput['scheduler'];
 * hashFlow({ torrent, storage, has: (i) => book.have.has(i), links$, scheduler }).subscribe((out) => links.send(out.peer, out.message));
 * ```
 */
export function hashFlow(input: HashFlowInput): Observable<SendCommand> {
  return new Observable<SendCommand>((subscriber) => {
    const { torrent, scheduler } = input;
    const byRoot = filesByRoot(torrent);
    const trees = new Map<number, FileTree | undefined>();
    const budgets = new Map<PeerKey, { bucket: TokenBucket; reads: number }>();
    let open = true;
    const reply = (peer: PeerKey, r: HashRequestMessage, answer: Uint8Array | MerkleError): void => {
      if (!open || !budgets.has(peer)) return;
      const message = answer instanceof MerkleError ? { ...r, type: 'hash-reject' as const } : { ...r, type: 'hashes' as const, hashes: answer };
      subscriber.next({ type: 'send', peer, message });
    };
    const treeOf = (fileIndex: number): FileTree | undefined => {
      if (!trees.has(fileIndex)) trees.set(fileIndex, fileTreeOf(torrent, fileIndex));
      return trees.get(fileIndex);
    };
    const onRequest = (peer: PeerKey, r: HashRequestMessage): void => {
      const budget = budgets.get(peer);
      if (budget === undefined) return;
      const fileIndex = byRoot.get(toHex(r.piecesRoot));
      if (fileIndex === undefined || !budget.bucket.tryTake(1, scheduler.now())) return reply(peer, r, refused('unknown root or over budget'));
      const g = fileGeometry(torrent, fileIndex);
      if (g.singlePiece || r.baseLayer === 0) return serveBlocks(peer, r, fileIndex, budget);
      const tree = treeOf(fileIndex);
      reply(peer, r, tree === undefined ? refused('no piece layer') : serveHashes(tree, r));
    };
    /** Block hashes: the one piece is read (if we have it) and hashed, within the peer's read cap. */
    const serveBlocks = (peer: PeerKey, r: HashRequestMessage, fileIndex: number, budget: { reads: number }): void => {
      const g = fileGeometry(torrent, fileIndex);
      const file = torrent.files[fileIndex]!;
      // A one-piece file's tree is rebuilt from the piece read below; the range is checked on it.
      const shape = g.singlePiece ? undefined : treeOf(fileIndex);
      const filePiece = shape === undefined ? (r.baseLayer === 0 && r.index < pieceLeafCount(g) ? 0 : undefined) : pieceNeededFor(shape, r);
      const index = filePiece === undefined ? undefined : file.offset / torrent.pieceLength + filePiece;
      if (index === undefined || !input.has(index) || budget.reads >= HASH_READS_PER_PEER) return reply(peer, r, refused('block hashes unavailable'));
      budget.reads++;
      const { dataLength } = pieceInFile(torrent, index);
      input.storage.readBlock(index, 0, dataLength).then(
        (data) => {
          budget.reads--;
          const tree = shape ?? FileTree.fromSmallFile(g, data);
          reply(peer, r, serveHashes(tree, r, blockHashes(data, pieceLeafCount(g))));
        },
        () => {
          budget.reads--;
          reply(peer, r, refused('piece read failed'));
        },
      );
    };
    const subscription = new Subscription(() => (open = false));
    subscription.add(input.links$.subscribe((event) => {
      const key = event.peer.key;
      if (event.type === 'joined') budgets.set(key, { bucket: new TokenBucket({ rate: HASH_REQUESTS_PER_S, burst: HASH_REQUEST_BURST }), reads: 0 });
      else if (event.type === 'left') budgets.delete(key);
      else if (event.message.type === 'hash-request') onRequest(key, event.message);
    }));
    return subscription;
  });
}

function refused(why: string): MerkleError {
  return new MerkleError('ERR_MERKLE_UNAVAILABLE', why);
}
