/**
 * The requester's half of BEP 52 hash messages before a v2 download: a v2-only torrent known
 * without its piece layers (a magnet's info dict, a layerless `.torrent`) gets them from its
 * peers (every peer of a v2-only swarm speaks v2: libtorrent 2.0 sets no reserved bit for one,
 * the bit only offers a hybrid's upgrade). Each file's layer is asked in 512-hash chunks proven to its root
 * (`PieceLayerFetch`), a few at a time per peer; a reject or a timeout sends the chunk to another
 * peer, and hashes that do not chain to the root get their sender banned.
 *
 * ```
 * links$:  -j(peer)--h(hashes)--h(hashes)-------|
 * output:  -q(request)q-----------p------------t|   (t: the torrent with every piece layer)
 * ```
 *
 * @module
 */
import { Observable, Subscription, timer, type SchedulerLike } from 'rxjs';
import { toHex } from '../../protocol/bytes.js';
import { fileGeometry, type Torrent, type TorrentFile } from '../../protocol/metainfo/index.js';
import { MerkleError, PieceLayerFetch } from '../../protocol/merkle/index.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import type { HashRejectMessage, HashesMessage } from '../../protocol/wire/index.js';
import type { LinkEvent, SendCommand, SessionPeer } from './linkEvents.js';

/** A chunk not answered within this is asked of another peer. @default */
export const LAYER_REQUEST_TIMEOUT_MS = 20_000;
/** Hash requests in flight per peer. */
export const LAYER_REQUESTS_PER_PEER = 4;

/** What {@link layerFetchFlow} reads. */
export interface LayerFetchInput {
  /** A v2-only torrent; files over one piece without a `pieceLayer` are fetched. */
  readonly torrent: Torrent;
  readonly links$: Observable<LinkEvent>;
  readonly scheduler: SchedulerLike;
  /** @default LAYER_REQUEST_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

/** What {@link layerFetchFlow} emits. */
export type LayerFetchOut =
  | SendCommand
  /** The peer sent hashes that do not hash up to the file's root. */
  | { readonly type: 'ban'; readonly peer: SessionPeer }
  /** Fraction of the missing piece hashes now verified. */
  | { readonly type: 'progress'; readonly fraction: number }
  /** Every layer is known: the torrent with them (the flow completes). */
  | { readonly type: 'torrent'; readonly torrent: Torrent };

interface Wanted {
  readonly fetch: PieceLayerFetch;
  readonly files: number[];
}

/**
 * Fetches the missing piece layers of a v2-only torrent.
 *
 * @param input - the torrent, the session's links, the clock
 * @returns hash requests, bans, progress, then the completed torrent
 * @example
 * ```ts
 * declare const links$: LayerFetchInput['links$'], scheduler: LayerFetchInput['scheduler'];
 * declare function start(torrent: Torrent): void;
 * layerFetchFlow({ torrent, links$, scheduler }).subscribe((out) => out.type === 'torrent' && start(out.torrent));
 * ```
 */
export function layerFetchFlow(input: LayerFetchInput): Observable<LayerFetchOut> {
  return new Observable<LayerFetchOut>((subscriber) => {
    const { torrent, scheduler } = input;
    const wanted = wantedLayers(torrent);
    const total = [...wanted.values()].reduce((n, w) => n + w.fetch.geometry.pieces, 0);
    let learned = 0;
    const peers = new Map<PeerKey, { peer: SessionPeer; inFlight: number }>();
    /** Chunks asked, by `root:index`, with who was asked and its timer. */
    const pending = new Map<string, { peer: PeerKey; timeout: Subscription }>();
    /** `root:index|peer`: this peer refused, timed out on or could not prove this chunk. */
    const refused = new Set<string>();
    const subscription = new Subscription(() => pending.forEach((p) => p.timeout.unsubscribe()));
    const finish = (): void => {
      const layers = new Map<number, Uint8Array>();
      for (const w of wanted.values()) for (const f of w.files) layers.set(f, w.fetch.pieceLayer()!);
      subscriber.next({ type: 'torrent', torrent: { ...torrent, files: torrent.files.map((f, i): TorrentFile => (layers.has(i) ? { ...f, pieceLayer: layers.get(i) } : f)) } });
      subscriber.complete();
    };
    const release = (id: string, refuse: boolean): void => {
      const p = pending.get(id);
      if (p === undefined) return;
      pending.delete(id);
      p.timeout.unsubscribe();
      const holder = peers.get(p.peer);
      if (holder !== undefined) holder.inFlight--;
      if (refuse) refused.add(`${id}|${p.peer}`);
    };
    const pump = (): void => {
      for (const [root, w] of wanted) {
        for (const r of w.fetch.requests()) {
          const id = `${root}:${r.index}`;
          if (pending.has(id)) continue;
          const candidates = [...peers.entries()].filter(([key, p]) => p.inFlight < LAYER_REQUESTS_PER_PEER && !refused.has(`${id}|${key}`));
          const best = candidates.sort((a, b) => a[1].inFlight - b[1].inFlight)[0];
          if (best === undefined) continue;
          const [key, holder] = best;
          holder.inFlight++;
          const timeout = timer(input.timeoutMs ?? LAYER_REQUEST_TIMEOUT_MS, scheduler).subscribe(() => {
            release(id, true);
            pump();
          });
          pending.set(id, { peer: key, timeout });
          subscriber.next({ type: 'send', peer: key, message: { type: 'hash-request', ...r } });
        }
      }
    };
    const answered = (peer: SessionPeer, msg: HashesMessage | HashRejectMessage): void => {
      const root = toHex(msg.piecesRoot);
      const id = `${root}:${msg.index}`;
      const w = wanted.get(root);
      if (w === undefined || pending.get(id)?.peer !== peer.key) return; // not asked of it: ignored
      if (msg.type === 'hash-reject') return release(id, true);
      const added = w.fetch.add(msg);
      release(id, added instanceof MerkleError);
      if (added instanceof MerkleError) {
        if (added.code === 'ERR_MERKLE_NOT_CHAINED') subscriber.next({ type: 'ban', peer });
        return;
      }
      learned += added;
      subscriber.next({ type: 'progress', fraction: total === 0 ? 1 : learned / total });
    };
    if (wanted.size === 0) {
      finish();
      return subscription;
    }
    subscription.add(input.links$.subscribe((event) => {
      const key = event.peer.key;
      if (event.type === 'joined') peers.set(key, { peer: event.peer, inFlight: 0 });
      else if (event.type === 'left') {
        for (const [id, p] of [...pending]) if (p.peer === key) release(id, false);
        peers.delete(key);
      } else if (event.message.type === 'hashes' || event.message.type === 'hash-reject') {
        answered(event.peer, event.message);
        if ([...wanted.values()].every((w) => w.fetch.complete)) return finish();
      } else return;
      pump();
    }));
    return subscription;
  });
}

/** The layers to fetch, by root (identical files share one). */
function wantedLayers(torrent: Torrent): Map<string, Wanted> {
  const out = new Map<string, Wanted>();
  torrent.files.forEach((f, i) => {
    if (f.pad || f.piecesRoot === undefined || f.pieceLayer !== undefined || f.length <= torrent.pieceLength) return;
    const root = toHex(f.piecesRoot);
    const w = out.get(root) ?? { fetch: new PieceLayerFetch(fileGeometry(torrent, i), f.piecesRoot), files: [] };
    w.files.push(i);
    out.set(root, w);
  });
  return out;
}
