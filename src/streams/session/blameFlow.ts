/**
 * Exact blame for a v2-only torrent's bad pieces (BEP 52): when a piece fails, its block hashes
 * are asked of a peer (one that did not send the piece, if there is one), proven to the piece's
 * hash (`verifyHashes`), and compared with each block (`findBadBlocks`): the sender of each bad
 * block is blamed at once, and so is a peer whose hashes do not chain. Work is bounded: a few
 * failed pieces kept at a time, one request each, a timeout.
 *
 * ```
 * verdicts$: --f(piece 3: blocks from a, b)----------------
 * links$:    ------------------------h(leaves from c)------
 * output:    --q(hash request to c)----------B(b)----------
 * ```
 *
 * @module
 */
import { Observable, Subscription, timer, type SchedulerLike } from 'rxjs';
import { copyOf, toHex } from '../../protocol/bytes.js';
import { fileGeometry, fileTreeOf, pieceInFile, type Torrent } from '../../protocol/metainfo/index.js';
import { MerkleError, blockHashRequest, findBadBlocks, rootOnly, verifyHashes, type HashRange, type TreeGeometry } from '../../protocol/merkle/index.js';
import type { PieceVerdict } from '../../protocol/pieces/index.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import type { LinkEvent, SendCommand } from './linkEvents.js';

/** Failed pieces whose block hashes are being asked at once; more failures wait for the next. */
export const BLAME_PIECES_AT_ONCE = 4;
/** A block-hash request not answered within this is given up. */
export const BLAME_TIMEOUT_MS = 20_000;

/** What {@link blameFlow} reads. */
export interface BlameFlowInput {
  /** A v2-only torrent with its piece layers. */
  readonly torrent: Torrent;
  readonly verdicts$: Observable<PieceVerdict>;
  readonly links$: Observable<LinkEvent>;
  readonly scheduler: SchedulerLike;
}

/** What {@link blameFlow} emits: hash requests to send, and peers proven to have lied. */
export type BlameOut = SendCommand | { readonly type: 'blame'; readonly peer: PeerKey };

interface Case {
  readonly range: HashRange;
  readonly fileIndex: number;
  readonly g: TreeGeometry;
  readonly data: Uint8Array;
  readonly blockPeers: readonly PeerKey[];
  readonly asked: PeerKey;
  readonly timeout: Subscription;
}

/**
 * Names the senders of bad blocks.
 *
 * @param input - the torrent, verdicts, links, clock
 * @returns hash requests and blames
 * @example
 * ```ts
 * declare const verdicts$: BlameFlowInput['verdicts$'], links$: BlameFlowInput['links$'], scheduler: BlameFlowInput['scheduler'];
 * declare const blamed$: import('rxjs').Subject<PeerKey>;
 * declare function send(command: SendCommand): void;
 * blameFlow({ torrent, verdicts$, links$, scheduler }).subscribe((out) => (out.type === 'send' ? send(out) : blamed$.next(out.peer)));
 * ```
 */
export function blameFlow(input: BlameFlowInput): Observable<BlameOut> {
  return new Observable<BlameOut>((subscriber) => {
    const { torrent, scheduler } = input;
    const open = new Set<PeerKey>();
    /** By `root:index` of the block-hash request. */
    const cases = new Map<string, Case>();
    const subscription = new Subscription(() => cases.forEach((c) => c.timeout.unsubscribe()));
    const idOf = (r: HashRange): string => `${toHex(r.piecesRoot)}:${r.baseLayer}:${r.index}`;
    const close = (id: string): void => {
      cases.get(id)?.timeout.unsubscribe();
      cases.delete(id);
    };
    subscription.add(input.links$.subscribe((event) => {
      if (event.type === 'joined') return void open.add(event.peer.key);
      if (event.type === 'left') return void open.delete(event.peer.key);
      const m = event.message;
      if (m.type !== 'hashes' && m.type !== 'hash-reject') return;
      const id = idOf(m);
      const c = cases.get(id);
      if (c === undefined || c.asked !== event.peer.key) return;
      close(id);
      if (m.type === 'hash-reject') return;
      // The leaves must hash up to the piece's node: the root of a one-piece file, else the piece layer's.
      const trusted = c.g.singlePiece ? rootOnly(c.g, c.range.piecesRoot) : fileTreeOf(torrent, c.fileIndex)!;
      const leaves = verifyHashes(c.g, trusted, m);
      if (leaves instanceof MerkleError) {
        if (leaves.code === 'ERR_MERKLE_NOT_CHAINED') subscriber.next({ type: 'blame', peer: event.peer.key });
        return;
      }
      const blamed = new Set(findBadBlocks(c.data, leaves).map((b) => c.blockPeers[b]).filter((p): p is PeerKey => p !== undefined));
      for (const peer of blamed) subscriber.next({ type: 'blame', peer });
    }));
    subscription.add(input.verdicts$.subscribe((verdict) => {
      if (verdict.type !== 'failed' || cases.size >= BLAME_PIECES_AT_ONCE) return;
      const { fileIndex, filePiece, dataLength } = pieceInFile(torrent, verdict.index);
      const g = fileGeometry(torrent, fileIndex);
      const range = blockHashRequest(g, torrent.files[fileIndex]!.piecesRoot!, filePiece);
      // A one-block piece has one sender: the piece's failure names it already.
      if (range === undefined || cases.has(idOf(range))) return;
      const others = [...open].filter((p) => !verdict.peers.includes(p));
      const asked = others[0] ?? [...open][0];
      if (asked === undefined) return;
      const id = idOf(range);
      const timeout = timer(BLAME_TIMEOUT_MS, scheduler).subscribe(() => close(id));
      cases.set(id, { range, fileIndex, g, data: copyOf(verdict.data.subarray(0, dataLength)), blockPeers: [...verdict.blockPeers], asked, timeout });
      subscriber.next({ type: 'send', peer: asked, message: { type: 'hash-request', ...range } });
    }));
    return subscription;
  });
}
