/**
 * `establishPeer(socket, setup)`: the part of a connection both directions share, from the
 * handshakes to the end of the socket. `connectPeer` runs it once connected; `listenForPeers`
 * for each accepted socket.
 *
 * It drives the pure wire cores (`FrameDecoder`, `decodeMessage`) itself rather than through the
 * `frameMessages`/`decodeMessages` operators, because the caps change at the handshake: an
 * inbound connection learns its torrent (piece count, limits) only from the peer's handshake,
 * so the handshake's 68 bytes go to a decoder of their own and the rest of the stream to one made
 * with that torrent's caps. Keep-alives and the idle timeout are the `keepAlive` operator.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { Observable, Subject, type SchedulerLike, type Subscription } from 'rxjs';
import { MseError, PeerError } from '../../errors.js';
import { keepAlive, type WireActivity } from '../../operators/keepAlive.js';
import { equalBytes } from '../../protocol/bytes.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import {
  FrameDecoder, HANDSHAKE_LENGTH, decodeExtendedHandshake, decodeMessage, encodeHandshake, encodeMessage,
  resolveWireLimits, type Handshake, type ResolvedWireLimits,
} from '../../protocol/wire/index.js';
import type { ConnectionSlot } from './connectionLimiter.js';
import { encryptStream, type EncryptedStream, type EncryptionSetup } from './encryptedStream.js';
import { fromSocket } from './fromSocket.js';
import type { ReusedReads } from './reusedReads.js';
import { greetingMessages, ourExtensions } from './greeting.js';
import { Connection, type PeerConnection } from './peerConnection.js';
import type { ResolvedPeerTimeouts, TorrentPeerOptions } from './peerOptions.js';

/** How to run one connection. */
export interface EstablishSetup {
  readonly direction: 'inbound' | 'outbound';
  readonly address: PeerAddress;
  /** Our place under the connection cap; released when the connection ends. */
  readonly slot: ConnectionSlot;
  readonly timeouts: ResolvedPeerTimeouts;
  readonly scheduler: SchedulerLike;
  /** Outbound: the torrent we dialled for. Our handshake goes first. */
  readonly torrent?: { readonly infoHash: Uint8Array; readonly options: TorrentPeerOptions };
  /** Inbound: finds the torrent of the peer's info-hash; undefined closes the connection. */
  readonly lookup?: (infoHash: Uint8Array) => TorrentPeerOptions | undefined;
  /** Set when the socket reads into one reused buffer (`onread`). */
  readonly reads?: ReusedReads;
  /** Message stream encryption under the frame decoder. @default none: plaintext only */
  readonly encryption?: EncryptionSetup;
}

const IN: WireActivity = { direction: 'in' };
const OUT: WireActivity = { direction: 'out' };

/**
 * Runs a connection: handshakes, greeting (pieces and extension handshake), then messages.
 *
 * ```
 * socket:  --[handshake+bitfield]--[have]------------end
 * output:  --c-----------------------------------------|     (c: PeerConnection)
 * c.messages$: (bitfield)-have------------------------|
 * ```
 *
 * @param socket - a connected socket; the connection owns it from now on
 * @param setup - direction, torrent or lookup, timeouts, cap slot
 * @returns emits one {@link PeerConnection} after the handshakes; completes when the socket closes
 *   cleanly, errors when it fails; unsubscribing destroys the socket
 */
export function establishPeer(socket: Socket, setup: EstablishSetup): Observable<PeerConnection> {
  return new Observable<PeerConnection>((subscriber) => {
    const { scheduler, timeouts } = setup;
    const raw = fromSocket(socket, setup.reads);
    const mse: EncryptedStream | undefined = setup.encryption === undefined ? undefined : encryptStream(raw, setup.encryption);
    const io = mse ?? raw;
    const handshakeDecoder = new FrameDecoder();
    let handshakeLeft = HANDSHAKE_LENGTH;
    let decoder: FrameDecoder | undefined;
    let limits: ResolvedWireLimits | undefined;
    let connection: Connection | undefined;
    let done = false;
    let bytes: Subscription | undefined;
    let keepAlives: Subscription | undefined;
    const traffic = new Subject<WireActivity>();
    // One limit for the whole opening, the encryption handshake included.
    const handshakeTimer = scheduler.schedule(() => {
      finish(mse?.negotiating === true
        ? new MseError('ERR_MSE_TIMEOUT', `no encryption handshake within ${timeouts.handshakeMs} ms`)
        : new PeerError('ERR_PEER_HANDSHAKE_TIMEOUT', `no handshake within ${timeouts.handshakeMs} ms`));
    }, timeouts.handshakeMs);

    const finish = (error?: unknown): void => {
      if (done) return;
      done = true;
      handshakeTimer.unsubscribe();
      keepAlives?.unsubscribe();
      bytes?.unsubscribe();
      io.destroy();
      setup.slot.release();
      connection?.end(error);
      if (error === undefined) subscriber.complete();
      else subscriber.error(error);
    };

    const onHandshake = (handshake: Handshake): void => {
      handshakeTimer.unsubscribe();
      const torrent = findTorrent(handshake, setup, mse?.skey);
      if (setup.direction === 'inbound') io.write(encodeHandshake({ ...handshake, peerId: torrent.peerId, extensions: ourExtensions(torrent) }));
      if (equalBytes(handshake.peerId, torrent.peerId)) throw new PeerError('ERR_PEER_SELF', 'connected to ourselves');
      if (!setup.slot.claim(handshake.infoHash, handshake.peerId)) {
        throw new PeerError('ERR_PEER_DUPLICATE', 'that peer id is already connected for this torrent');
      }
      limits = resolveWireLimits(torrent.limits);
      // Every frame is handled before the next chunk is read, and what is kept is copied.
      decoder = new FrameDecoder({ ...limits, expectHandshake: false, reuseBuffers: true });
      io.write(...greetingMessages(torrent, handshake.extensions).map(encodeMessage));
      const { address, direction } = setup;
      const { infoHash, peerId, extensions } = handshake;
      const open = new Connection({
        address, direction, infoHash, peerId, extensions, io, encrypted: mse?.encrypted ?? false, onSend: () => traffic.next(OUT), shutdown: finish,
        setLimits: (geometry) => {
          limits = resolveWireLimits({ ...limits, pieceCount: geometry.pieceCount ?? limits?.pieceCount, pieceLength: geometry.pieceLength ?? limits?.pieceLength });
          decoder?.setPieceCount(limits.pieceCount);
        },
      });
      connection = open;
      // Established: a candidate for eviction while it stays useless (see ConnectionLimiter).
      setup.slot.watch({ activity: () => open.downloadedBytes + open.uploadedBytes, interested: () => open.interested, close: () => open.close() });
      keepAlives = traffic.pipe(keepAlive({ keepAliveMs: timeouts.keepAliveMs, idleMs: timeouts.idleMs, scheduler }))
        .subscribe({ next: (msg) => void open.send(msg), error: finish });
      subscriber.next(open);
    };

    const onChunk = (chunk: Uint8Array): void => {
      let rest = chunk;
      if (handshakeLeft > 0) {
        // Only the handshake's bytes go to its decoder: the caps for the rest depend on it.
        const head = chunk.subarray(0, handshakeLeft);
        handshakeLeft -= head.length;
        rest = chunk.subarray(head.length);
        const frame = handshakeDecoder.write(head)[0];
        if (frame?.kind === 'handshake') onHandshake(frame.handshake);
      }
      if (done || connection === undefined || rest.length === 0) return;
      traffic.next(IN);
      const frames = decoder!.write(rest);
      for (let i = 0; i < frames.length && !done; i++) {
        const frame = frames[i]!;
        if (frame.kind !== 'message') continue; // never: this decoder expects no handshake
        const msg = decodeMessage(frame.body, limits);
        if (msg.type === 'extended' && msg.id === 0) {
          connection.receiveExtendedHandshake(decodeExtendedHandshake(msg.payload, limits!.maxExtendedLength));
        }
        connection.receive(msg);
      }
    };

    if (setup.torrent !== undefined) {
      const { infoHash, options } = setup.torrent;
      io.write(encodeHandshake({ infoHash, peerId: options.peerId, extensions: ourExtensions(options) }));
    }
    bytes = io.bytes$.subscribe({
      next: (chunk) => {
        try {
          onChunk(chunk);
        } catch (err) {
          finish(err);
        }
      },
      error: finish,
      complete: () => {
        if (connection === undefined) {
          finish(new PeerError('ERR_PEER_CLOSED', `the peer closed the connection ${HANDSHAKE_LENGTH - handshakeLeft} bytes into the handshake`));
          return;
        }
        try {
          decoder!.end();
          finish();
        } catch (err) {
          finish(err);
        }
      },
    });
    if (done) bytes.unsubscribe();
    return () => finish();
  });
}

/** The torrent a handshake is for, or the reason to hang up. */
function findTorrent(handshake: Handshake, setup: EstablishSetup, skey: Uint8Array | undefined): TorrentPeerOptions {
  if (setup.torrent !== undefined) {
    if (!equalBytes(handshake.infoHash, setup.torrent.infoHash)) {
      throw new PeerError('ERR_PEER_INFO_HASH_MISMATCH', 'the peer answered for another torrent');
    }
    return setup.torrent.options;
  }
  if (skey !== undefined && !equalBytes(skey, handshake.infoHash)) {
    throw new PeerError('ERR_PEER_INFO_HASH_MISMATCH', 'the handshake names another torrent than the encryption handshake did');
  }
  const torrent = setup.lookup?.(handshake.infoHash);
  if (torrent === undefined) throw new PeerError('ERR_PEER_UNKNOWN_INFO_HASH', 'a handshake for a torrent we do not serve');
  return torrent;
}
