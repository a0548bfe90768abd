/**
 * `encodeMessages()`: typed messages in, wire bytes out. A thin shell over the pure
 * `encodeMessage` and `encodePieceHeader`.
 *
 * @module
 */
import type { OperatorFunction } from 'rxjs';
import { encodeMessage, encodePieceHeader } from '../protocol/wire/index.js';
import type { WireMessage } from '../protocol/wire/index.js';
import { operate } from './internal/operate.js';

/**
 * Encodes messages into length-prefixed frames, one chunk per message, except `piece`: its
 * 13-byte header and its block are two chunks, so the block (often read straight from storage)
 * is never copied. Write the chunks in order; a socket's `writev` or `cork` keeps them together.
 *
 * ```
 * messages: -a---p-------|      (a = have, p = piece)
 * chunks:   -A---(HB)----|      (H = piece header, B = the block itself)
 * ```
 *
 * @returns an operator from {@link WireMessage} to byte chunks
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` on the error channel, when a number does not fit
 *   its field
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @example
 * ```ts
 * declare const outgoing$: import('rxjs').Observable<WireMessage>;
 * outgoing$.pipe(encodeMessages()).subscribe((chunk) => socket.write(chunk));
 * ```
 */
export function encodeMessages(): OperatorFunction<WireMessage, Uint8Array> {
  return operate<WireMessage, Uint8Array>((subscriber) => ({
    next: (msg) => {
      if (msg.type === 'piece') {
        const header = encodePieceHeader(msg.index, msg.begin, msg.block.length);
        subscriber.next(header);
        subscriber.next(msg.block);
      } else {
        subscriber.next(encodeMessage(msg));
      }
    },
  }));
}
