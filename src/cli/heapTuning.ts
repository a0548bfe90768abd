/**
 * V8 tuning for the peer processes of the command line (`download`, `seed` and the demo's
 * children). A transfer allocates a steady stream of short-lived objects (messages, commands,
 * block views); V8 doubles its young generation each time the bytes surviving scavenges add up
 * to its size, so a long transfer ends with 16 MiB semi-spaces where a short one stays at 1–8:
 * measured, the heap alone made a 1 GiB download's private memory 16 MiB larger than a 256 MiB
 * one's. Holding the young generation at its initial size keeps memory independent of how long
 * the transfer runs, for about 0.25 s more of scavenging per GiB on a main thread that waits on
 * the disk half of the time.
 *
 * This is the application's choice, so the library never calls it; and a user who tunes the young
 * generation themselves (`--max-semi-space-size` and friends, on the command line or in
 * `NODE_OPTIONS`) is left alone.
 *
 * @module
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flag set by {@link holdYoungGeneration}. */
export const HOLD_YOUNG_GENERATION_FLAG = '--semi-space-growth-factor=1';

/**
 * Stops V8's young generation from growing beyond its current size, unless the process was
 * started with a flag of its own about semi-spaces.
 *
 * @param execArgv - the node flags the process was started with
 * @param nodeOptions - the `NODE_OPTIONS` it was started with
 * @returns true when the flag was set
 * @example
 * ```ts
 * holdYoungGeneration(); // first thing in a long-running peer process
 * ```
 */
export function holdYoungGeneration(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
): boolean {
  if ([...execArgv, nodeOptions].some((flag) => /semi[-_]space/.test(flag))) return false;
  setFlagsFromString(HOLD_YOUNG_GENERATION_FLAG);
  return true;
}
