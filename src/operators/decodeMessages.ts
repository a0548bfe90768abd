/**
 * `decodeMessages(limits)`: frames in, typed messages out. A thin shell over the pure
 * `decodeMessage`, with the handshake frame passed through as a message of its own.
 *
 * @module
 */
import type { OperatorFunction } from 'rxjs';
import { decodeMessage, resolveWireLimits } from '../protocol/wire/index.js';
import type { Frame, Handshake, WireLimits, WireMessage } from '../protocol/wire/index.js';
import { operate } from './internal/operate.js';

/**
 * The peer's handshake as a message. A {@link Handshake} has no `type` tag, so it is wrapped:
 * one union, {@link DecodedMessage}, to `switch` on.
 */
export interface HandshakeMessage {
  readonly type: 'handshake';
  readonly handshake: Handshake;
}

/** What {@link decodeMessages} emits: the handshake first (if framed), then wire messages. */
export type DecodedMessage = HandshakeMessage | WireMessage;

/**
 * Decodes frames into {@link WireMessage}s, checking every length, index and range against
 * `limits`. The handshake frame becomes a {@link HandshakeMessage}; checking its info-hash and
 * peer id is the connection's job.
 *
 * ```
 * frames:   -h-a-b--c-|
 * messages: -H-A-B--C-|      (H = { type: 'handshake', handshake }, A = { type: 'have', index: 3 }, …)
 * ```
 *
 * Byte fields (`block`, `bytes`, `payload`) are views into the frame: copy what you keep.
 *
 * @param limits - caps and, when known, `pieceCount` and `pieceLength`; pass the same values as
 *   to {@link frameMessages}
 * @returns an operator from {@link Frame} to {@link DecodedMessage}
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` at once, for a cap out of range; on the error
 *   channel, every error of `decodeMessage` (`ERR_WIRE_BITFIELD_SPARE_BITS`,
 *   `ERR_WIRE_INDEX_OUT_OF_RANGE`, `ERR_WIRE_BAD_REQUEST`, `ERR_WIRE_BAD_BLOCK`, …)
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @example
 * ```ts
 * declare const limits: WireLimits;
 * declare function check(infoHash: Uint8Array): void;
 * bytes$.pipe(frameMessages(limits), decodeMessages(limits)).subscribe((msg) => {
 *   if (msg.type === 'handshake') check(msg.handshake.infoHash);
 * });
 * ```
 */
export function decodeMessages(limits: WireLimits = {}): OperatorFunction<Frame, DecodedMessage> {
  const resolved = resolveWireLimits(limits);
  return operate<Frame, DecodedMessage>((subscriber) => ({
    next: (frame) => {
      subscriber.next(
        frame.kind === 'message'
          ? decodeMessage(frame.body, resolved)
          : { type: 'handshake', handshake: frame.handshake },
      );
    },
  }));
}
