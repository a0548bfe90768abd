/**
 * Peer wire messages → scheduler events. The one place that decides which messages the request
 * strategy cares about; the rest (requests to us, interest, extensions) belong to the upload and
 * extension paths.
 *
 * @module
 */
import { Bitfield } from '../bitfield.js';
import type { WireMessage } from '../wire/index.js';
import type { PeerKey, SwarmEvent } from './events.js';

/**
 * The scheduler event a message from `peer` means, or undefined when it means nothing to it.
 *
 * @param peer - the connection's key
 * @param message - a decoded message (byte fields may be views: the bitfield is copied here)
 * @param pieceCount - pieces in the torrent
 * @returns the event
 * @throws {@link WireError} for a bitfield of the wrong size or with spare bits set
 * @example
 * ```ts
 * declare const conn: PeerConnection, key: PeerKey;
 * conn.messages$.pipe(map((m) => swarmEventOf(key, m, torrent.pieceCount)), filter(Boolean));
 * ```
 */
export function swarmEventOf(peer: PeerKey, message: WireMessage, pieceCount: number): SwarmEvent | undefined {
  switch (message.type) {
    case 'bitfield':
      return { type: 'bitfield', peer, bitfield: Bitfield.fromBytes(message.bytes, pieceCount) };
    case 'have':
      return { type: 'have', peer, index: message.index };
    case 'have-all':
      return { type: 'have-all', peer };
    case 'have-none':
      return { type: 'have-none', peer };
    case 'choke':
      return { type: 'choke', peer };
    case 'unchoke':
      return { type: 'unchoke', peer };
    case 'piece':
      return { type: 'block', peer, index: message.index, begin: message.begin, data: message.block };
    case 'reject-request':
      return { type: 'reject', peer, index: message.index, begin: message.begin, length: message.length };
    default:
      return undefined;
  }
}
