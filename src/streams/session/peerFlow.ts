/**
 * Where a session's peers come from: addresses given directly, trackers (announced from the
 * port we listen on), the client's DHT, peers learned from others (PEX) and inbound connections
 * routed by the client. Dials go through `dialPeers` under the session's cap; a banned peer's IP address (on
 * loopback: its address and port) is never dialled again, and it is hung up on when it dials us,
 * from any port and with any peer id.
 *
 * @module
 */
import { addressClassOf, mayDialLearned, type AddressClass } from '../../protocol/swarm/addressClass.js';
import { Observable, Subject, Subscription, tap, type SchedulerLike } from 'rxjs';
import { dialPeers, type DialCommand } from '../../operators/dialPeers.js';
import { toHex } from '../../protocol/bytes.js';
import { banKeyOf, type PeerAddress } from '../../protocol/peerAddress.js';
import type { AnnounceFunction } from '../../tracker/client/announce.js';
import type { TransferStats } from '../../tracker/client/announceEveryConfig.js';
import { announceEvery } from '../../tracker/client/announceEvery.js';
import type { TrackerEvent } from '../../tracker/client/trackerEvents.js';
import type { PeerConnection, TorrentPeerOptions } from '../peer/index.js';
import { dhtFlow } from './dhtFlow.js';
import type { Ban, LinkEvent } from './linkEvents.js';
import type { DhtView } from './sessionState.js';
import type { SwarmPort } from './sessionConfig.js';

/** Peers wanted from each announce while below the cap. */
const NUMWANT = 50;
/** Below this many connections, a peer leaving starts a DHT lookup (at most one a minute). */
const FEW_PEERS = 5;

/** What {@link peerFlow} reads. */
export interface PeerFlowInput {
  readonly infoHash: Uint8Array;
  readonly port: SwarmPort;
  /** What each of our connections is opened with. */
  readonly options: TorrentPeerOptions;
  /**
   * A hybrid torrent's v2 swarm (BEP 52): its truncated v2 hash is announced too, and inbound
   * handshakes for it are accepted, opened with these options (the v2 bit set).
   */
  readonly v2Swarm?: { readonly infoHash: Uint8Array; readonly options: TorrentPeerOptions };
  /** Tracker tiers to announce to. */
  readonly trackers: readonly (readonly string[])[];
  /** Addresses to dial at once (the user's, a magnet's `x.pe`). */
  readonly given: readonly PeerAddress[];
  /** Connections this torrent keeps at most. */
  readonly maxPeers: number;
  /** The links, to ask trackers for peers only below the cap. */
  readonly links$: Observable<LinkEvent>;
  /** What we transferred, for announces. */
  readonly transfer$: Observable<TransferStats>;
  /** Peers to ban (bad data). */
  readonly bans$: Observable<Ban>;
  /** Addresses other peers told us about (PEX). */
  readonly learned$: Observable<readonly PeerAddress[]>;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
  readonly announce: AnnounceFunction | undefined;
  /** True when the torrent is private: no DHT (BEP 27); a magnet's answer may change once its metadata is in. */
  readonly isPrivate: () => boolean;
}

/** What {@link peerFlow} emits: connections to adopt, and what the trackers said. */
export type PeerFlowOutput =
  | { readonly type: 'connection'; readonly connection: PeerConnection }
  | { readonly type: 'tracker'; readonly event: TrackerEvent }
  | { readonly type: 'dht'; readonly view: DhtView }
  /** A dial failed (it is retried after a back-off): what the state shows while no peer is connected. */
  | { readonly type: 'dial-failed'; readonly address: PeerAddress; readonly message: string };

/**
 * Finds and connects the session's peers.
 *
 * ```
 * given/trackers/dht/learned: -a--b---c-|    bans: ---x--
 * output:                     -C--C---t-C    (C connection, t tracker or DHT status)
 * ```
 *
 * @param input - the streams and options it reads
 * @returns connections (dialled or inbound) and tracker events; errors when listening fails
 * @example
 * ```ts
 * declare const input: PeerFlowInput, links: SwarmLinks;
 * peerFlow({ ...input, maxPeers: 50, announce: undefined, isPrivate: () => false })
 *   .subscribe((out) => out.type === 'connection' && links.adopt(out.connection));
 * ```
 */
export function peerFlow(input: PeerFlowInput): Observable<PeerFlowOutput> {
  return new Observable<PeerFlowOutput>((subscriber) => {
    const { infoHash, port, options, scheduler } = input;
    const subscription = new Subscription();
    const bannedIds = new Set<string>();
    // Bad data bans the peer's IP address (its address and port on loopback) and its peer id.
    const bannedHosts = new Set<string>();
    const dials$ = new Subject<DialCommand>();
    let open = 0;
    const adopt = (connection: PeerConnection): void => {
      if (bannedIds.has(toHex(connection.peerId)) || bannedHosts.has(banKeyOf(connection.address))) connection.close();
      else subscriber.next({ type: 'connection', connection });
    };
    subscription.add(() => dials$.complete());
    subscription.add(input.links$.subscribe((e) => (open += e.type === 'joined' ? 1 : e.type === 'left' ? -1 : 0)));
    subscription.add(input.bans$.subscribe(({ peer }) => {
      bannedIds.add(toHex(peer.peerId));
      bannedHosts.add(banKeyOf(peer.address));
      dials$.next({ type: 'ban', address: peer.address });
    }));
    // What peers tell us (PEX) is dialled only where the torrent's own peers, or we, are.
    const trusted = new Set<AddressClass>(port.host === undefined ? [] : [addressClassOf(port.host)]);
    const trust = (addresses: readonly PeerAddress[]): void => addresses.forEach((a) => trusted.add(addressClassOf(a.host)));
    trust(input.given);
    // What other peers (PEX) and the DHT's nodes tell us.
    const dialLearned = (addresses: readonly PeerAddress[]): void => {
      const allowed = addresses.filter((a) => mayDialLearned(a, trusted));
      if (allowed.length > 0) dials$.next({ type: 'add', addresses: allowed });
    };
    subscription.add(input.learned$.subscribe(dialLearned));
    for (const swarm of [{ infoHash, options }, ...(input.v2Swarm === undefined ? [] : [input.v2Swarm])]) {
      subscription.add(port.inbound(swarm.infoHash, swarm.options).subscribe({ next: adopt, error: (err: unknown) => subscriber.error(err) }));
    }
    const dial = (address: PeerAddress): Observable<PeerConnection> => port.dial(address, infoHash, options).pipe(
      tap({ error: (err: unknown) => subscriber.next({ type: 'dial-failed', address, message: err instanceof Error ? err.message : String(err) }) }),
    );
    subscription.add(dials$.pipe(dialPeers(dial, { maxPeers: input.maxPeers, scheduler })).subscribe(adopt));
    subscription.add(
      port.listening$.subscribe({
        error: (err: unknown) => subscriber.error(err),
        next: (listenPort) => {
          // Dial the given peers once we listen, so our extension handshake carries our port
          // (the peer can then dial us back, and tell others about us over PEX).
          if (input.given.length > 0) dials$.next({ type: 'add', addresses: input.given });
          // A private torrent never starts it (BEP 27); a magnet found private later stops it (isPrivate).
          // A hybrid's v2 hash is searched and announced too; the state shows the v1 hash's view.
          const swarmHashes = [infoHash, ...(input.v2Swarm === undefined ? [] : [input.v2Swarm.infoHash])];
          for (const swarmHash of port.dht !== undefined && !input.isPrivate() ? swarmHashes : []) {
            const fewPeers = (): boolean => open < Math.min(input.maxPeers, FEW_PEERS);
            subscription.add(dhtFlow({ infoHash: swarmHash, dht: port.dht!, listenPort, links$: input.links$, fewPeers, isPrivate: input.isPrivate, scheduler }).subscribe((out) => {
              if (out.type === 'peers') dialLearned(out.peers);
              else if (swarmHash === infoHash) subscriber.next({ type: 'dht', view: out.view });
            }));
          }
          // A hybrid announces both hashes; its v2 swarm's peers are dialled with the v1 hash too
          // (the trackers' views show the v1 announces).
          for (const swarmHash of swarmHashes) {
            const config = { infoHash: swarmHash, peerId: port.peerId, port: listenPort, host: port.host, numwant: () => (open < input.maxPeers ? NUMWANT : 0), scheduler, random: input.random };
            subscription.add(
              announceEvery(input.trackers, input.transfer$, config, { announce: input.announce }).subscribe((event) => {
                if (swarmHash === infoHash) subscriber.next({ type: 'tracker', event });
                if (event.type === 'peers') {
                  trust(event.peers);
                  dials$.next({ type: 'add', addresses: event.peers });
                }
              }),
            );
          }
        },
      }),
    );
    return subscription;
  });
}
