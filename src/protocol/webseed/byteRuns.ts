/**
 * Block requests as HTTP ranges: the scheduler asks for 16 KiB blocks; a web seed is asked for
 * contiguous runs of them (HTTP prefers few long ranges), each split at file boundaries.
 *
 * @module
 */
import { fileSpans, type Torrent } from '../metainfo/index.js';
import type { BlockRef } from '../scheduler/index.js';

/** Contiguous blocks: `length` bytes at `offset` of the torrent's concatenated content. */
export interface ByteRun {
  readonly offset: number;
  readonly length: number;
  /** The blocks it covers, in order. */
  readonly blocks: readonly BlockRef[];
}

/** One HTTP range of a run: `length` bytes at `fileOffset` of file `fileIndex` (a pad file: zeros, not fetched). */
export interface FileRange {
  readonly fileIndex: number;
  readonly fileOffset: number;
  readonly length: number;
  readonly pad: boolean;
}

/**
 * The first run of `blocks`: the lowest block and those that follow it without a gap, up to
 * `maxBytes` (at least one block).
 *
 * @param blocks - requested blocks, any order
 * @param pieceLength - the torrent's piece length
 * @param maxBytes - most bytes per run
 * @returns the run, or undefined for no blocks
 * @example
 * ```ts
 * firstRun([{ index: 0, begin: 16384, length: 16384 }, { index: 0, begin: 0, length: 16384 }], 32768, 4 << 20); // offset 0, length 32768
 * ```
 */
export function firstRun(blocks: Iterable<BlockRef>, pieceLength: number, maxBytes: number): ByteRun | undefined {
  const at = (b: BlockRef): number => b.index * pieceLength + b.begin;
  const sorted = [...blocks].sort((a, b) => at(a) - at(b));
  const head = sorted[0];
  if (head === undefined) return undefined;
  const run: BlockRef[] = [head];
  let end = at(head) + head.length;
  for (const block of sorted.slice(1)) {
    if (at(block) !== end || end + block.length - at(head) > maxBytes) break;
    run.push(block);
    end += block.length;
  }
  return { offset: at(head), length: end - at(head), blocks: run };
}

/**
 * The per-file ranges of a run, in order (empty files skipped).
 *
 * @param torrent - the file layout
 * @param run - a run from {@link firstRun}
 * @returns one range per file the run touches
 * @example
 * ```ts
 * fileRangesOf(torrent, { offset: 0, length: 65536 }); // [{ fileIndex: 0, fileOffset: 0, length: 100, pad: false }, …]
 * ```
 */
export function fileRangesOf(torrent: Pick<Torrent, 'files'>, run: Pick<ByteRun, 'offset' | 'length'>): FileRange[] {
  return fileSpans(torrent.files, run.offset, run.length).map((span) => ({
    fileIndex: span.fileIndex, fileOffset: span.fileOffset, length: span.length, pad: torrent.files[span.fileIndex]?.pad === true,
  }));
}
