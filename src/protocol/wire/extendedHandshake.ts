/**
 * The BEP 10 extension handshake: the bencoded dict carried by extended message id 0. It maps
 * extension names to the message ids the sender wants to receive them on (`m`) and carries a few
 * facts about the sender.
 *
 * | BEP 10 key      | field              |
 * |-----------------|--------------------|
 * | `m`             | `extensions`       |
 * | `v`             | `client`           |
 * | `p`             | `port`             |
 * | `yourip`        | `yourIp`           |
 * | `reqq`          | `requestQueueSize` |
 * | `metadata_size` | `metadataSize` (BEP 9) |
 *
 * @see https://www.bittorrent.org/beps/bep_0010.html
 * @module
 */

import { BencodeError, WireError } from '../../errors.js';
import { decodeBencode, encodeBencode } from '../bencode/index.js';
import type { BencodeValue } from '../bencode/index.js';
import { DEFAULT_MAX_EXTENDED_LENGTH } from './limits.js';

/** Nesting allowed in a handshake: `m` is a dict in a dict; leave room for unknown keys. */
const MAX_DEPTH = 8;
const MAX_INT = 0x7fffffff;

/** A decoded (or to-be-encoded) BEP 10 extension handshake. Absent keys are absent fields. */
export interface ExtendedHandshake {
  /** Extension name → the id the sender receives it on; 0 means unsupported/disabled. */
  readonly extensions: Readonly<Record<string, number>>;
  /** Client name and version, e.g. `'rxtorrent 0.1.0'`. */
  readonly client?: string;
  /** The sender's TCP listen port. */
  readonly port?: number;
  /** Our address as the sender sees it: 4 (IPv4) or 16 (IPv6) bytes. */
  readonly yourIp?: Uint8Array;
  /** How many outstanding requests the sender queues before dropping some. */
  readonly requestQueueSize?: number;
  /** Size of the info dictionary in bytes (BEP 9), for magnet downloads. */
  readonly metadataSize?: number;
}

/**
 * Encodes an extension handshake payload (wrap it as `{ type: 'extended', id: 0, payload }`).
 * @param handshake what to announce.
 * @returns the bencoded dict.
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for an id outside 0..255 or a bad field.
 * @example `encodeExtendedHandshake({ extensions: { ut_metadata: 3 }, client: 'rxtorrent 0.1.0', port: 6881 })`
 */
export function encodeExtendedHandshake(handshake: ExtendedHandshake): Uint8Array {
  const fail = (what: string): never => {
    throw new WireError('ERR_WIRE_INVALID_ARGUMENT', `extension handshake: ${what}`);
  };
  const m: Record<string, number> = {};
  for (const [name, id] of Object.entries(handshake.extensions)) {
    if (!isInt(id, 0, 255)) fail(`id ${id} of ${name} outside 0..255`);
    m[name] = id;
  }
  const dict: Record<string, number | string | Uint8Array | Record<string, number>> = { m };
  if (handshake.client !== undefined) dict['v'] = handshake.client;
  if (handshake.port !== undefined) dict['p'] = isInt(handshake.port, 1, 0xffff) ? handshake.port : fail('port');
  if (handshake.yourIp !== undefined) {
    dict['yourip'] = isIp(handshake.yourIp) ? handshake.yourIp : fail('yourIp must be 4 or 16 bytes');
  }
  const { requestQueueSize: reqq, metadataSize } = handshake;
  if (reqq !== undefined) dict['reqq'] = isInt(reqq, 1, MAX_INT) ? reqq : fail('requestQueueSize');
  if (metadataSize !== undefined) {
    dict['metadata_size'] = isInt(metadataSize, 1, MAX_INT) ? metadataSize : fail('metadataSize');
  }
  return encodeBencode(dict);
}

/**
 * Decodes a peer's extension handshake. Strict where it matters (well-formed bencode through the
 * shared scanner, bounded size and depth, known keys of the right type and range), silent about
 * keys it does not know.
 * @param payload the payload of extended message 0.
 * @param maxLength largest payload accepted. @default 65536
 * @returns the handshake; byte fields are copies.
 * @throws {WireError} `ERR_WIRE_FRAME_TOO_LONG` over `maxLength`,
 *   `ERR_WIRE_BAD_EXTENDED_HANDSHAKE` for anything malformed.
 * @example
 * ```ts
 * declare const msg: ExtendedMessage;
 * const { extensions, metadataSize } = decodeExtendedHandshake(msg.payload)
 * ```
 */
export function decodeExtendedHandshake(
  payload: Uint8Array,
  maxLength: number = DEFAULT_MAX_EXTENDED_LENGTH,
): ExtendedHandshake {
  if (payload.length > maxLength) {
    throw new WireError('ERR_WIRE_FRAME_TOO_LONG', `extension handshake of ${payload.length} bytes`);
  }
  const fail = (what: string): never => {
    throw new WireError('ERR_WIRE_BAD_EXTENDED_HANDSHAKE', `extension handshake: ${what}`);
  };
  let dict: BencodeValue;
  try {
    // The shared validating scanner runs first: bounded depth, canonical integers, exact lengths.
    dict = decodeBencode(payload, { maxBytes: maxLength, maxDepth: MAX_DEPTH });
  } catch (cause) {
    if (!(cause instanceof BencodeError)) throw cause;
    throw new WireError('ERR_WIRE_BAD_EXTENDED_HANDSHAKE', `extension handshake: ${cause.message}`, { cause });
  }
  if (!isDict(dict)) fail('not a dict');
  const result: { -readonly [K in keyof ExtendedHandshake]: ExtendedHandshake[K] } = { extensions: {} };

  const fields = dict as Record<string, unknown>;
  const m = own(fields, 'm');
  if (m !== undefined) {
    if (!isDict(m)) fail('m is not a dict');
    const extensions: Record<string, number> = {};
    for (const [name, id] of Object.entries(m as Record<string, unknown>)) {
      extensions[name] = isInt(id, 0, 255) ? id : fail(`id of ${name} outside 0..255`);
    }
    result.extensions = extensions;
  }
  const v = own(fields, 'v');
  if (v !== undefined) result.client = v instanceof Uint8Array ? new TextDecoder().decode(v) : fail('v');
  const p = own(fields, 'p');
  if (p !== undefined) result.port = isInt(p, 1, 0xffff) ? p : fail('p is not a port');
  const yourip = own(fields, 'yourip');
  if (yourip !== undefined) result.yourIp = isIp(yourip) ? yourip : fail('yourip is not 4 or 16 bytes');
  const reqq = own(fields, 'reqq');
  if (reqq !== undefined) result.requestQueueSize = isInt(reqq, 1, MAX_INT) ? reqq : fail('reqq');
  const size = own(fields, 'metadata_size');
  if (size !== undefined) result.metadataSize = isInt(size, 1, MAX_INT) ? size : fail('metadata_size');
  return result;
}

/** Reads own keys only, so a key named `constructor` is never an inherited value. */
function own(dict: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(dict, key) ? dict[key] : undefined;
}

function isDict(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function isInt(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isIp(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && (value.length === 4 || value.length === 16);
}
