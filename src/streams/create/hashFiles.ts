/**
 * Reads files in layout order and feeds them to a {@link PieceHasher}: one read ahead while the
 * current chunk is hashed, so disk and SHA-1 overlap. Memory: two chunk buffers.
 *
 * @module
 */
import { open } from 'node:fs/promises';
import { CreateTorrentError } from '../../errors.js';
import type { PieceHasher } from '../../protocol/metainfo/index.js';
import type { SourceFile } from './walkFiles.js';

/** Bytes per read: large enough to amortise syscalls and hash calls, small enough for caches. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Hashes every file into `hasher`, yielding the running byte count after each chunk.
 *
 * @param files - the files, in layout order
 * @param hasher - receives the concatenated content
 * @param signal - stops reading early when aborted
 * @returns an async generator of bytes hashed so far
 * @throws {@link CreateTorrentError} `ERR_CREATE_CHANGED` when a file shrank or grew meanwhile
 * @example
 * ```ts
 * for await (const done of hashFiles(files, hasher)) console.log(done);
 * ```
 */
export async function* hashFiles(
  files: readonly SourceFile[],
  hasher: PieceHasher,
  signal?: AbortSignal,
): AsyncGenerator<number, void, undefined> {
  const buffers = [new Uint8Array(READ_CHUNK_BYTES), new Uint8Array(READ_CHUNK_BYTES)];
  let done = 0;
  for (const file of files) {
    if (file.length === 0) continue;
    const handle = await open(file.absolutePath, 'r').catch((cause: unknown) => {
      throw new CreateTorrentError('ERR_CREATE_READ_FAILED', `cannot open ${file.absolutePath}`, { cause });
    });
    try {
      let position = 0;
      let turn = 0;
      let pending = handle.read(buffers[0] as Uint8Array, 0, Math.min(READ_CHUNK_BYTES, file.length), 0);
      while (position < file.length) {
        const { bytesRead, buffer } = await pending;
        if (bytesRead === 0) throw changed(file);
        position += bytesRead;
        turn ^= 1;
        if (position < file.length) {
          const next = Math.min(READ_CHUNK_BYTES, file.length - position);
          pending = handle.read(buffers[turn] as Uint8Array, 0, next, position);
        }
        hasher.update(buffer.subarray(0, bytesRead));
        done += bytesRead;
        signal?.throwIfAborted();
        yield done;
      }
      if ((await handle.stat()).size !== file.length) throw changed(file);
    } finally {
      await handle.close();
    }
  }
}

function changed(file: SourceFile): CreateTorrentError {
  return new CreateTorrentError('ERR_CREATE_CHANGED', `${file.absolutePath} changed size while it was being hashed`);
}
