/**
 * `listenForPeers(options)`: accept peers on one port for every torrent a client serves.
 *
 * @module
 */
import { createServer, type Socket } from 'node:net';
import { Observable, asyncScheduler, type Subscription } from 'rxjs';
import { PeerError, RxTorrentError } from '../../errors.js';
import { normalizeIp, type PeerAddress } from '../../protocol/peerAddress.js';
import { ConnectionLimiter } from './connectionLimiter.js';
import type { EncryptionPolicy } from './encryptedStream.js';
import { establishPeer } from './establishPeer.js';
import type { PeerConnection } from './peerConnection.js';
import { resolvePeerTimeouts, type PeerConnectionContext, type TorrentPeerOptions } from './peerOptions.js';

/** Options of {@link listenForPeers}. */
export interface ListenForPeersOptions extends PeerConnectionContext {
  /** Address to listen on: the client's host. */
  readonly host: string;
  /**
   * Port to listen on; 0 picks a free one (reported by the `listening` event). Several: the
   * first that is not taken, in order (e.g. 6881–6889, then 0).
   */
  readonly port: number | readonly number[];
  /** Cap of a private limiter, when `limiter` is not given. @default 50 */
  readonly maxPeers?: number;
  /** The client's connection cap, shared with its dials. @default a limiter of `maxPeers` */
  readonly limiter?: ConnectionLimiter;
  /**
   * The torrent a peer's handshake asks for: our side of it, or undefined to hang up at once
   * (`ERR_PEER_UNKNOWN_INFO_HASH`). Called once per inbound handshake; if it (or the torrent's
   * `bitfield`) throws, the listener errors with that error.
   */
  readonly lookup: (infoHash: Uint8Array) => TorrentPeerOptions | undefined;
  /**
   * Message stream encryption: `'prefer'` accepts plaintext and MSE handshakes (told apart by the
   * first bytes), picking plaintext when the peer offers both, RC4 when it offers only that; `'require'` accepts MSE with RC4 only
   * (a plaintext handshake: `ERR_MSE_REFUSED`); `'off'` reads plaintext only (an MSE handshake
   * fails as a bad protocol string, `ERR_WIRE_BAD_PROTOCOL`). @default 'off'
   */
  readonly encryption?: EncryptionPolicy;
  /**
   * For MSE: the info-hash whose `req2Hash` is `req2` (one port serves many torrents: the peer
   * names its torrent only by that hash), or undefined. Needed unless `encryption` is `'off'`.
   */
  readonly findSkey?: (req2: Uint8Array) => Uint8Array | undefined;
}

/** What {@link listenForPeers} emits. */
export type ListenerEvent =
  /** The server is listening; `address.port` is the bound port (useful with port 0). */
  | { readonly type: 'listening'; readonly address: PeerAddress }
  /** A peer connected and both handshakes are done. */
  | { readonly type: 'connection'; readonly connection: PeerConnection }
  /** An inbound socket closed before it became a connection: over the cap, unknown info-hash, bad handshake, timeout… */
  | { readonly type: 'refused'; readonly address: PeerAddress; readonly error: RxTorrentError };

/**
 * Listens for peers. Each accepted socket takes a place under the limiter's cap (over it, the
 * socket is closed before a byte is read), then must send a handshake within `handshakeMs` for
 * an info-hash `lookup` knows; we answer with our handshake, pieces and extension handshake (as
 * `connectPeer` does) and emit the connection. Self-connections and peer ids already connected
 * for the torrent are dropped.
 *
 * ```
 * listenForPeers(o): l---c----r---c---      (l: listening, c: connection, r: refused)
 * ```
 *
 * @param options - host, port, lookup, cap, timeouts, scheduler
 * @returns a cold observable: subscribing listens; errors with `ERR_PEER_LISTEN_FAILED` when the
 *   port cannot be bound; unsubscribing closes the server and every connection it accepted
 * @throws {PeerError} `ERR_PEER_INVALID_ARGUMENT` at once, for a bad timeout or cap
 * @example
 * ```ts
 * declare const limiter: ConnectionLimiter, torrents: Map<string, TorrentPeerOptions>, session: { add(connection: PeerConnection): void };
 * listenForPeers({ host: '0.0.0.0', port: 6881, limiter, lookup: (ih) => torrents.get(toHex(ih)) })
 *   .subscribe((e) => { if (e.type === 'connection') session.add(e.connection); });
 * ```
 */
export function listenForPeers(options: ListenForPeersOptions): Observable<ListenerEvent> {
  const timeouts = resolvePeerTimeouts(options.timeouts);
  const scheduler = options.scheduler ?? asyncScheduler;
  const limiter = options.limiter ?? new ConnectionLimiter({ maxPeers: options.maxPeers ?? 50 });
  const policy = options.encryption ?? 'off';
  const findSkey = options.findSkey ?? (() => undefined);
  // Off: no wrapper at all, so a plaintext decoder refuses anything but a BitTorrent handshake.
  const encryption = policy === 'off' ? undefined : { policy, findSkey };
  return new Observable<ListenerEvent>((subscriber) => {
    const accepted = new Set<Subscription>();
    const server = createServer({ pauseOnConnect: true, noDelay: true });

    const accept = (socket: Socket): void => {
      const address = remoteAddress(socket);
      const slot = limiter.admit(address.host);
      if (slot instanceof PeerError) {
        socket.on('error', () => undefined).destroy();
        subscriber.next({ type: 'refused', address, error: slot });
        return;
      }
      let connected = false;
      const lookup = options.lookup;
      const subscription = establishPeer(socket, { direction: 'inbound', address, slot, timeouts, scheduler, lookup, encryption }).subscribe({
        next: (connection) => {
          connected = true;
          subscriber.next({ type: 'connection', connection });
        },
        error: (err: unknown) => {
          accepted.delete(subscription);
          // Anything but our typed errors was thrown by `lookup` or `bitfield`: a bug, as in `map`.
          if (!(err instanceof RxTorrentError)) subscriber.error(err);
          else if (!connected) subscriber.next({ type: 'refused', address, error: err });
          // Once connected, the connection's own messages$ reports how it ended.
        },
        complete: () => accepted.delete(subscription),
      });
      if (!subscription.closed) accepted.add(subscription);
    };

    server.on('connection', accept);
    const candidates = typeof options.port === 'number' ? [options.port] : options.port;
    if (candidates.length === 0) throw new PeerError('ERR_PEER_INVALID_ARGUMENT', 'no port to listen on');
    const listen = (i: number): void => {
      const onError = (err: NodeJS.ErrnoException): void => {
        if (err.code === 'EADDRINUSE' && i + 1 < candidates.length) return listen(i + 1);
        subscriber.error(new PeerError('ERR_PEER_LISTEN_FAILED', `cannot listen on ${options.host}:${candidates[i]}: ${err.message}`, { cause: err }));
      };
      server.once('error', onError);
      server.listen({ host: options.host, port: candidates[i] }, () => {
        server.off('error', onError);
        server.on('error', (err) => subscriber.error(new PeerError('ERR_PEER_LISTEN_FAILED', `listener on ${options.host} failed: ${err.message}`, { cause: err })));
        const bound = server.address();
        const port = typeof bound === 'object' && bound !== null ? bound.port : (candidates[i] as number);
        subscriber.next({ type: 'listening', address: { host: options.host, port } });
      });
    };
    listen(0);
    return () => {
      server.off('connection', accept);
      server.close();
      for (const subscription of [...accepted]) subscription.unsubscribe();
      accepted.clear();
    };
  });
}

/** Where an inbound socket comes from, IPv4-mapped IPv6 unwrapped. */
function remoteAddress(socket: Socket): PeerAddress {
  const host = socket.remoteAddress ?? '';
  return { host: normalizeIp(host)?.host ?? host, port: socket.remotePort ?? 0 };
}
