/**
 * BEP 10 extension ids on one connection. Each side picks the ids it RECEIVES extension messages
 * on and announces them in the `m` dict of its extension handshake; the other side sends with
 * those ids. So an incoming `extended` message carries one of OUR ids, and an outgoing one must
 * carry the PEER's id for that extension.
 *
 * ```
 * ours:   m = { ut_metadata: 1, ut_pex: 2 }  → the peer sends ut_metadata to us as extended id 1
 * theirs: m = { ut_metadata: 3, ut_pex: 0 }  → we send ut_metadata as extended id 3; no ut_pex
 * ```
 *
 * @see https://www.bittorrent.org/beps/bep_0010.html
 * @module
 */
import { decodeExtendedHandshake, encodeExtendedHandshake, type ExtendedHandshake } from '../wire/extendedHandshake.js';
import { EXTENDED_HANDSHAKE_ID, type ExtendedMessage } from '../wire/messages.js';

/** The extensions rxtorrent speaks: BEP 9 metadata exchange and BEP 11 peer exchange. */
export type ExtensionName = 'ut_metadata' | 'ut_pex';

/** Every {@link ExtensionName}, in a fixed order. */
export const EXTENSION_NAMES: readonly ExtensionName[] = Object.freeze(['ut_metadata', 'ut_pex']);

/** The ids we receive our extensions on (our `m` dict). Constants: any 1..255 would do. */
export const OUR_EXTENSION_IDS: Readonly<Record<ExtensionName, number>> = Object.freeze({ ut_metadata: 1, ut_pex: 2 });

/** A peer's ids for the extensions we know; an absent name is one the peer does not (or no longer) speak. */
export type PeerExtensionIds = Readonly<Partial<Record<ExtensionName, number>>>;

/** What a torrent lets us offer. */
export interface ExtensionPolicy {
  /** A private torrent (BEP 27): peer exchange is neither offered nor accepted. @default false */
  readonly private?: boolean;
}

/**
 * The `m` dict we announce for a torrent: `ut_metadata` always (we reject requests while we lack
 * the metadata), `ut_pex` unless the torrent is private (BEP 27).
 * @param policy whether the torrent is private.
 * @returns extension name → our id.
 * @see https://www.bittorrent.org/beps/bep_0027.html
 * @example `offeredExtensions({ private: true }) // { ut_metadata: 1 }`
 */
export function offeredExtensions(policy: ExtensionPolicy = {}): Partial<Record<ExtensionName, number>> {
  return policy.private === true ? { ut_metadata: OUR_EXTENSION_IDS.ut_metadata } : { ...OUR_EXTENSION_IDS };
}

/**
 * Reads (or updates) a peer's ids from the `m` dict of its extension handshake. BEP 10 makes a
 * later handshake additive: names it leaves out keep their id, id 0 disables a name. Names we do
 * not speak are ignored, so the result never holds more than {@link EXTENSION_NAMES}.
 * @param m the `extensions` field of a decoded handshake.
 * @param previous the ids learned from earlier handshakes on this connection.
 * @returns the peer's ids now.
 * @example
 * ```ts
 * declare const handshake: ExtendedHandshake;
 * readPeerExtensionIds(handshake.extensions) // { ut_metadata: 3 }
 * ```
 */
export function readPeerExtensionIds(m: Readonly<Record<string, number>>, previous: PeerExtensionIds = {}): PeerExtensionIds {
  const ids: Partial<Record<ExtensionName, number>> = { ...previous };
  for (const name of EXTENSION_NAMES) {
    if (!Object.prototype.hasOwnProperty.call(m, name)) continue;
    const id = m[name];
    if (typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 255) ids[name] = id;
    else delete ids[name];
  }
  return ids;
}

/** The facts our extension handshake carries besides `m`. */
export interface OurHandshakeInit extends ExtensionPolicy {
  /** `v`: client name and version, e.g. `'rxtorrent 0.1.0'`. */
  readonly client?: string;
  /** `p`: our TCP listen port (lets inbound peers be told to others through PEX). */
  readonly port?: number;
  /** `reqq`: how many requests we queue per peer. */
  readonly requestQueueSize?: number;
  /** `metadata_size` (BEP 9): the info dict's length, once we have it; leave out for a magnet still fetching. */
  readonly metadataSize?: number;
  /** `yourip`: the peer's address as we see it (4 or 16 bytes). */
  readonly yourIp?: Uint8Array;
}

/**
 * Our extension handshake for a torrent, ready to send as the first extended message.
 * @param init what to announce.
 * @returns `{ type: 'extended', id: 0, payload }`.
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` for a port, queue size or size out of range.
 * @example
 * ```ts
 * declare const t: Torrent;
 * declare function send(message: ExtendedMessage): void;
 * send(ourHandshakeMessage({ client: 'rxtorrent 0.1.0', port: 6881, metadataSize: t.infoBytes.length }))
 * ```
 */
export function ourHandshakeMessage(init: OurHandshakeInit): ExtendedMessage {
  const handshake: ExtendedHandshake = {
    extensions: offeredExtensions(init),
    ...(init.client === undefined ? {} : { client: init.client }),
    ...(init.port === undefined ? {} : { port: init.port }),
    ...(init.requestQueueSize === undefined ? {} : { requestQueueSize: init.requestQueueSize }),
    ...(init.metadataSize === undefined ? {} : { metadataSize: init.metadataSize }),
    ...(init.yourIp === undefined ? {} : { yourIp: init.yourIp }),
  };
  return { type: 'extended', id: EXTENDED_HANDSHAKE_ID, payload: encodeExtendedHandshake(handshake) };
}

/** An incoming extended message, routed: a handshake (decoded) or the payload of one of our extensions. */
export type RoutedExtension =
  | { readonly kind: 'handshake'; readonly handshake: ExtendedHandshake }
  | { readonly kind: ExtensionName; readonly payload: Uint8Array }
  /** An id we never assigned (or pex on a private torrent): ignore it. */
  | { readonly kind: 'unknown'; readonly id: number };

/**
 * One connection's extension ids, both ways. Feed it every `extended` message; it decodes
 * handshakes, remembers the peer's ids and tells which of our extensions a message is for.
 *
 * @example
 * ```ts
 * declare const msg: ExtendedMessage;
 * declare function handleMetadata(message: MetadataMessage | undefined): void;
 * declare function send(message: ExtendedMessage): void;
 * const ext = new ExtensionRegistry({ private: torrent.private });
 * const routed = ext.route(msg);            // msg: { type: 'extended', id, payload }
 * if (routed.kind === 'ut_metadata') handleMetadata(decodeMetadataMessage(routed.payload));
 * const out = ext.message('ut_metadata', encodeMetadataMessage({ type: 'request', piece: 0 }));
 * if (out) send(out);                       // undefined: the peer does not speak ut_metadata
 * ```
 */
export class ExtensionRegistry {
  readonly #ours: Partial<Record<ExtensionName, number>>;
  #peer: PeerExtensionIds = {};
  #handshake: ExtendedHandshake | undefined;

  /** @param policy whether the torrent is private (no `ut_pex` either way). */
  constructor(policy: ExtensionPolicy = {}) {
    this.#ours = offeredExtensions(policy);
  }

  /** The peer's ids for the extensions we both speak. */
  get peerIds(): PeerExtensionIds {
    return this.#peer;
  }

  /** The peer's latest extension handshake, if any. */
  get handshake(): ExtendedHandshake | undefined {
    return this.#handshake;
  }

  /**
   * @param name an extension.
   * @returns whether we offer it AND the peer announced it (so {@link message} will build one).
   */
  supports(name: ExtensionName): boolean {
    return this.#ours[name] !== undefined && this.#peer[name] !== undefined;
  }

  /**
   * Records a peer's (new) extension handshake, decoded elsewhere (the connection decodes id 0).
   * @param handshake the decoded handshake; its `m` updates the peer's ids additively.
   */
  learn(handshake: ExtendedHandshake): void {
    this.#handshake = handshake;
    this.#peer = readPeerExtensionIds(handshake.extensions, this.#peer);
  }

  /**
   * Routes one incoming extended message by OUR ids; id 0 is decoded and {@link learn}ed.
   * @param message an `extended` message from the peer.
   * @param maxHandshakeLength largest handshake payload accepted. @default 65536
   * @returns what the message is for; payloads alias the message.
   * @throws {WireError} `ERR_WIRE_BAD_EXTENDED_HANDSHAKE` / `ERR_WIRE_FRAME_TOO_LONG` for a bad handshake.
   */
  route(message: ExtendedMessage, maxHandshakeLength?: number): RoutedExtension {
    if (message.id === EXTENDED_HANDSHAKE_ID) {
      const handshake = decodeExtendedHandshake(message.payload, maxHandshakeLength);
      this.learn(handshake);
      return { kind: 'handshake', handshake };
    }
    for (const name of EXTENSION_NAMES) {
      if (this.#ours[name] === message.id) return { kind: name, payload: message.payload };
    }
    return { kind: 'unknown', id: message.id };
  }

  /**
   * Wraps a payload for the peer with the peer's id for `name`.
   * @param name the extension.
   * @param payload the encoded extension message.
   * @returns the wire message, or undefined when the extension is not {@link supports}ed.
   */
  message(name: ExtensionName, payload: Uint8Array): ExtendedMessage | undefined {
    const id = this.#peer[name];
    return this.#ours[name] === undefined || id === undefined ? undefined : { type: 'extended', id, payload };
  }
}
