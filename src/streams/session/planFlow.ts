/**
 * What to fetch first: the user's file and range priorities and the readers' readahead windows
 * become the scheduler's piece levels and deadlines (pure cores: `pieceLevels`,
 * `readaheadWindows`).
 *
 * @module
 */
import { combineLatest, distinctUntilChanged, map, merge, Observable, of, startWith } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import { pieceLevels, wantedFiles } from '../../protocol/scheduler/pieceLevels.js';
import { readaheadWindows, type ReaderPosition } from '../../protocol/scheduler/readahead.js';
import type { PriorityChoice } from './sessionControl.js';

/** What {@link planFlow} reads. */
export interface PlanFlowInput {
  readonly torrent: Torrent;
  /** True for a piece we have. */
  readonly has: (index: number) => boolean;
  readonly priorities$: Observable<PriorityChoice>;
  readonly readers$: Observable<readonly ReaderPosition[]>;
  /** Pieces as they are written (deadlines move on). */
  readonly written$: Observable<number>;
}

/** What {@link planFlow} emits. */
export type PlanFlowOutput =
  /** Every piece's level (0 skip, 1 normal, 2 high): also what "complete" means (every piece above 0 had). */
  | {
    readonly type: 'levels';
    readonly levels: Uint8Array;
    /** Which of `torrent.files` must exist on disk (storage creates the newly wanted ones). */
    readonly files: readonly boolean[];
  }
  /** Pieces to fetch first, most urgent first. */
  | { readonly type: 'deadlines'; readonly pieces: readonly number[] };

/**
 * Plans the order of a download.
 *
 * ```
 * priorities$: p---------p'--     readers$: r---r'----
 * output:      ld--------l-d-d-   (l levels, d deadlines)
 * ```
 *
 * @param input - torrent, what we have, priorities, readers, written pieces
 * @returns levels whenever priorities or readers' windows change, deadlines whenever readers move
 *   or a piece is written
 * @example
 * ```ts
 * declare const book: ProgressBook, priorities$: PlanFlowInput['priorities$'], readers$: PlanFlowInput['readers$'], written$: PlanFlowInput['written$'];
 * planFlow({ torrent, has: (i) => book.have.has(i), priorities$, readers$, written$ }).subscribe(console.log);
 * ```
 */
export function planFlow(input: PlanFlowInput): Observable<PlanFlowOutput> {
  const { torrent } = input;
  const geometry = { pieceLength: torrent.pieceLength, pieceCount: torrent.pieceCount, has: input.has };
  const plans$ = combineLatest([input.readers$, input.written$.pipe(map(() => undefined), startWith(undefined))]).pipe(
    map(([readers]) => readaheadWindows(readers, geometry)),
  );
  const levels$ = combineLatest([input.priorities$, plans$.pipe(map((p) => p.windows), distinctUntilChanged(sameWindows))]).pipe(
    map(([choice, windows]) => {
      const levels = pieceLevels(torrent, choice.files, choice.ranges);
      const files = wantedFiles(torrent, choice.files, choice.ranges, windows);
      // A stream's window is wanted, and first: even in a file the user skipped.
      for (const w of windows) {
        const last = Math.min(torrent.pieceCount - 1, Math.floor((w.end - 1) / torrent.pieceLength));
        for (let p = Math.floor(w.start / torrent.pieceLength); p <= last; p++) levels[p] = 2;
      }
      return { levels, files };
    }),
    distinctUntilChanged((a, b) => sameBytes(a.levels, b.levels) && sameFlags(a.files, b.files)),
  );
  const deadlines$ = plans$.pipe(map((p) => p.deadlines), distinctUntilChanged(sameNumbers));
  return merge(
    levels$.pipe(map(({ levels, files }): PlanFlowOutput => ({ type: 'levels', levels, files }))),
    deadlines$.pipe(map((pieces): PlanFlowOutput => ({ type: 'deadlines', pieces }))),
  );
}

/**
 * The plan of a session with no control: every piece normal but the skipped files', no readers.
 *
 * @example
 * ```ts
 * const { priorities$, readers$ } = fixedPlan({ files: ['normal', 'skip'], ranges: [] });
 * ```
 */
export function fixedPlan(choice: PriorityChoice): { priorities$: Observable<PriorityChoice>; readers$: Observable<readonly ReaderPosition[]> } {
  return { priorities$: of(choice), readers$: of([]) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameFlags(a: readonly boolean[], b: readonly boolean[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameWindows(a: readonly { start: number; end: number }[], b: readonly { start: number; end: number }[]): boolean {
  return a.length === b.length && a.every((w, i) => w.start === b[i]?.start && w.end === b[i]?.end);
}
