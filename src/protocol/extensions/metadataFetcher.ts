/**
 * The download side of BEP 9 for a magnet link, as a pure state machine: events in (a peer
 * announced `metadata_size`, left, answered; time passed), actions out (requests to send, the
 * verified info dict, peers to drop, or giving up). No timers, no sockets.
 *
 * Policy:
 * 1. the size fetched is the one most askable peers announced; a peer announcing another size is
 *    never asked, and sizes over the cap never count;
 * 2. pieces are spread over peers (fewest in flight first, a few per peer at most); a reject or a
 *    timeout returns the piece to the pool, and the peer backs off, then is spent after too many;
 * 3. when all pieces are in, the SHA-1 of the whole must be the info-hash. On a mismatch
 *    everything is discarded: a lone sender is blamed at once; when several sent pieces, nobody
 *    can be blamed yet, so the next attempts take every piece from ONE peer (each failure then
 *    names its sender), and once the metadata verifies, whoever sent a differing piece in the
 *    mixed attempt is blamed too.
 *
 * @see https://www.bittorrent.org/beps/bep_0009.html
 * @module
 */
import { ExtensionError } from '../../errors.js';
import { copyOf, equalBytes } from '../bytes.js';
import { sha256 } from '../merkle/merkle.js';
import { sha1 } from '../metainfo/pieceHasher.js';
import type { PeerKey } from '../scheduler/events.js';
import { checkInteger } from './checks.js';
import { MetadataAttempt } from './metadataAttempt.js';
import { MetadataPeers, type MetadataPeer } from './metadataPeers.js';
import type { BlamedPeer, MetadataActions, MetadataFetchStatus, MetadataFetcherConfig, MetadataRequest } from './fetcherTypes.js';
import { DEFAULT_MAX_METADATA_SIZE, type MetadataMessage } from './utMetadata.js';

interface Out {
  requests: MetadataRequest[];
  dropPeers: BlamedPeer[];
  done?: Uint8Array;
  failed?: ExtensionError;
}

/**
 * Fetches one torrent's info dict from peers over `ut_metadata`.
 *
 * @example
 * ```ts
 * declare const magnet: MagnetLink, key: PeerKey, handshake: ExtendedHandshake;
 * declare function act(actions: MetadataActions): void;
 * const fetcher = new MetadataFetcher({ infoHash: magnet.infoHashBytes, infoHashV2: magnet.infoHashV2Bytes });
 * act(fetcher.peerJoined(key, handshake.metadataSize, now)); // on each extension handshake
 * act(fetcher.received(key, decodeMetadataMessage(payload)!, now));
 * act(fetcher.tick(now));                                     // every second or so
 * // act: drop each dropPeers[i].peer, send each request, parseInfoDict(done), end on failed
 * ```
 */
export class MetadataFetcher {
  readonly #infoHash: Uint8Array;
  readonly #infoHashV2: Uint8Array | undefined;
  readonly #peers: MetadataPeers;
  readonly #timeoutMs: number;
  readonly #retryDelayMs: number;
  readonly #maxHashFailures: number;
  readonly #giveUpAfterMs: number;
  #state: 'running' | 'done' | 'failed' = 'running';
  #size: number | undefined;
  #attempt: MetadataAttempt | undefined;
  /** The first attempt that failed with several senders, kept to find the liar later. */
  #suspect: MetadataAttempt | undefined;
  #singleSource = false;
  #source: PeerKey | undefined;
  #hashFailures = 0;
  #stalledSince: number | undefined;

  /**
   * @param config the info-hash and bounds.
   * @throws {ExtensionError} `ERR_EXT_INVALID_ARGUMENT` for an info-hash that is not 20 bytes or a bound out of range.
   */
  constructor(config: MetadataFetcherConfig) {
    checkInteger('infoHash length', config.infoHash.length, 20, 20);
    this.#infoHash = copyOf(config.infoHash);
    if (config.infoHashV2 !== undefined) checkInteger('infoHashV2 length', config.infoHashV2.length, 32, 32);
    this.#infoHashV2 = config.infoHashV2 === undefined ? undefined : copyOf(config.infoHashV2);
    this.#peers = new MetadataPeers({
      maxMetadataSize: checkInteger('maxMetadataSize', config.maxMetadataSize ?? DEFAULT_MAX_METADATA_SIZE, 1, 0x7fffffff),
      maxFailuresPerPeer: checkInteger('maxFailuresPerPeer', config.maxFailuresPerPeer ?? 3, 1, 1000),
      maxInFlightPerPeer: checkInteger('maxInFlightPerPeer', config.maxInFlightPerPeer ?? 2, 1, 1024),
    });
    this.#timeoutMs = checkInteger('requestTimeoutMs', config.requestTimeoutMs ?? 15_000, 1, 2 ** 31);
    this.#retryDelayMs = checkInteger('retryDelayMs', config.retryDelayMs ?? 5_000, 0, 2 ** 31);
    this.#maxHashFailures = checkInteger('maxHashFailures', config.maxHashFailures ?? 5, 1, 1000);
    this.#giveUpAfterMs = checkInteger('giveUpAfterMs', config.giveUpAfterMs ?? 60_000, 0, 2 ** 31);
  }

  /** Where the fetch stands. */
  get status(): MetadataFetchStatus {
    const state = this.#state === 'running' ? (this.#attempt === undefined ? 'waiting' : 'fetching') : this.#state;
    return {
      state,
      metadataSize: this.#size,
      piecesReceived: this.#attempt?.received ?? 0,
      pieceCount: this.#attempt?.pieceCount ?? 0,
      hashFailures: this.#hashFailures,
    };
  }

  /**
   * A peer's extension handshake (the first, or a later one) announced `ut_metadata`.
   * @param peer the connection's key.
   * @param metadataSize its `metadata_size`; undefined when it has no metadata to give.
   * @param now current time (ms).
   */
  peerJoined(peer: PeerKey, metadataSize: number | undefined, now: number): MetadataActions {
    if (metadataSize !== undefined) checkInteger('metadataSize', metadataSize, 1, Number.MAX_SAFE_INTEGER);
    if (this.#state === 'running') this.#peers.join(peer, metadataSize);
    return this.#plan(now, newOut());
  }

  /** The connection closed (or stopped speaking `ut_metadata`): its requests go to others. */
  peerLeft(peer: PeerKey, now: number): MetadataActions {
    this.#peers.leave(peer);
    return this.#plan(now, newOut());
  }

  /**
   * A decoded `ut_metadata` message from `peer`. `request`s are the server's business and ignored
   * here; a `data` or `reject` for a piece we did not ask this peer for (late, unsolicited) too.
   */
  received(peer: PeerKey, message: MetadataMessage, now: number): MetadataActions {
    const out = newOut();
    const entry = this.#peers.get(peer);
    if (this.#state !== 'running' || message.type === 'request') return out;
    if (entry === undefined || !entry.inFlight.has(message.piece)) return out;
    this.#peers.release(entry, message.piece);
    if (message.type === 'reject') {
      this.#peers.failed(entry, now, this.#retryDelayMs);
    } else if (message.totalSize !== entry.size) {
      this.#blame(peer, 'ERR_EXT_METADATA_SIZE_MISMATCH', `total_size ${message.totalSize}, announced ${entry.size}`, out);
    } else if (this.#attempt?.accept(message.piece, message.data, peer) !== true) {
      this.#blame(peer, 'ERR_EXT_BAD_PIECE', `metadata piece ${message.piece} does not fit`, out);
    } else {
      entry.failures = 0;
      if (this.#attempt.complete) this.#finish(out);
    }
    return this.#plan(now, out);
  }

  /** Time passed: unanswered requests time out, backed-off peers may be asked, a stall may end the fetch. */
  tick(now: number): MetadataActions {
    for (const peer of this.#peers.values()) {
      for (const [piece, sentAt] of [...peer.inFlight]) {
        if (now - sentAt < this.#timeoutMs) continue;
        this.#peers.release(peer, piece);
        this.#peers.failed(peer, now, this.#retryDelayMs);
      }
    }
    return this.#plan(now, newOut());
  }

  #plan(now: number, out: Out): MetadataActions {
    if (this.#state !== 'running') return out;
    this.#chooseSize();
    const size = this.#size;
    if (size !== undefined) {
      this.#attempt ??= new MetadataAttempt(size);
      if (this.#singleSource) this.#planSingle(size, now, out);
      else this.#planSpread(this.#attempt, size, now, out);
    }
    this.#checkStall(now, out);
    return out;
  }

  /** Switches size only before any piece arrived, or when nobody can serve the current one. */
  #chooseSize(): void {
    const size = this.#peers.vote();
    if (size === undefined || size === this.#size) return;
    if ((this.#attempt?.received ?? 0) > 0 && this.#peers.anyUsable(this.#size)) return;
    this.#size = size;
    this.#attempt = undefined;
    this.#source = undefined;
    for (const peer of this.#peers.values()) if (peer.size !== size) this.#peers.releaseAll(peer.key);
  }

  #planSpread(attempt: MetadataAttempt, size: number, now: number, out: Out): void {
    for (let piece = 0; piece < attempt.pieceCount; piece++) {
      if (attempt.has(piece) || this.#peers.isAssigned(piece)) continue;
      const peer = this.#peers.pick(size, now);
      if (peer === undefined) return;
      this.#ask(peer, piece, now, out);
    }
  }

  /** One source per attempt: a new source starts the attempt afresh, so a failure names one peer. */
  #planSingle(size: number, now: number, out: Out): void {
    let source = this.#source === undefined ? undefined : this.#peers.get(this.#source);
    if (source === undefined || !this.#peers.usable(source, size)) {
      if (this.#source !== undefined) this.#peers.releaseAll(this.#source);
      source = this.#peers.pick(size, now);
      this.#source = source?.key;
      if ((this.#attempt?.received ?? 0) > 0) this.#attempt = new MetadataAttempt(size);
    }
    if (source === undefined) return;
    const attempt = (this.#attempt ??= new MetadataAttempt(size));
    for (let piece = 0; piece < attempt.pieceCount; piece++) {
      if (source.retryAt > now || source.inFlight.size >= this.#peers.maxInFlightPerPeer) return;
      if (!attempt.has(piece) && !this.#peers.isAssigned(piece)) this.#ask(source, piece, now, out);
    }
  }

  /** SHA-1 equals the info-hash; with a v2 hash, SHA-256 equals it too (or gives the truncated info-hash). */
  #matches(bytes: Uint8Array): boolean {
    if (this.#infoHashV2 === undefined) return equalBytes(sha1(bytes), this.#infoHash);
    const v2 = sha256(bytes);
    return equalBytes(v2, this.#infoHashV2) && (equalBytes(v2.subarray(0, 20), this.#infoHash) || equalBytes(sha1(bytes), this.#infoHash));
  }

  #ask(peer: MetadataPeer, piece: number, now: number, out: Out): void {
    this.#peers.ask(peer, piece, now);
    out.requests.push({ peer: peer.key, piece });
  }

  #finish(out: Out): void {
    const attempt = this.#attempt as MetadataAttempt;
    this.#attempt = undefined;
    this.#source = undefined;
    const bytes = attempt.bytes();
    if (this.#matches(bytes)) {
      for (const liar of this.#suspect?.liars(bytes) ?? []) {
        if (this.#peers.get(liar) !== undefined) this.#blame(liar, 'ERR_EXT_METADATA_HASH_MISMATCH', 'sent a bad metadata piece', out);
      }
      this.#state = 'done';
      this.#suspect = undefined;
      out.done = bytes;
      return;
    }
    this.#hashFailures++;
    const senders = attempt.contributors;
    if (senders.size === 1) {
      for (const peer of senders) this.#blame(peer, 'ERR_EXT_METADATA_HASH_MISMATCH', 'sent metadata that fails its SHA-1', out);
    } else {
      this.#suspect ??= attempt;
      this.#singleSource = true;
    }
    if (this.#hashFailures >= this.#maxHashFailures) {
      this.#fail(new ExtensionError('ERR_EXT_METADATA_HASH_MISMATCH', `metadata failed its SHA-1 ${this.#hashFailures} times`), out);
    }
  }

  #checkStall(now: number, out: Out): void {
    if (this.#state !== 'running' || this.#peers.anyInFlight || this.#peers.anyUsable(this.#size) || !this.#peers.anyAnnounced()) {
      this.#stalledSince = undefined;
      return;
    }
    this.#stalledSince ??= now;
    if (now - this.#stalledSince < this.#giveUpAfterMs) return;
    this.#fail(
      this.#peers.onlyOversized()
        ? new ExtensionError('ERR_EXT_METADATA_TOO_LARGE', 'every peer announced metadata over the size cap')
        : new ExtensionError('ERR_EXT_METADATA_UNAVAILABLE', 'no peer could serve the metadata'),
      out,
    );
  }

  #blame(peer: PeerKey, code: 'ERR_EXT_METADATA_HASH_MISMATCH' | 'ERR_EXT_METADATA_SIZE_MISMATCH' | 'ERR_EXT_BAD_PIECE', why: string, out: Out): void {
    this.#peers.ban(peer);
    out.dropPeers.push({ peer, error: new ExtensionError(code, `peer ${peer}: ${why}`) });
  }

  #fail(error: ExtensionError, out: Out): void {
    this.#state = 'failed';
    this.#attempt = undefined;
    this.#suspect = undefined;
    out.failed = error;
  }
}

function newOut(): Out {
  return { requests: [], dropPeers: [] };
}
