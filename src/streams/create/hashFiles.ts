/**
 * Reads files in layout order and feeds them to a hasher (a `PieceHasher`, or a `TorrentHasher`
 * that also builds v2 Merkle trees from the same buffers), keeping several reads in flight while
 * the current chunk is hashed, so the thread pool's copies overlap hashing on the main thread.
 * Memory: `READ_AHEAD` chunk buffers.
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CreateTorrentError } from '../../errors.js';
import type { SourceFile } from './walkFiles.js';

/** What {@link hashFiles} feeds: every file's bytes in order, and the end of each file. */
export interface HashSink {
  update(chunk: Uint8Array): void;
  /** Called after each file, empty ones included (v2 trees and hybrid pad files end there). */
  endFile?(): void;
}

/** Bytes per read: large enough to amortise syscalls and hash calls, small enough for caches. */
export const READ_CHUNK_BYTES = 1024 * 1024;
/** Reads kept in flight (measured: 1 in flight left the main thread idle a quarter of the time). */
export const READ_AHEAD = 4;

/**
 * Hashes every file into `hasher`, yielding the running byte count after each chunk.
 *
 * @param files - the files, in layout order
 * @param hasher - receives the concatenated content, and the end of each file
 * @param signal - stops reading early when aborted
 * @returns an async generator of bytes hashed so far
 * @throws {@link CreateTorrentError} `ERR_CREATE_CHANGED` when a file shrank or grew meanwhile
 * @example
 * ```ts
 * declare const files: readonly SourceFile[], hasher: TorrentHasher;
 * for await (const done of hashFiles(files, hasher)) console.log(done);
 * ```
 */
export async function* hashFiles(
  files: readonly SourceFile[],
  hasher: HashSink,
  signal?: AbortSignal,
): AsyncGenerator<number, void, undefined> {
  const buffers = Array.from({ length: READ_AHEAD }, () => new Uint8Array(READ_CHUNK_BYTES));
  let done = 0;
  for (const file of files) {
    if (file.length === 0) {
      hasher.endFile?.();
      continue;
    }
    const handle = await open(file.absolutePath, 'r').catch((cause: unknown) => {
      throw new CreateTorrentError('ERR_CREATE_READ_FAILED', `cannot open ${file.absolutePath}`, { cause });
    });
    const inFlight: Promise<{ bytesRead: number; buffer: Uint8Array }>[] = [];
    try {
      let requested = 0;
      let chunk = 0;
      const request = (): void => {
        const length = Math.min(READ_CHUNK_BYTES, file.length - requested);
        inFlight.push(readExactly(handle, buffers[chunk++ % READ_AHEAD] as Uint8Array, length, requested, file));
        requested += length;
      };
      while (requested < file.length && inFlight.length < READ_AHEAD - 1) request();
      while (inFlight.length > 0) {
        const { bytesRead, buffer } = await (inFlight.shift() as Promise<{ bytesRead: number; buffer: Uint8Array }>);
        // The buffer about to be filled is the one hashed READ_AHEAD - 1 turns ago, never this one.
        if (requested < file.length) request();
        hasher.update(buffer.subarray(0, bytesRead));
        done += bytesRead;
        signal?.throwIfAborted();
        yield done;
      }
      if ((await handle.stat()).size !== file.length) throw changed(file);
      hasher.endFile?.();
    } finally {
      await Promise.allSettled(inFlight);
      await handle.close();
    }
  }
}

async function readExactly(handle: FileHandle, buffer: Uint8Array, length: number, position: number, file: SourceFile) {
  let bytesRead = 0;
  while (bytesRead < length) {
    const result = await handle.read(buffer, bytesRead, length - bytesRead, position + bytesRead);
    if (result.bytesRead === 0) throw changed(file);
    bytesRead += result.bytesRead;
  }
  return { bytesRead, buffer };
}

function changed(file: SourceFile): CreateTorrentError {
  return new CreateTorrentError('ERR_CREATE_CHANGED', `${file.absolutePath} changed size while it was being hashed`);
}
