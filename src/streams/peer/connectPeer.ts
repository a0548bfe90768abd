/**
 * `connectPeer(address, options)`: dial a peer, handshake, and hand out the connection.
 *
 * @module
 */
import { connect } from 'node:net';
import { Observable, asyncScheduler, catchError, throwError, type SchedulerLike, type Subscription } from 'rxjs';
import { isRxTorrentError, PeerError } from '../../errors.js';
import { formatPeerAddress, type PeerAddress } from '../../protocol/peerAddress.js';
import { ConnectionLimiter } from './connectionLimiter.js';
import type { EncryptionPolicy } from './encryptedStream.js';
import { establishPeer } from './establishPeer.js';
import { ReusedReads } from './reusedReads.js';
import type { PeerConnection } from './peerConnection.js';
import { resolvePeerTimeouts, type PeerConnectionContext, type ResolvedPeerTimeouts, type TorrentPeerOptions } from './peerOptions.js';

/** Options of {@link connectPeer}: the torrent, our side of it, and the client's context. */
export interface ConnectPeerOptions extends TorrentPeerOptions, PeerConnectionContext {
  /** The torrent's 20-byte info-hash. */
  readonly infoHash: Uint8Array;
  /** Source address to dial from: the client's host (`--ip`), so peers see the address we listen on. */
  readonly localAddress?: string;
  /** The client's connection cap, shared with its listener. @default no cap, no duplicate check */
  readonly limiter?: ConnectionLimiter;
  /**
   * Message stream encryption: `'prefer'` dials with an MSE handshake (RC4 or plaintext, the peer
   * picks) and once more in plaintext if the peer hangs up during it or answers with something
   * that is not MSE (`ERR_MSE_CLOSED`, `ERR_MSE_PLAINTEXT_PEER`, `ERR_MSE_SYNC_NOT_FOUND`,
   * `ERR_MSE_BAD_KEY`); `'require'` dials with MSE
   * and accepts RC4 only; `'off'` dials in plaintext. @default 'off'
   */
  readonly encryption?: EncryptionPolicy;
}

/**
 * Dials a peer and runs the connection. In order: takes a place under the limiter's cap (else
 * errors with `ERR_PEER_OVER_CAP` without dialling), connects from `localAddress`, sends our
 * handshake (BEP 10 and BEP 6 bits set), checks the peer's (same info-hash, not ourselves, not a
 * peer id already connected for this torrent), sends our pieces (`bitfield`, or `have-all` /
 * `have-none` when both sides speak BEP 6, nothing when we have none and fast is off) and our
 * extension handshake (when both speak BEP 10), starts keep-alives, and emits one
 * {@link PeerConnection}. With `encryption` on, an MSE/PE handshake comes first and everything
 * after it goes through RC4 when agreed (`connection.encrypted`).
 *
 * ```
 * connectPeer(a, o):  ---c------------------|      (c: the connection; completes when the peer closes)
 * c.messages$:           -bitfield-unchoke--|
 * ```
 *
 * @param address - where the peer listens
 * @param options - torrent, our peer id and pieces, limits, timeouts, limiter, scheduler
 * @returns a cold observable: each subscription dials anew; it stays open while the socket lives,
 *   completes when it closes cleanly, errors with a {@link PeerError} or `WireError` when it fails
 *   (`ERR_PEER_CONNECT_FAILED`, `ERR_PEER_CONNECT_TIMEOUT`, `ERR_PEER_HANDSHAKE_TIMEOUT`,
 *   `ERR_PEER_INFO_HASH_MISMATCH`, `ERR_PEER_SELF`, `ERR_PEER_DUPLICATE`, `ERR_PEER_CLOSED`,
 *   `ERR_PEER_TIMEOUT`, `ERR_MSE_*`, …); unsubscribing closes the socket
 * @throws {PeerError} `ERR_PEER_INVALID_ARGUMENT` at once, for a bad timeout
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-protocol
 * @example
 * ```ts
 * declare const have: Bitfield, limiter: ConnectionLimiter;
 * connectPeer({ host: '10.0.0.2', port: 6881 }, { infoHash, peerId, bitfield: () => have, limits: { pieceCount }, limiter })
 *   .pipe(mergeMap((conn) => { void conn.send({ type: 'interested' }); return conn.messages$; }))
 *   .subscribe(console.log);
 * ```
 */
export function connectPeer(address: PeerAddress, options: ConnectPeerOptions): Observable<PeerConnection> {
  const timeouts = resolvePeerTimeouts(options.timeouts);
  const scheduler = options.scheduler ?? asyncScheduler;
  const policy = options.encryption ?? 'off';
  if (policy !== 'prefer') return dialOnce(address, options, timeouts, scheduler, policy);
  // As libtorrent's pe_enabled: a peer that hangs up on an MSE handshake, or answers it with
  // something else (a plaintext peer that talks first), gets one plaintext try.
  return dialOnce(address, options, timeouts, scheduler, 'prefer').pipe(
    catchError((err: unknown) => (NOT_MSE.some((code) => isRxTorrentError(err, code)) ? dialOnce(address, options, timeouts, scheduler, 'off') : throwError(() => err))),
  );
}

/** How an MSE dial ends when the peer does not speak MSE: `prefer` then tries plaintext. */
const NOT_MSE = ['ERR_MSE_CLOSED', 'ERR_MSE_PLAINTEXT_PEER', 'ERR_MSE_SYNC_NOT_FOUND', 'ERR_MSE_BAD_KEY'] as const;

/** One dial with one encryption policy. */
function dialOnce(
  address: PeerAddress, options: ConnectPeerOptions, timeouts: ResolvedPeerTimeouts, scheduler: SchedulerLike, policy: EncryptionPolicy,
): Observable<PeerConnection> {
  return new Observable<PeerConnection>((subscriber) => {
    const limiter = options.limiter ?? new ConnectionLimiter({ maxPeers: Infinity });
    const slot = limiter.admit(address.host);
    if (slot instanceof PeerError) {
      subscriber.error(slot);
      return undefined;
    }
    const where = formatPeerAddress(address);
    const reads = new ReusedReads();
    const socket = connect({ host: address.host, port: address.port, localAddress: options.localAddress, noDelay: true, onread: reads.onread });
    let established: Subscription | undefined;
    const fail = (error: PeerError): void => {
      connectTimer.unsubscribe();
      socket.destroy();
      slot.release();
      subscriber.error(error);
    };
    const onError = (err: Error): void => {
      fail(new PeerError('ERR_PEER_CONNECT_FAILED', `cannot connect to ${where}: ${err.message}`, { cause: err }));
    };
    const connectTimer = scheduler.schedule(() => {
      socket.off('error', onError).on('error', () => undefined);
      fail(new PeerError('ERR_PEER_CONNECT_TIMEOUT', `no connection to ${where} within ${timeouts.connectMs} ms`));
    }, timeouts.connectMs);
    socket.once('error', onError).once('connect', () => {
      connectTimer.unsubscribe();
      socket.off('error', onError);
      const torrent = { infoHash: options.infoHash, options };
      const encryption = policy === 'off' ? undefined : { policy, skey: options.infoHash };
      established = establishPeer(socket, { direction: 'outbound', address, slot, timeouts, scheduler, torrent, reads, encryption }).subscribe({
        next: (connection) => subscriber.next(connection),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
    return () => {
      connectTimer.unsubscribe();
      if (established !== undefined) {
        established.unsubscribe();
      } else {
        socket.off('error', onError).on('error', () => undefined);
        socket.destroy();
        slot.release();
      }
    };
  });
}
