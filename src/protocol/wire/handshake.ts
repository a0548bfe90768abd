/**
 * The 68-byte handshake that opens every peer connection (BEP 3):
 *
 * ```
 * 0x13 "BitTorrent protocol" | reserved (8) | info_hash (20) | peer_id (20)
 * ```
 *
 * Reserved bits advertise extensions: BEP 10 (`reserved[5] & 0x10`), BEP 6 (`reserved[7] & 0x04`),
 * BEP 5 (`reserved[7] & 0x01`) and BEP 52 (`reserved[7] & 0x10`: the peer speaks v2 and answers
 * hash requests).
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-protocol
 * @module
 */

import { copyOf } from '../bytes.js';
import { WireError } from '../../errors.js';

/** Length of a handshake in bytes. */
export const HANDSHAKE_LENGTH = 68;
/** Length of an info-hash (SHA-1) and of a peer id. */
export const ID_LENGTH = 20;

/** `0x13` then "BitTorrent protocol": the first 20 bytes of every handshake. */
export const PROTOCOL_HEADER: Uint8Array = Uint8Array.of(
  19, ...Array.from('BitTorrent protocol', (c) => c.charCodeAt(0)),
);

const RESERVED_OFFSET = 20;
const INFO_HASH_OFFSET = 28;
const PEER_ID_OFFSET = 48;

/** Extensions a peer announces through its reserved bytes. */
export interface PeerExtensions {
  /** BEP 10 Extension Protocol (`reserved[5] & 0x10`). */
  readonly extended: boolean;
  /** BEP 6 Fast Extension (`reserved[7] & 0x04`). */
  readonly fast: boolean;
  /** BEP 5 DHT: the peer may send `port` (`reserved[7] & 0x01`). */
  readonly dht: boolean;
  /** BEP 52 BitTorrent v2: the peer serves and asks hash requests (`reserved[7] & 0x10`). */
  readonly v2: boolean;
}

/** What we put in our handshake. */
export interface HandshakeInit {
  /** 20-byte SHA-1 of the torrent's info dictionary. */
  readonly infoHash: Uint8Array;
  /** Our 20-byte peer id. */
  readonly peerId: Uint8Array;
  /** Extensions to announce; unset ones are off. */
  readonly extensions?: Partial<PeerExtensions> | undefined;
}

/** A decoded handshake. `infoHash`, `peerId` and `reserved` are copies the caller owns. */
export interface Handshake {
  readonly infoHash: Uint8Array;
  readonly peerId: Uint8Array;
  readonly extensions: PeerExtensions;
  /** All 8 reserved bytes, for bits this library does not name. */
  readonly reserved: Uint8Array;
}

/**
 * Encodes our handshake.
 * @param init info-hash, peer id and the extensions to announce.
 * @returns 68 bytes.
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` when an id is not 20 bytes.
 * @example `socket.write(encodeHandshake({ infoHash, peerId, extensions: { extended: true, fast: true } }))`
 */
export function encodeHandshake(init: HandshakeInit): Uint8Array {
  checkId('info-hash', init.infoHash);
  checkId('peer id', init.peerId);
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  out.set(PROTOCOL_HEADER, 0);
  const ext = init.extensions ?? {};
  if (ext.extended === true) out[RESERVED_OFFSET + 5] = 0x10;
  out[RESERVED_OFFSET + 7] = (ext.fast === true ? 0x04 : 0) | (ext.dht === true ? 0x01 : 0) | (ext.v2 === true ? 0x10 : 0);
  out.set(init.infoHash, INFO_HASH_OFFSET);
  out.set(init.peerId, PEER_ID_OFFSET);
  return out;
}

/**
 * Decodes a peer's handshake. The ids are copied so that keeping them for the connection's
 * lifetime does not pin the socket chunk they arrived in.
 * @param bytes exactly 68 bytes.
 * @returns the handshake.
 * @throws {WireError} `ERR_WIRE_BAD_LENGTH` unless 68 bytes, `ERR_WIRE_BAD_PROTOCOL` when the
 *   first 20 bytes are not `\x13BitTorrent protocol` (e.g. an encrypted or HTTP connection).
 * @example
 * ```ts
 * declare const first68: Uint8Array;
 * const { infoHash, peerId, extensions } = decodeHandshake(first68)
 * ```
 */
export function decodeHandshake(bytes: Uint8Array): Handshake {
  if (bytes.length !== HANDSHAKE_LENGTH) {
    throw new WireError('ERR_WIRE_BAD_LENGTH', `handshake is ${bytes.length} bytes, expected 68`);
  }
  checkProtocolHeader(bytes, 0, 0, PROTOCOL_HEADER.length);
  const reserved = copyOf(bytes, RESERVED_OFFSET, INFO_HASH_OFFSET);
  return {
    infoHash: copyOf(bytes, INFO_HASH_OFFSET, PEER_ID_OFFSET),
    peerId: copyOf(bytes, PEER_ID_OFFSET, HANDSHAKE_LENGTH),
    extensions: {
      extended: (reserved[5]! & 0x10) !== 0,
      fast: (reserved[7]! & 0x04) !== 0,
      dht: (reserved[7]! & 0x01) !== 0,
      v2: (reserved[7]! & 0x10) !== 0,
    },
    reserved,
  };
}

/**
 * Compares part of a handshake with the protocol header, so garbage is refused after its first
 * wrong byte instead of after 68 bytes.
 * @param chunk bytes received.
 * @param offset where in `chunk` handshake byte `from` sits.
 * @param from first handshake position to check.
 * @param to end (exclusive) of the positions to check; at most 20.
 * @throws {WireError} `ERR_WIRE_BAD_PROTOCOL` on the first mismatch.
 * @example
 * ```ts
 * declare const chunk: Uint8Array;
 * checkProtocolHeader(chunk, 0, 0, Math.min(chunk.length, 20))
 * ```
 */
export function checkProtocolHeader(chunk: Uint8Array, offset: number, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (chunk[offset + i - from] !== PROTOCOL_HEADER[i]) {
      throw new WireError(
        'ERR_WIRE_BAD_PROTOCOL',
        `not a BitTorrent handshake: byte ${i} is 0x${(chunk[offset + i - from] ?? 0).toString(16)}`,
      );
    }
  }
}

function checkId(name: string, id: Uint8Array): void {
  if (id.length !== ID_LENGTH) {
    throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `${name} is ${id.length} bytes, expected 20`);
  }
}
