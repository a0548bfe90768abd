/**
 * The extension half of a session (BEP 10): answer BEP 9 metadata requests from our info dict,
 * and exchange peers with BEP 11 PEX — ours sent at most once a minute per connection, theirs
 * added to the dial list (never for a private torrent).
 *
 * @module
 */
import { interval, Subscription } from 'rxjs';
import {
  decodeMetadataMessage, decodePexMessage, encodeMetadataMessage, encodePexMessage, ExtensionRegistry, MetadataServer,
  PexFlags, PexState, type PexPeer,
} from '../../protocol/extensions/index.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import type { PeerKey } from '../../protocol/scheduler/index.js';
import type { WireMessage } from '../../protocol/wire/index.js';
import type { PeerLink, PeerLinks } from './peerLinks.js';
import type { SwarmContext } from './swarmContext.js';

/** How often PEX states are asked whether a message is due (each sends at most once a minute). */
const PEX_CHECK_MS = 5000;

interface LinkExtensions {
  readonly registry: ExtensionRegistry;
  pex: PexState;
}

/**
 * Runs metadata serving and PEX for one session.
 *
 * @example
 * ```ts
 * const ext = new ExtensionFlow(ctx, links, (addresses) => peers.add(addresses));
 * links handlers: joined: (l) => ext.joined(l), left: (l) => ext.left(l), message: (l, m) => ext.message(l, m)
 * ```
 */
export class ExtensionFlow {
  readonly subscription = new Subscription();
  private readonly server: MetadataServer;
  private readonly byLink = new Map<PeerKey, LinkExtensions>();

  constructor(
    private readonly ctx: SwarmContext,
    private readonly links: PeerLinks,
    private readonly learned: (addresses: PeerAddress[]) => void,
  ) {
    this.server = new MetadataServer(ctx.torrent.infoBytes);
    if (!ctx.torrent.private) {
      this.subscription.add(interval(ctx.config.pexIntervalMs === undefined ? PEX_CHECK_MS : Math.min(PEX_CHECK_MS, ctx.config.pexIntervalMs), ctx.scheduler).subscribe(() => this.sendPex()));
    }
  }

  /** A new connection: learn its extension ids as its handshakes arrive. */
  joined(link: PeerLink): void {
    const registry = new ExtensionRegistry({ private: this.ctx.torrent.private });
    const ext: LinkExtensions = { registry, pex: this.pexState(link) };
    this.byLink.set(link.key, ext);
    this.subscription.add(link.connection.extendedHandshake$.subscribe((handshake) => {
      // A peer that dialled us names its listen port (`p`) only in this handshake. Nothing was sent
      // to it yet (no PEX before its handshake names ut_pex): start its PEX state afresh, knowing
      // its address, or it would be told about itself.
      if (!registry.supports('ut_pex')) ext.pex = this.pexState(link);
      registry.learn(handshake);
    }));
  }

  /** A PEX state for `link` that knows where the peer listens, when we know it yet. */
  private pexState(link: PeerLink): PexState {
    const intervalMs = this.ctx.config.pexIntervalMs;
    return new PexState({ private: this.ctx.torrent.private, intervalMs, minReceiveIntervalMs: intervalMs === undefined ? undefined : intervalMs / 2, remote: listenAddressOf(link) });
  }

  /** A connection ended. */
  left(link: PeerLink): void {
    this.byLink.delete(link.key);
    this.server.peerLeft(link.key);
  }

  /** An extended message from a peer. */
  message(link: PeerLink, message: WireMessage): void {
    if (message.type !== 'extended' || message.id === 0) return;
    const ext = this.byLink.get(link.key);
    if (ext === undefined) return;
    const routed = ext.registry.route(message);
    if (routed.kind === 'ut_metadata') {
      const request = decodeMetadataMessage(routed.payload, { metadataSize: this.server.metadataSize });
      if (request?.type !== 'request') return;
      const reply = ext.registry.message('ut_metadata', encodeMetadataMessage(this.server.request(link.key, request.piece, this.ctx.scheduler.now())));
      if (reply !== undefined) void link.connection.send(reply);
    } else if (routed.kind === 'ut_pex') {
      const heard = ext.pex.receive(decodePexMessage(routed.payload), this.ctx.scheduler.now());
      if (heard !== undefined && heard.added.length > 0) this.learned(heard.added.map((p) => p.address));
    }
  }

  /** Tells each PEX-speaking peer who else we are connected to (when due). */
  private sendPex(): void {
    const now = this.ctx.scheduler.now();
    const connected: PexPeer[] = [];
    for (const link of this.links.all()) {
      const address = listenAddressOf(link);
      if (address === undefined) continue;
      const seed = link.pieces === this.ctx.torrent.pieceCount ? PexFlags.seed : 0;
      connected.push({ address, flags: seed | (link.connection.direction === 'outbound' ? PexFlags.connectable : 0) });
    }
    for (const link of this.links.all()) {
      const ext = this.byLink.get(link.key);
      if (ext === undefined || !ext.registry.supports('ut_pex')) continue;
      const update = ext.pex.update(connected, now);
      const message = update === undefined ? undefined : ext.registry.message('ut_pex', encodePexMessage(update));
      if (message !== undefined) void link.connection.send(message);
    }
  }
}

/**
 * Where a peer listens: the address we dialled, or for a peer that dialled us, its address with
 * the port from its extension handshake (`p`); undefined when unknown.
 */
function listenAddressOf(link: PeerLink): PeerAddress | undefined {
  const { connection } = link;
  if (connection.direction === 'outbound') return connection.address;
  const port = connection.extendedHandshake?.port;
  return port === undefined ? undefined : { host: connection.address.host, port };
}
