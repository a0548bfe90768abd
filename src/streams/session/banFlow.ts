/**
 * Holding peers to account for bad data: piece verdicts in, bans out (the pure
 * {@link SmartBan}: a strike per failed piece, shared among its senders; block hashes compared
 * when the piece later passes), and peers proven to have sent a bad block (`blamed$`, from a v2
 * torrent's block hashes: banned at once). A ban names the peer's address and id as data, so a
 * peer that already left is banned all the same.
 *
 * @module
 */
import { Observable, Subscription } from 'rxjs';
import type { PieceVerdict } from '../../protocol/pieces/index.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import { SmartBan } from '../../protocol/swarm/smartBan.js';
import type { Ban, LinkEvent, SessionPeer } from './linkEvents.js';

/** Peers that left whose identity is kept, for a verdict on a piece they sent blocks of. */
export const DEPARTED_PEERS_KEPT = 1024;

/** What {@link banFlow} reads. */
export interface BanFlowInput {
  readonly links$: Observable<LinkEvent>;
  /** Every piece verdict; a verdict's data is read while it is delivered. */
  readonly verdicts$: Observable<PieceVerdict>;
  /** Bad pieces a peer may send (each shared failure counts in part) before it is banned. */
  readonly threshold: number;
  /** Peers proven to have sent bad data (no threshold). */
  readonly blamed$?: Observable<PeerKey>;
}

/**
 * Decides whom to ban.
 *
 * ```
 * verdicts$: --f(a)--f(a)---    (two failed pieces from peer a; threshold 2)
 * output:    --------B(a)---
 * ```
 *
 * @param input - links (for identities), verdicts, the threshold
 * @returns one {@link Ban} per banned peer
 * @example
 * ```ts
 * declare const links: SwarmLinks, links$: BanFlowInput['links$'], verdicts$: BanFlowInput['verdicts$'];
 * banFlow({ links$, verdicts$, threshold: 2 }).subscribe((ban) => links.close(ban.peer.key));
 * ```
 */
export function banFlow(input: BanFlowInput): Observable<Ban> {
  return new Observable<Ban>((subscriber) => {
    const smartBan = new SmartBan(input.threshold);
    const open = new Map<PeerKey, SessionPeer>();
    // Insertion-ordered: the oldest departure is forgotten first.
    const departed = new Map<PeerKey, SessionPeer>();
    const subscription = new Subscription();
    const banned = new Set<PeerKey>();
    const ban = (key: PeerKey): void => {
      const peer = open.get(key) ?? departed.get(key);
      if (peer === undefined || banned.has(key)) return;
      banned.add(key);
      subscriber.next({ peer });
    };
    subscription.add(input.links$.subscribe((event) => {
      if (event.type === 'joined') open.set(event.peer.key, event.peer);
      else if (event.type === 'left') {
        open.delete(event.peer.key);
        departed.set(event.peer.key, event.peer);
        if (departed.size > DEPARTED_PEERS_KEPT) departed.delete(departed.keys().next().value as PeerKey);
      }
    }));
    subscription.add(input.verdicts$.subscribe((verdict) => {
      for (const key of verdict.type === 'failed' ? smartBan.failed(verdict) : smartBan.verified(verdict)) ban(key);
    }));
    if (input.blamed$ !== undefined) subscription.add(input.blamed$.subscribe(ban));
    return subscription;
  });
}
