/**
 * Where verified pieces go and where uploads read from. Two implementations: files on disk
 * (`openFileStorage`, the default) and memory (`memoryStorage`, tests and demos).
 *
 * @module
 */

/**
 * Positional piece I/O for one torrent. Every method may be called concurrently.
 *
 * @example
 * ```ts
 * declare const storage: PieceStorage, pieceBytes: Uint8Array;
 * await storage.writePiece(3, pieceBytes);
 * const block = await storage.readBlock(3, 16384, 16384);
 * ```
 */
export interface PieceStorage {
  /** Reads `length` bytes at `begin` inside piece `index`. */
  readBlock(index: number, begin: number, length: number): Promise<Uint8Array>;
  /**
   * Reads `target.length` bytes at `begin` inside piece `index` into `target`, every byte of it
   * (zeros where nothing was written). Optional: readers that reuse memory (the upload path's
   * read cache) use it, others fall back to {@link PieceStorage.readBlock}.
   */
  readInto?(index: number, begin: number, target: Uint8Array): Promise<void>;
  /**
   * Writes a whole verified piece at its place (spanning files as needed). `data` is lent: the
   * caller reuses the buffer once the promise settles, so an implementation that keeps the bytes
   * must copy them (`copyOf`).
   */
  writePiece(index: number, data: Uint8Array): Promise<void>;
  /**
   * Once every wanted piece is written: flush to disk and give staging files their final names.
   * Called again if more files become wanted and are complete later.
   */
  finalize(): Promise<void>;
  /**
   * Which of `torrent.files` are wanted (by index, pad files included; missing: wanted). Storages
   * that create files lazily create newly wanted ones here; optional (memory keeps everything).
   */
  want?(wanted: readonly boolean[]): Promise<void>;
  /** Releases file handles without finalizing (staging files stay for a later resume). */
  close(): Promise<void>;
}
