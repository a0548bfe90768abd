/**
 * `frameMessages(config)`: a peer's raw bytes in, frames out (the handshake, then one message body
 * per length-prefixed frame). A thin shell over the pure {@link FrameDecoder}.
 *
 * @module
 */
import type { OperatorFunction } from 'rxjs';
import { FrameDecoder, type Frame, type FrameDecoderConfig } from '../protocol/wire/index.js';
import { operate } from './internal/operate.js';

/**
 * Splits a byte stream into wire frames. Each subscription gets its own decoder, which never holds
 * more than the one frame in progress and checks every length prefix against the cap of its
 * message id before buffering a byte of it.
 *
 * ```
 * bytes:  -[hs+4 bytes]-[rest of msg a, half of b]-[rest of b]-|
 * frames: -h------------a--------------------------b-----------|
 * ```
 *
 * Frames inside one chunk are zero-copy views of it; a frame spanning chunks is copied once.
 * Do not reuse a chunk's memory after emitting it (socket chunks are fresh buffers).
 *
 * @param config - caps (`WireLimits`, including `pieceCount` for exact bitfield sizes), the
 *   unknown-id policy, and `expectHandshake` (default true)
 * @returns an operator from byte chunks to {@link Frame}s; on completion a half-received frame
 *   becomes a `WireError` `ERR_WIRE_TRUNCATED`
 * @throws {WireError} `ERR_WIRE_INVALID_ARGUMENT` at once, for a cap out of range; on the error
 *   channel, every error of `FrameDecoder.write` (`ERR_WIRE_BAD_PROTOCOL`,
 *   `ERR_WIRE_FRAME_TOO_LONG`, `ERR_WIRE_BAD_LENGTH`, `ERR_WIRE_BITFIELD_LENGTH`, …)
 * @see https://www.bittorrent.org/beps/bep_0003.html#peer-messages
 * @example
 * ```ts
 * declare function handle(message: DecodedMessage): void;
 * bytes$.pipe(frameMessages({ pieceCount }), decodeMessages({ pieceCount })).subscribe(handle);
 * ```
 */
export function frameMessages(config: FrameDecoderConfig = {}): OperatorFunction<Uint8Array, Frame> {
  // A throwaway decoder checks the caps now: a bad config is a programmer error, raised at once.
  new FrameDecoder(config);
  return operate<Uint8Array, Frame>((subscriber) => {
    const decoder = new FrameDecoder(config);
    return {
      next: (chunk) => {
        const frames = decoder.write(chunk);
        for (let i = 0; i < frames.length && !subscriber.closed; i++) subscriber.next(frames[i]!);
      },
      complete: () => {
        decoder.end();
        subscriber.complete();
      },
    };
  });
}
