/**
 * The extension half of a session (BEP 10): answer BEP 9 metadata requests from our info dict,
 * and exchange peers with BEP 11 PEX — ours sent at most once a minute per connection, theirs
 * handed on to be dialled (never for a private torrent).
 *
 * @module
 */
import { interval, Observable, Subscription, type SchedulerLike } from 'rxjs';
import {
  decodeMetadataMessage, decodePexMessage, encodeMetadataMessage, encodePexMessage, ExtensionRegistry, MetadataServer,
  PexFlags, PexState, type PexPeer,
} from '../../protocol/extensions/index.js';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import type { PeerWireState } from '../../protocol/wire/index.js';
import type { LinkEvent, SendCommand, SessionPeer } from './linkEvents.js';

/** How often PEX states are asked whether a message is due (each sends at most once a minute). */
const PEX_CHECK_MS = 5000;

/** What {@link extensionFlow} reads. */
export interface ExtensionFlowInput {
  readonly torrent: Pick<Torrent, 'infoBytes' | 'private' | 'pieceCount'>;
  readonly links$: Observable<LinkEvent>;
  /** Least time between two PEX messages to one peer. @default 60000 */
  readonly pexIntervalMs: number | undefined;
  readonly scheduler: SchedulerLike;
}

/** What {@link extensionFlow} emits: messages for peers, and addresses learned over PEX. */
export type ExtensionFlowOutput = SendCommand | { readonly type: 'learned'; readonly addresses: readonly PeerAddress[] };

interface PeerExtensions {
  readonly peer: SessionPeer;
  readonly registry: ExtensionRegistry;
  pex: PexState;
  state: PeerWireState;
}

/**
 * Serves metadata and runs PEX.
 *
 * ```
 * links$: -j--m(ut_metadata request)---m(ut_pex added A)--|
 * output: ----s(data piece)------------l(A)---------------|
 * ```
 *
 * @param input - the torrent's info dict and privacy, links, PEX pace, scheduler
 * @returns replies and PEX messages for peers, and learned addresses
 * @example
 * ```ts
 * declare const links: SwarmLinks, links$: ExtensionFlowInput['links$'], scheduler: ExtensionFlowInput['scheduler'];
 * declare const learned$: import('rxjs').Subject<readonly PeerAddress[]>;
 * extensionFlow({ torrent, links$, pexIntervalMs: undefined, scheduler })
 *   .subscribe((out) => (out.type === 'send' ? links.send(out.peer, out.message) : learned$.next(out.addresses)));
 * ```
 */
export function extensionFlow(input: ExtensionFlowInput): Observable<ExtensionFlowOutput> {
  return new Observable<ExtensionFlowOutput>((subscriber) => {
    const { torrent, scheduler } = input;
    const server = new MetadataServer(torrent.infoBytes);
    const byKey = new Map<PeerKey, PeerExtensions>();
    const subscription = new Subscription();
    const pexState = (peer: SessionPeer): PexState => {
      const intervalMs = input.pexIntervalMs;
      return new PexState({ private: torrent.private, intervalMs, minReceiveIntervalMs: intervalMs === undefined ? undefined : intervalMs / 2, remote: listenAddressOf(peer) });
    };
    const learn = (ext: PeerExtensions): void => {
      const handshake = ext.peer.connection.extendedHandshake;
      if (handshake === undefined) return;
      // A peer that dialled us names its listen port (`p`) only in this handshake. Nothing was sent
      // to it yet (no PEX before its handshake names ut_pex): start its PEX state afresh, knowing
      // its address, or it would be told about itself.
      if (!ext.registry.supports('ut_pex')) ext.pex = pexState(ext.peer);
      ext.registry.learn(handshake);
    };
    const received = (ext: PeerExtensions, payload: Uint8Array, kind: 'ut_metadata' | 'ut_pex'): void => {
      const key = ext.peer.key;
      if (kind === 'ut_metadata') {
        const request = decodeMetadataMessage(payload, { metadataSize: server.metadataSize });
        if (request?.type !== 'request') return;
        const reply = ext.registry.message('ut_metadata', encodeMetadataMessage(server.request(key, request.piece, scheduler.now())));
        if (reply !== undefined) subscriber.next({ type: 'send', peer: key, message: reply });
      } else {
        const heard = ext.pex.receive(decodePexMessage(payload), scheduler.now());
        if (heard !== undefined && heard.added.length > 0) subscriber.next({ type: 'learned', addresses: heard.added.map((p) => p.address) });
      }
    };
    subscription.add(input.links$.subscribe((event) => {
      const key = event.peer.key;
      if (event.type === 'joined') {
        const ext: PeerExtensions = { peer: event.peer, registry: new ExtensionRegistry({ private: torrent.private }), pex: pexState(event.peer), state: event.state };
        byKey.set(key, ext);
        learn(ext);
        return;
      }
      const ext = byKey.get(key);
      if (ext === undefined) return;
      if (event.type === 'left') {
        byKey.delete(key);
        server.peerLeft(key);
        return;
      }
      ext.state = event.state;
      const { message } = event;
      if (message.type !== 'extended') return;
      if (message.id === 0) return learn(ext);
      try {
        const routed = ext.registry.route(message);
        if (routed.kind === 'ut_metadata' || routed.kind === 'ut_pex') received(ext, routed.payload, routed.kind);
      } catch {
        // A malformed extension message is the peer's fault: it ends that peer, not the session.
        ext.peer.connection.close();
      }
    }));
    const sendPex = (): void => {
      const now = scheduler.now();
      const connected: PexPeer[] = [];
      for (const { peer, state } of byKey.values()) {
        const address = listenAddressOf(peer);
        if (address === undefined) continue;
        const seed = state.peerPieces.count === torrent.pieceCount ? PexFlags.seed : 0;
        connected.push({ address, flags: seed | (peer.direction === 'outbound' ? PexFlags.connectable : 0) });
      }
      for (const ext of byKey.values()) {
        if (!ext.registry.supports('ut_pex')) continue;
        const update = ext.pex.update(connected, now);
        const message = update === undefined ? undefined : ext.registry.message('ut_pex', encodePexMessage(update));
        if (message !== undefined) subscriber.next({ type: 'send', peer: ext.peer.key, message });
      }
    };
    if (!torrent.private) {
      const every = input.pexIntervalMs === undefined ? PEX_CHECK_MS : Math.min(PEX_CHECK_MS, input.pexIntervalMs);
      subscription.add(interval(every, scheduler).subscribe(sendPex));
    }
    return subscription;
  });
}

/**
 * Where a peer listens: the address we dialled, or for a peer that dialled us, its address with
 * the port from its extension handshake (`p`); undefined when unknown.
 */
function listenAddressOf(peer: SessionPeer): PeerAddress | undefined {
  if (peer.direction === 'outbound') return peer.address;
  const port = peer.connection.extendedHandshake?.port;
  return port === undefined ? undefined : { host: peer.address.host, port };
}
