/**
 * The message stream encryption (MSE/PE) handshake as a pure state machine: bytes in, bytes to
 * send and at the end the agreed method with both cipher streams. No I/O, no timers (the socket
 * layer bounds the handshake's time); randomness is injected.
 *
 * ```
 * 1 A→B  Ya, PadA
 * 2 B→A  Yb, PadB
 * 3 A→B  HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *        ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 * 4 B→A  ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload)
 * 5 A→B  ENCRYPT2(payload)
 * ```
 *
 * @see https://wiki.vuze.com/w/Message_Stream_Encryption
 * @module
 */
import { MseError } from '../../errors.js';
import { DH_KEY_BYTES, DH_PRIVATE_BYTES, dhKeyPair, dhSecret } from './dh.js';
import { findBytes, mseHash, xor20 } from './keys.js';
import { RC4_DISCARD_BYTES, Rc4, type StreamCipher } from './rc4.js';

/** The crypto methods of `crypto_provide` / `crypto_select`. */
export type CryptoMethod = 'plaintext' | 'rc4';
/** Their bits. */
export const CRYPTO_BITS: Readonly<Record<CryptoMethod, number>> = { plaintext: 0x01, rc4: 0x02 };
/** Padding lengths are 0 … 512. */
export const MAX_PAD_BYTES = 512;
/** Padding we send: 0 … this many random bytes (short: it is only obfuscation). */
const OUR_PAD_BYTES = 64;
const VC = new Uint8Array(8);

/** What both roles need. */
export interface MseConfig {
  /** Random bytes (private key, padding). */
  readonly random: (length: number) => Uint8Array;
  /** The methods we accept, in order of preference. */
  readonly methods: readonly CryptoMethod[];
  /** An RC4 stream for a key, its first 1,024 bytes already dropped. @default {@link Rc4} */
  readonly cipher?: (key: Uint8Array) => StreamCipher;
}

/** The dialling side: it knows the torrent. */
export interface MseInitiatorConfig extends MseConfig {
  /** SKEY: the torrent's info-hash. */
  readonly skey: Uint8Array;
}

/** The accepting side: it learns the torrent from `HASH('req2', SKEY)`. */
export interface MseResponderConfig extends MseConfig {
  /** The SKEY whose `req2Hash` is `req2`, or undefined for a torrent we do not serve. */
  readonly findSkey: (req2: Uint8Array) => Uint8Array | undefined;
}

/** A finished handshake. */
export interface MseResult {
  readonly method: CryptoMethod;
  readonly skey: Uint8Array;
  /** Our outgoing stream (used for the payload only when `method` is `'rc4'`). */
  readonly encrypt: StreamCipher;
  /** The incoming stream (likewise). */
  readonly decrypt: StreamCipher;
  /** Payload that came with the handshake, decrypted as the method says (the responder's IA first). */
  readonly payload: Uint8Array;
}

/** One step: bytes to send now, and the result once the handshake is done. */
export interface MseStep {
  readonly send: readonly Uint8Array[];
  readonly done?: MseResult;
}

type Phase = 'public-key' | 'sync' | 'skey' | 'header' | 'pad' | 'ia' | 'done';

/**
 * One side of an MSE handshake. Feed it the peer's bytes with {@link MseHandshake.write}, send
 * what each step says; the step with `done` ends it (write nothing more).
 *
 * @example
 * ```ts
 * declare function random(length: number): Uint8Array;
 * declare function ready(result: MseResult): void;
 * const mse = MseHandshake.initiator({ skey: infoHash, methods: ['rc4', 'plaintext'], random });
 * for (const bytes of mse.start()) socket.write(bytes);
 * socket.on('data', (chunk) => { const step = mse.write(chunk); for (const bytes of step.send) socket.write(bytes); if (step.done) ready(step.done); });
 * ```
 */
export class MseHandshake {
  readonly #role: 'initiator' | 'responder';
  readonly #config: MseInitiatorConfig | MseResponderConfig;
  readonly #x: bigint;
  readonly #publicKey: Uint8Array;
  #phase: Phase = 'public-key';
  #buf = new Uint8Array(0);
  #searched = 0;
  #skey: Uint8Array | undefined;
  #secret: Uint8Array | undefined;
  #req1: Uint8Array | undefined;
  #syncMark: Uint8Array | undefined;
  #encrypt: StreamCipher | undefined;
  #decrypt: StreamCipher | undefined;
  #provide = 0;
  #padLength = 0;
  #method: CryptoMethod | undefined;

  private constructor(role: 'initiator' | 'responder', config: MseInitiatorConfig | MseResponderConfig) {
    if (config.methods.length === 0) throw new MseError('ERR_MSE_INVALID_ARGUMENT', 'at least one crypto method is needed');
    this.#role = role;
    this.#config = config;
    ({ x: this.#x, publicKey: this.#publicKey } = dhKeyPair(config.random(DH_PRIVATE_BYTES)));
  }

  /**
   * The side that dials.
   * @throws {MseError} `ERR_MSE_INVALID_ARGUMENT` for an SKEY that is not 20 bytes or no methods
   */
  static initiator(config: MseInitiatorConfig): MseHandshake {
    if (config.skey.length !== 20) throw new MseError('ERR_MSE_INVALID_ARGUMENT', 'SKEY is a 20-byte info-hash');
    return new MseHandshake('initiator', config);
  }

  /**
   * The side that accepts.
   * @throws {MseError} `ERR_MSE_INVALID_ARGUMENT` without methods
   */
  static responder(config: MseResponderConfig): MseHandshake {
    return new MseHandshake('responder', config);
  }

  /** What to send first: the initiator's `Ya, PadA`; nothing for the responder (it waits for Ya). */
  start(): Uint8Array[] {
    return this.#role === 'initiator' ? [this.#publicKey, this.#pad()] : [];
  }

  /**
   * Takes the peer's next bytes.
   * @throws {MseError} on a malformed, unknown or refused handshake (see {@link MseErrorCode})
   */
  write(chunk: Uint8Array): MseStep {
    if (this.#phase === 'done') throw new MseError('ERR_MSE_INVALID_ARGUMENT', 'the handshake is over');
    this.#append(chunk);
    const send: Uint8Array[] = [];
    for (;;) {
      const before: Phase = this.#phase;
      const done = this.#role === 'initiator' ? this.#initiatorStep(send) : this.#responderStep(send);
      if (done !== undefined) return { send, done };
      if (this.#phase === before) return { send };
    }
  }

  #initiatorStep(send: Uint8Array[]): MseResult | undefined {
    switch (this.#phase) {
      case 'public-key': {
        if (!this.#keys()) return undefined;
        const config = this.#config as MseInitiatorConfig;
        const secret = this.#secret!;
        const padC = this.#pad();
        const header = new Uint8Array(8 + 4 + 2 + padC.length + 2);
        new DataView(header.buffer).setUint32(8, this.#bits(), false);
        new DataView(header.buffer).setUint16(12, padC.length, false);
        header.set(padC, 14);
        send.push(mseHash('req1', secret), xor20(mseHash('req2', config.skey), mseHash('req3', secret)), this.#encrypt!.inPlace(header));
        this.#syncMark = this.#decrypt!.copy(VC);
        this.#phase = 'sync';
        return undefined;
      }
      case 'sync': {
        const at = this.#sync(this.#syncMark!, MAX_PAD_BYTES, 'the encrypted verification constant');
        if (at < 0) return undefined;
        this.#take(at + 8);
        this.#phase = 'header';
        return undefined;
      }
      case 'header': {
        if (this.#buf.length < 6) return undefined;
        const header = this.#decrypt!.copy(this.#take(6));
        const select = new DataView(header.buffer).getUint32(0, false);
        const method = (Object.keys(CRYPTO_BITS) as CryptoMethod[]).find((m) => CRYPTO_BITS[m] === select);
        if (method === undefined || !this.#config.methods.includes(method)) {
          throw new MseError('ERR_MSE_BAD_SELECT', `the peer selected crypto method ${select}, which we did not offer`);
        }
        this.#method = method;
        this.#padLength = this.#padLengthOf(header, 4);
        this.#phase = 'pad';
        return undefined;
      }
      case 'pad': {
        if (this.#buf.length < this.#padLength) return undefined;
        this.#decrypt!.copy(this.#take(this.#padLength));
        return this.#finish(new Uint8Array(0));
      }
      default:
        return undefined;
    }
  }

  #responderStep(send: Uint8Array[]): MseResult | undefined {
    switch (this.#phase) {
      case 'public-key':
        if (!this.#keys()) return undefined;
        send.push(this.#publicKey, this.#pad());
        this.#req1 = mseHash('req1', this.#secret!);
        this.#phase = 'sync';
        return undefined;
      case 'sync': {
        const at = this.#sync(this.#req1!, MAX_PAD_BYTES, "HASH('req1', S)");
        if (at < 0) return undefined;
        this.#take(at + 20);
        this.#phase = 'skey';
        return undefined;
      }
      case 'skey': {
        if (this.#buf.length < 20) return undefined;
        const req2 = xor20(this.#take(20), mseHash('req3', this.#secret!));
        const skey = (this.#config as MseResponderConfig).findSkey(req2);
        if (skey === undefined) throw new MseError('ERR_MSE_UNKNOWN_SKEY', 'an encrypted handshake for a torrent we do not serve');
        this.#skey = skey;
        this.#streams('keyB', 'keyA');
        this.#phase = 'header';
        return undefined;
      }
      case 'header': {
        if (this.#buf.length < 14) return undefined;
        const header = this.#decrypt!.copy(this.#take(14));
        for (let i = 0; i < 8; i++) if (header[i] !== 0) throw new MseError('ERR_MSE_BAD_VC', 'the verification constant is not zero');
        this.#provide = new DataView(header.buffer).getUint32(8, false);
        this.#padLength = this.#padLengthOf(header, 12);
        this.#phase = 'pad';
        return undefined;
      }
      case 'pad': {
        if (this.#buf.length < this.#padLength + 2) return undefined;
        const padAndLength = this.#decrypt!.copy(this.#take(this.#padLength + 2));
        this.#padLength = (padAndLength[this.#padLength]! << 8) | padAndLength[this.#padLength + 1]!;
        this.#phase = 'ia';
        return undefined;
      }
      case 'ia': {
        if (this.#buf.length < this.#padLength) return undefined;
        const ia = this.#decrypt!.copy(this.#take(this.#padLength));
        const method = this.#config.methods.find((m) => (this.#provide & CRYPTO_BITS[m]) !== 0);
        if (method === undefined) {
          throw new MseError('ERR_MSE_NO_COMMON_METHOD', `the peer provides crypto methods ${this.#provide}, none of which we allow`);
        }
        this.#method = method;
        const padD = this.#pad();
        const reply = new Uint8Array(8 + 4 + 2 + padD.length);
        new DataView(reply.buffer).setUint32(8, CRYPTO_BITS[method], false);
        new DataView(reply.buffer).setUint16(12, padD.length, false);
        reply.set(padD, 14);
        send.push(this.#encrypt!.inPlace(reply));
        return this.#finish(ia);
      }
      default:
        return undefined;
    }
  }

  /** Reads the peer's public value once 96 bytes are in; the initiator also keys its streams. */
  #keys(): boolean {
    if (this.#buf.length < DH_KEY_BYTES) return false;
    this.#secret = dhSecret(this.#x, this.#take(DH_KEY_BYTES));
    if (this.#role === 'initiator') {
      this.#skey = (this.#config as MseInitiatorConfig).skey;
      this.#streams('keyA', 'keyB');
    }
    return true;
  }

  #streams(ours: 'keyA' | 'keyB', theirs: 'keyA' | 'keyB'): void {
    const cipher = this.#config.cipher ?? ((key: Uint8Array) => new Rc4(key, RC4_DISCARD_BYTES));
    this.#encrypt = cipher(mseHash(ours, this.#secret!, this.#skey!));
    this.#decrypt = cipher(mseHash(theirs, this.#secret!, this.#skey!));
  }

  /** Where `mark` starts within the first `window` + its length bytes, -1 while it may still come. */
  #sync(mark: Uint8Array, window: number, what: string): number {
    const at = findBytes(this.#buf, mark, this.#searched, window);
    if (at >= 0) return at;
    this.#searched = Math.max(0, Math.min(window + 1, this.#buf.length - mark.length + 1));
    if (this.#buf.length >= window + mark.length) {
      throw new MseError('ERR_MSE_SYNC_NOT_FOUND', `no ${what} within ${window} bytes of padding`);
    }
    return -1;
  }

  #padLengthOf(bytes: Uint8Array, at: number): number {
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (length > MAX_PAD_BYTES) throw new MseError('ERR_MSE_BAD_PAD', `a padding of ${length} bytes (at most ${MAX_PAD_BYTES})`);
    return length;
  }

  #bits(): number {
    let bits = 0;
    for (const m of this.#config.methods) bits |= CRYPTO_BITS[m];
    return bits;
  }

  #finish(head: Uint8Array): MseResult {
    this.#phase = 'done';
    const method = this.#method!;
    const rest = this.#take(this.#buf.length);
    const tail = method === 'rc4' ? this.#decrypt!.copy(rest) : rest;
    const payload = new Uint8Array(head.length + tail.length);
    payload.set(head);
    payload.set(tail, head.length);
    return { method, skey: this.#skey!, encrypt: this.#encrypt!, decrypt: this.#decrypt!, payload };
  }

  #pad(): Uint8Array {
    const length = this.#config.random(1)[0]! % (OUR_PAD_BYTES + 1);
    return this.#config.random(length).slice(0, length);
  }

  #append(chunk: Uint8Array): void {
    const next = new Uint8Array(this.#buf.length + chunk.length);
    next.set(this.#buf);
    next.set(chunk, this.#buf.length);
    this.#buf = next;
  }

  #take(n: number): Uint8Array {
    const head = this.#buf.slice(0, n);
    this.#buf = this.#buf.subarray(n);
    this.#searched = 0;
    return head;
  }
}
