/**
 * A read cache for the upload path. Peers ask for 16 KiB blocks, usually in order within a
 * piece; reading each one from disk costs a thread-pool round trip (measured: 1 GiB in 16 KiB
 * reads took 2.1 s, in 1 MiB reads 0.26 s). So blocks are served from aligned windows of up to
 * 1 MiB, read once and kept in a small LRU bounded in bytes. Concurrent requests for one window
 * share its read.
 *
 * @module
 */
import { pieceSize, type Torrent } from '../../protocol/metainfo/index.js';
import type { PieceStorage } from './pieceStorage.js';

/** Largest window read at once. */
export const READ_WINDOW_BYTES = 1024 * 1024;
/** Default bound of the cache. */
export const DEFAULT_READ_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Wraps `storage.readBlock` with a windowed LRU cache.
 *
 * @param torrent - piece geometry
 * @param storage - where the data is
 * @param maxBytes - most bytes cached
 * @returns a `readBlock` with the same contract (it returns a view into a cached window: callers
 *   must not change it)
 * @example
 * ```ts
 * const readBlock = cachedReader(torrent, storage);
 * const block = await readBlock(3, 16384, 16384);
 * ```
 */
export function cachedReader(
  torrent: Pick<Torrent, 'pieceLength' | 'length' | 'pieceCount'>,
  storage: Pick<PieceStorage, 'readBlock'>,
  maxBytes = DEFAULT_READ_CACHE_BYTES,
): PieceStorage['readBlock'] {
  const windowBytes = Math.min(torrent.pieceLength, READ_WINDOW_BYTES);
  const cache = new Map<string, Promise<Uint8Array>>();
  let cachedBytes = 0;
  const sizes = new Map<string, number>();

  const evict = (): void => {
    for (const key of cache.keys()) {
      if (cachedBytes <= maxBytes) return;
      cache.delete(key);
      cachedBytes -= sizes.get(key) ?? 0;
      sizes.delete(key);
    }
  };

  return (index, begin, length) => {
    const window = Math.floor(begin / windowBytes);
    const start = window * windowBytes;
    const size = index >= 0 && index < torrent.pieceCount ? pieceSize(torrent, index) : 0;
    const end = Math.min(start + windowBytes, size);
    // Out of range, or straddling two windows: read directly (storage checks the range).
    if (begin + length > end || length <= 0) return storage.readBlock(index, begin, length);
    const key = `${index}:${window}`;
    let data = cache.get(key);
    if (data === undefined) {
      data = storage.readBlock(index, start, end - start);
      cache.set(key, data);
      sizes.set(key, end - start);
      cachedBytes += end - start;
      const failed = data;
      // A failed read is not cached: the next request tries the disk again.
      data.catch(() => {
        if (cache.get(key) !== failed) return;
        cache.delete(key);
        cachedBytes -= sizes.get(key) ?? 0;
        sizes.delete(key);
      });
      evict();
    } else {
      // Refresh its place in the LRU order.
      cache.delete(key);
      cache.set(key, data);
    }
    return data.then((bytes) => bytes.subarray(begin - start, begin - start + length));
  };
}
