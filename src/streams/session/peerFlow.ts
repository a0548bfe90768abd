/**
 * Where a session's peers come from: addresses given directly, trackers (announced from the
 * port we listen on), and inbound connections routed by the client. Dials go through
 * `dialPeers` under the session's cap; banned addresses are never dialled again.
 *
 * @module
 */
import { filter, map, Subject, Subscription, tap } from 'rxjs';
import { dialPeers, type DialCommand } from '../../operators/dialPeers.js';
import { toHex } from '../../protocol/bytes.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import { announceEvery } from '../../tracker/client/announceEvery.js';
import type { PeerConnection } from '../peer/index.js';
import type { PeerLinks } from './peerLinks.js';
import type { SwarmContext } from './swarmContext.js';

/** Peers wanted from each announce while below the cap. */
const NUMWANT = 50;

/**
 * Feeds connections into the session's links.
 *
 * @example
 * ```ts
 * const peers = new PeerFlow(ctx, links);
 * peers.ban(address); // after bad data
 * ```
 */
export class PeerFlow {
  readonly subscription = new Subscription();
  private readonly dials$ = new Subject<DialCommand>();
  /** Peer ids of banned peers: a banned peer that dials us is hung up on (its port is random). */
  private readonly bannedIds = new Set<string>();
  /** The port we listen on, once known (announced to peers in our extension handshake). */
  listenPort: number | undefined;

  constructor(ctx: SwarmContext, links: PeerLinks) {
    const { torrent, config, port, scheduler, random } = ctx;
    const maxPeers = config.maxPeers ?? 50;
    const adopt = (connection: PeerConnection): void => {
      if (this.bannedIds.has(toHex(connection.peerId))) connection.close();
      else this.subscription.add(links.add(connection));
    };
    this.subscription.add(() => this.dials$.complete());
    this.subscription.add(port.inbound(torrent.infoHashBytes, ctx.peerOptions).subscribe({ next: adopt, error: ctx.fail }));
    this.subscription.add(
      this.dials$
        .pipe(dialPeers((address) => port.dial(address, torrent.infoHashBytes, ctx.peerOptions), { maxPeers, scheduler }))
        .subscribe(adopt),
    );
    const trackers = config.trackers ?? torrent.announce;
    this.subscription.add(
      port.listening$.subscribe({
        error: ctx.fail,
        next: (listenPort) => {
          this.listenPort = listenPort;
          // Dial the given peers once we listen, so our extension handshake carries our port
          // (the peer can then dial us back, and tell others about us over PEX).
          if ((config.peers ?? []).length > 0) this.dials$.next({ type: 'add', addresses: config.peers ?? [] });
          const announce$ = announceEvery(
            trackers,
            ctx.snapshots.transfer$,
            { infoHash: torrent.infoHashBytes, peerId: port.peerId, port: listenPort, host: port.host, numwant: () => (links.size < maxPeers ? NUMWANT : 0), scheduler, random },
            { announce: ctx.announce },
          );
          this.subscription.add(
            announce$
              .pipe(
                tap((event) => ctx.snapshots.tracker(event)),
                filter((event) => event.type === 'peers'),
                map((event): DialCommand => ({ type: 'add', addresses: event.peers })),
              )
              .subscribe((command) => this.dials$.next(command)),
          );
        },
      }),
    );
  }

  /** Dials `addresses` as room allows (peers learned from PEX). */
  add(addresses: readonly PeerAddress[]): void {
    this.dials$.next({ type: 'add', addresses });
  }

  /** Never dial `address` again, and hang up on `peerId` when it dials us. */
  ban(address: PeerAddress, peerId?: Uint8Array): void {
    this.dials$.next({ type: 'ban', address });
    if (peerId !== undefined) this.bannedIds.add(toHex(peerId));
  }
}
