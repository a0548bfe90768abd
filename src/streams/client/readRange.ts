/**
 * Reading a file of a torrent while it downloads: its verified bytes, in order, as soon as the
 * pieces covering them are written. One async generator serves both `read$` (an observable) and
 * `createReadStream` (a Node `Readable` with backpressure); while it waits, its position and rate
 * steer the session's readahead.
 *
 * @module
 */
import { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import { ClientError } from '../../errors.js';
import { pieceSize } from '../../protocol/metainfo/index.js';
import { visibleFiles } from '../../protocol/scheduler/pieceLevels.js';
import type { HandleControl } from './handleControl.js';

/** A byte range of a file: `[start, end)`. */
export interface ByteRange {
  /** First byte. @default 0 */
  readonly start?: number;
  /** One past the last byte. @default the file's length */
  readonly end?: number;
}

/** Most bytes read from storage at once. */
export const READ_CHUNK_BYTES = 256 * 1024;

/**
 * The bytes of `range` of file `file`, chunk by chunk (at most {@link READ_CHUNK_BYTES}, never
 * across a piece boundary). Waits for the torrent (a magnet's metadata, the recheck), then for
 * each piece.
 *
 * `signal` ends a wait at once (an async generator's `return()` would wait for the pending piece).
 *
 * @throws {@link ClientError} `ERR_CLIENT_INVALID_ARGUMENT` for a file or range that does not
 *   exist; `ERR_CLIENT_STOPPED` (or the session's error) when the session stops first;
 *   `ERR_CLIENT_ABORTED` when `signal` aborts
 * @example
 * ```ts
 * declare const control: HandleControl;
 * for await (const chunk of readRange(control, 0, { start: 0, end: 1024 })) console.log(chunk.length);
 * ```
 */
export async function* readRange(control: HandleControl, file: number, range: ByteRange = {}, signal?: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
  const access = await control.pieces(signal);
  const { torrent } = access;
  const target = visibleFiles(torrent)[file];
  if (target === undefined) throw new ClientError('ERR_CLIENT_INVALID_ARGUMENT', `no file ${file} in this torrent (${visibleFiles(torrent).length} files)`);
  const start = range.start ?? 0;
  const end = range.end ?? target.length;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > target.length || start > end) {
    throw new ClientError('ERR_CLIENT_INVALID_ARGUMENT', `range ${start}-${end} is outside file ${file} (${target.length} bytes)`);
  }
  const stop = target.offset + end;
  let position = target.offset + start;
  const slot = control.addReader(position, stop);
  slot.moved(position, access.now());
  try {
    while (position < stop) {
      const index = Math.floor(position / torrent.pieceLength);
      await control.written(access, index, signal);
      const pieceStart = index * torrent.pieceLength;
      const chunkEnd = Math.min(stop, pieceStart + pieceSize(torrent, index), position + READ_CHUNK_BYTES);
      const chunk = await access.readBlock(index, position - pieceStart, chunkEnd - position);
      position = chunkEnd;
      slot.moved(position, access.now());
      yield chunk;
    }
  } finally {
    control.removeReader(slot);
  }
}

/**
 * {@link readRange} as a cold observable: each subscription reads afresh; unsubscribing stops
 * the read.
 *
 * ```
 * read$(0) ──c──c────c─c──|      (c: a chunk, as soon as its piece is written)
 * ```
 *
 * @example
 * ```ts
 * declare const control: HandleControl;
 * readRange$(control, 0, { end: 1 << 20 }).subscribe((chunk) => console.log(chunk.length));
 * ```
 */
export function readRange$(control: HandleControl, file: number, range?: ByteRange): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    const abort = new AbortController();
    const chunks = readRange(control, file, range, abort.signal);
    let stopped = false;
    void (async () => {
      try {
        for (let next = await chunks.next(); !next.done && !stopped; next = await chunks.next()) subscriber.next(next.value);
        subscriber.complete();
      } catch (err) {
        if (!stopped) subscriber.error(err);
      }
    })();
    return () => {
      stopped = true;
      abort.abort();
      void chunks.return(undefined);
    };
  });
}

/**
 * {@link readRange} as a Node `Readable` (bytes, not objects): it reads ahead only as far as its
 * buffer (`highWaterMark`), so a slow consumer holds the readahead back.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * declare const control: HandleControl;
 * readRangeStream(control, 0).pipe(createWriteStream('copy.bin'));
 * ```
 */
export function readRangeStream(control: HandleControl, file: number, range?: ByteRange): Readable {
  const abort = new AbortController();
  const chunks = readRange(control, file, range, abort.signal);
  return new Readable({
    highWaterMark: READ_CHUNK_BYTES,
    read() {
      chunks.next().then(
        (next) => {
          if (this.destroyed) return;
          if (next.done) this.push(null);
          else this.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
        },
        (err: unknown) => {
          if (!this.destroyed) this.destroy(err as Error);
        },
      );
    },
    destroy(err, callback) {
      // Destroyed mid-wait (a reader that hung up): the wait ends now, and with it the readahead.
      abort.abort();
      void chunks.return(undefined).catch(() => undefined);
      callback(err);
    },
  });
}
