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
 * await storage.writePiece(3, pieceBytes);
 * const block = await storage.readBlock(3, 16384, 16384);
 * ```
 */
export interface PieceStorage {
  /** Reads `length` bytes at `begin` inside piece `index`. */
  readBlock(index: number, begin: number, length: number): Promise<Uint8Array>;
  /**
   * Writes a whole verified piece at its place (spanning files as needed). `data` is lent: the
   * caller reuses the buffer once the promise settles, so an implementation that keeps the bytes
   * must copy them (`copyOf`).
   */
  writePiece(index: number, data: Uint8Array): Promise<void>;
  /** After the last piece: flush to disk and give staging files their final names. */
  finalize(): Promise<void>;
  /** Releases file handles without finalizing (staging files stay for a later resume). */
  close(): Promise<void>;
}
