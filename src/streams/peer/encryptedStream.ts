/**
 * `encryptStream(io, setup)`: message stream encryption (MSE/PE) under the frame decoder. The
 * result is a {@link SocketStream} again, so the handshake, framing and everything above work
 * unchanged: it runs the MSE handshake on the raw socket, holds our writes until it is done, then
 * decrypts what it reads and encrypts what we write (RC4), or passes bytes through (plaintext
 * chosen, or an inbound peer that opened with a plain BitTorrent handshake).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Observable } from 'rxjs';
import { MseError } from '../../errors.js';
import { MseHandshake, type CryptoMethod, type StreamCipher } from '../../protocol/mse/index.js';
import { BufferPool, POOLED_WRITE_MIN_BYTES } from './bufferPool.js';
import type { SocketStream } from './fromSocket.js';
import { createRc4Cipher } from './rc4Cipher.js';

/**
 * Encryption policy. `prefer`: accept both kinds inbound, dial encrypted first (plaintext or RC4,
 * the peer picks; offered both, we pick plaintext, as libtorrent does unless `prefer_rc4`: RC4
 * costs ~2 CPU-seconds per GiB at each end, and made a swarm of rxtorrent peers 39 % slower) and
 * once in plaintext if the peer hangs up. `require`: RC4 only, both ways. `off`: plaintext only;
 * an MSE handshake inbound is refused.
 */
export type EncryptionPolicy = 'prefer' | 'require' | 'off';

/** How {@link encryptStream} runs. */
export interface EncryptionSetup {
  readonly policy: EncryptionPolicy;
  /** Outbound: the torrent's info-hash (SKEY); we start the MSE handshake. */
  readonly skey?: Uint8Array;
  /** Inbound: the info-hash whose `req2Hash` is `req2`, or undefined (a torrent we do not serve). */
  readonly findSkey?: (req2: Uint8Array) => Uint8Array | undefined;
  /** @default node:crypto randomBytes */
  readonly random?: (length: number) => Uint8Array;
  /** @default {@link createRc4Cipher} */
  readonly cipher?: (key: Uint8Array) => StreamCipher;
}

/** A socket stream under MSE. */
export interface EncryptedStream extends SocketStream {
  /** True once RC4 was agreed: every payload byte is encrypted. */
  readonly encrypted: boolean;
  /** True while the MSE handshake (or, inbound, telling plaintext from MSE) is under way. */
  readonly negotiating: boolean;
  /** Inbound over MSE: the info-hash the peer asked for. */
  readonly skey: Uint8Array | undefined;
}

/** `19, 'BitTorrent protocol'`: how a plaintext handshake begins. */
const PLAIN_PREFIX = new Uint8Array([19, ...new TextEncoder().encode('BitTorrent protocol')]);
const RESOLVED = Promise.resolve();
/** Encrypted writes' buffers, shared by every connection of the process. */
const WRITE_POOL = new BufferPool();

/**
 * Methods we allow under a policy, in order of preference.
 *
 * @example
 * ```ts
 * methodsOf('prefer'); // ['plaintext', 'rc4']
 * ```
 */
export function methodsOf(policy: EncryptionPolicy): CryptoMethod[] {
  return policy === 'require' ? ['rc4'] : policy === 'prefer' ? ['plaintext', 'rc4'] : ['plaintext'];
}

/**
 * Wraps `io` in MSE.
 *
 * ```
 * io.bytes$:   --[Yb,PadB]--[VC,select,PadD | rc4(handshake)]--[rc4(bitfield)]--|
 * bytes$:      -------------------------------[handshake]------[bitfield]-------|
 * ```
 *
 * @param io - the raw socket stream; the result owns it
 * @param setup - policy and the SKEY (outbound) or how to find it (inbound)
 * @returns a stream whose `bytes$` errors with an {@link MseError} when the handshake fails
 *   (`ERR_MSE_CLOSED` when the peer hangs up during it, `ERR_MSE_REFUSED` for a kind of
 *   connection the policy refuses) and which otherwise behaves as `io`
 * @example
 * ```ts
 * declare const ours: Handshake;
 * const io = encryptStream(fromSocket(socket), { policy: 'require', skey: infoHash });
 * void io.write(encodeHandshake(ours)); // sent, encrypted, once MSE is done
 * ```
 */
export function encryptStream(io: SocketStream, setup: EncryptionSetup): EncryptedStream {
  const outbound = setup.skey !== undefined;
  if (!outbound && setup.findSkey === undefined) throw new MseError('ERR_MSE_INVALID_ARGUMENT', 'an inbound stream needs findSkey');
  const random = setup.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const cipher = setup.cipher ?? ((key: Uint8Array) => createRc4Cipher(key));
  const methods = methodsOf(setup.policy);
  let mode: 'detect' | 'mse' | 'plain' | 'rc4' = outbound ? 'mse' : 'detect';
  let handshake: MseHandshake | undefined = outbound
    ? MseHandshake.initiator({ skey: setup.skey!, methods, random, cipher })
    : undefined;
  let encrypt: StreamCipher | undefined;
  let decrypt: StreamCipher | undefined;
  let skey: Uint8Array | undefined;
  let queued: Uint8Array[] = [];
  let head = new Uint8Array(0);

  const ready = (next: 'plain' | 'rc4'): void => {
    mode = next;
    handshake = undefined;
    const held = queued;
    queued = [];
    if (held.length > 0) void stream.write(...held);
  };

  /** Adds `chunk` to the first bytes seen; 'plain' / 'mse' once known, else undefined. */
  const kindOf = (chunk: Uint8Array): 'plain' | 'mse' | undefined => {
    const seen = new Uint8Array(head.length + chunk.length);
    seen.set(head);
    seen.set(chunk, head.length);
    head = seen;
    const compared = Math.min(seen.length, PLAIN_PREFIX.length);
    for (let i = 0; i < compared; i++) if (seen[i] !== PLAIN_PREFIX[i]) return 'mse';
    return seen.length < PLAIN_PREFIX.length ? undefined : 'plain';
  };

  /** Outbound: a plaintext peer that talks first answers our Ya with its BitTorrent handshake. */
  let probing = outbound;
  const probe = (chunk: Uint8Array): void => {
    const kind = kindOf(chunk);
    if (kind === 'plain') throw new MseError('ERR_MSE_PLAINTEXT_PEER', 'the peer answered the encryption handshake in plaintext');
    if (kind === 'mse') probing = false;
  };

  /** Inbound: is this a plaintext handshake or MSE? Decides as soon as one byte disagrees. */
  const detect = (chunk: Uint8Array): Uint8Array | undefined => {
    const kind = kindOf(chunk);
    const seen = head;
    if (kind === undefined) return undefined;
    if (kind === 'plain') {
      if (setup.policy === 'require') throw new MseError('ERR_MSE_REFUSED', 'a plaintext handshake, but encryption is required');
      ready('plain');
      return seen;
    }
    if (setup.policy === 'off') throw new MseError('ERR_MSE_REFUSED', 'an encrypted handshake, but encryption is off');
    mode = 'mse';
    handshake = MseHandshake.responder({ findSkey: setup.findSkey!, methods, random, cipher });
    return negotiate(seen);
  };

  const negotiate = (chunk: Uint8Array): Uint8Array | undefined => {
    const step = handshake!.write(chunk);
    if (step.send.length > 0) void io.write(...step.send);
    if (step.done === undefined) return undefined;
    ({ encrypt, decrypt, skey } = step.done);
    ready(step.done.method === 'rc4' ? 'rc4' : 'plain');
    return step.done.payload.length > 0 ? step.done.payload : undefined;
  };

  const bytes$ = new Observable<Uint8Array>((subscriber) => {
    if (handshake !== undefined) void io.write(...handshake.start());
    return io.bytes$.subscribe({
      next: (chunk) => {
        try {
          if (mode === 'rc4') subscriber.next(decrypt!.inPlace(chunk));
          else if (mode === 'plain') subscriber.next(chunk);
          else {
            if (probing) probe(chunk);
            const out = mode === 'detect' ? detect(chunk) : negotiate(chunk);
            if (out !== undefined) subscriber.next(out);
          }
        } catch (err) {
          subscriber.error(err);
        }
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => {
        if (mode === 'mse') subscriber.error(new MseError('ERR_MSE_CLOSED', 'the peer closed the connection during the encryption handshake'));
        else subscriber.complete();
      },
    });
  });

  /**
   * Plaintext lends the chunks on to the socket. Otherwise they are copied (and released at
   * once): encrypted into one buffer from the write pool, lent to the socket in turn, or held
   * until the handshake is done.
   */
  const write = (release: (() => void) | undefined, chunks: readonly Uint8Array[]): Promise<void> => {
    if (mode === 'plain') return release === undefined ? io.write(...chunks) : io.lend(release, ...chunks);
    if (mode !== 'rc4') {
      queued.push(...chunks.map((chunk) => chunk.slice()));
      release?.();
      return RESOLVED;
    }
    let size = 0;
    for (const chunk of chunks) size += chunk.length;
    if (size < POOLED_WRITE_MIN_BYTES) {
      const sealed = chunks.map((chunk) => encrypt!.copy(chunk));
      release?.();
      return io.write(...sealed);
    }
    const out = WRITE_POOL.take(size);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    release?.();
    const sealed = encrypt!.inPlace(out);
    return sealed === out ? io.lend(() => WRITE_POOL.give(out), out) : io.write(sealed);
  };

  const stream: EncryptedStream = {
    bytes$,
    write: (...chunks) => write(undefined, chunks),
    lend: (release, ...chunks) => write(release, chunks),
    pause: () => io.pause(),
    resume: () => io.resume(),
    destroy: () => io.destroy(),
    get destroyed() {
      return io.destroyed;
    },
    get encrypted() {
      return mode === 'rc4';
    },
    get negotiating() {
      return mode === 'detect' || mode === 'mse';
    },
    get skey() {
      return skey;
    },
  };
  return stream;
}
