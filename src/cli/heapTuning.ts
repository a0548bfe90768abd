/**
 * V8 tuning for the peer processes of the command line (`download`, `seed` and the demo's
 * children), so that their memory does not grow with how long a transfer runs. A transfer
 * allocates a steady stream of short-lived objects (messages, commands, block views) and a
 * smaller stream that outlives a few scavenges (blocks of pending pieces, their bookkeeping)
 * before it dies. Left to its defaults, V8 grows both generations with the run:
 *
 * - the young generation doubles each time the bytes surviving scavenges add up to its size, so a
 *   long transfer ends with 16 MiB semi-spaces where a short one stays at 1–8 (measured: 16 MiB
 *   more private memory for 1 GiB than for 256 MiB). `--semi-space-growth-factor=1` holds it at
 *   its initial size, for about 0.25 s more of scavenging per GiB.
 * - the old generation's next major collection is set at least 8 MiB above the live heap, so the
 *   promoted garbage of a 1 GiB download piled up to 17 MiB of heap over a 9 MiB live set (one
 *   major collection in the whole run) while a 256 MiB one ended before reaching that.
 *   `--optimize-for-size` lowers that step to 2 MiB and shrinks the heap after each collection;
 *   measured on a 1 GiB download: 3 major collections instead of 1, peak private memory 32 MiB
 *   instead of 35, the same CPU time within the noise.
 *
 * This is the application's choice, so the library never calls it; and a user who tunes either
 * generation themselves (on the command line or in `NODE_OPTIONS`) is left alone for that one.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flag that holds the young generation at its initial size. */
export const HOLD_YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/** The V8 flag that collects the old generation in small steps over its live size. */
export const SMALL_OLD_GENERATION_FLAG = '--optimize-for-size';

/** Which of the two tunings {@link tunePeerHeap} applied. */
export interface HeapTuning {
  /** {@link HOLD_YOUNG_GENERATION_FLAG} was set (no semi-space flag of the user's). */
  youngGeneration: boolean;
  /** {@link SMALL_OLD_GENERATION_FLAG} was set (no old-space or optimize-for-size flag of the user's). */
  oldGeneration: boolean;
}

/**
 * Tunes V8 for a long-running transfer (see the module's text), leaving alone each generation
 * the user tuned with a flag of their own. Call it before the library loads.
 *
 * @param execArgv - the node flags the process was started with
 * @param nodeOptions - the `NODE_OPTIONS` it was started with
 * @returns which tunings were applied
 * @example
 * ```ts
 * tunePeerHeap(); // first thing in a long-running peer process
 * ```
 */
export function tunePeerHeap(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
): HeapTuning {
  const flags = [...execArgv, nodeOptions];
  const userSays = (pattern: RegExp): boolean => flags.some((flag) => pattern.test(flag));
  const youngGeneration = !userSays(/semi[-_]space/);
  const oldGeneration = !userSays(/old[-_]space|optimize[-_]for[-_]size|heap[-_]growing/);
  if (youngGeneration) setFlagsFromString(HOLD_YOUNG_GENERATION_FLAG);
  if (oldGeneration) setFlagsFromString(SMALL_OLD_GENERATION_FLAG);
  return { youngGeneration, oldGeneration };
}
