/**
 * A run of blocks from one web seed: one `Range` GET per file the run touches, the bytes cut
 * into the blocks the scheduler asked for as they arrive.
 *
 * @module
 */
import { concat, defer, mergeMap, Observable, of } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { BlockRef } from '../../protocol/scheduler/index.js';
import { fileRangesOf, webSeedFileUrl, type ByteRun } from '../../protocol/webseed/index.js';
import { httpRange, type HttpRangeOptions } from './httpRange.js';

/** What {@link fetchRun} emits: whole blocks, and a note when a server ignored `Range`. */
export type RunEvent =
  | { readonly type: 'block'; readonly block: BlockRef; readonly data: Uint8Array }
  | { readonly type: 'whole-body' };

/**
 * Fetches a run's blocks from the web seed at `base` (a `url-list` entry). Pad files are zeros
 * and not fetched.
 *
 * @param torrent - name, layout and files
 * @param base - the web seed's URL
 * @param run - contiguous blocks
 * @param options - HTTP agents, timeouts, redirects
 * @returns each block once complete, in order; errors with the first failed request
 * @example
 * ```ts
 * declare const blocks: readonly BlockRef[], options: HttpRangeOptions;
 * declare function use(event: RunEvent): void;
 * fetchRun(torrent, 'http://127.0.0.1:8080/', firstRun(blocks, torrent.pieceLength, 4 << 20)!, options).subscribe((e) => e.type === 'block' && use(e));
 * ```
 */
export function fetchRun(torrent: Pick<Torrent, 'name' | 'multiFile' | 'files'>, base: string, run: ByteRun, options: HttpRangeOptions): Observable<RunEvent> {
  return defer(() => {
    const bytes$ = concat(...fileRangesOf(torrent, run).map((range) => (range.pad
      ? of({ type: 'data' as const, data: new Uint8Array(range.length) })
      : httpRange(webSeedFileUrl(base, torrent, range.fileIndex), range.fileOffset, range.length, options))));
    let blockIndex = 0;
    let current: Uint8Array | undefined;
    let filled = 0;
    return bytes$.pipe(
      mergeMap((event) => {
        if (event.type === 'whole-body') return of(event);
        const out: RunEvent[] = [];
        let data = event.data;
        while (data.length > 0) {
          const block = run.blocks[blockIndex];
          if (block === undefined) break;
          current ??= new Uint8Array(block.length);
          const take = Math.min(block.length - filled, data.length);
          current.set(data.subarray(0, take), filled);
          filled += take;
          data = data.subarray(take);
          if (filled === block.length) {
            out.push({ type: 'block', block, data: current });
            blockIndex++;
            current = undefined;
            filled = 0;
          }
        }
        return out;
      }),
    );
  });
}
