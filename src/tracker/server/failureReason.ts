/**
 * Which errors a tracker client may see. Client mistakes and full swarms come back as their
 * message; anything else (a store outage, a bug) is logged and answered with a generic reason,
 * because its text may name hosts, files or internals.
 *
 * @module
 */
import { TrackerError } from '../../errors.js';
import type { TrackerErrorCode } from '../../errors.js';

/** The reason sent for any error that is not the client's. */
export const INTERNAL_FAILURE_REASON = 'internal error';

const CLIENT_FACING: ReadonlySet<TrackerErrorCode> = new Set<TrackerErrorCode>([
  'ERR_TRACKER_QUERY_TOO_LONG',
  'ERR_TRACKER_BAD_QUERY',
  'ERR_TRACKER_REPEATED_PARAMETER',
  'ERR_TRACKER_MISSING_PARAMETER',
  'ERR_TRACKER_BAD_PARAMETER',
  'ERR_TRACKER_BAD_INFO_HASH',
  'ERR_TRACKER_BAD_PEER_ID',
  'ERR_TRACKER_BAD_PORT',
  'ERR_TRACKER_BAD_PEER_ADDRESS',
  'ERR_TRACKER_TOO_MANY_INFO_HASHES',
  'ERR_TRACKER_TOO_MANY_SWARMS',
  'ERR_TRACKER_SWARM_FULL',
  'ERR_TRACKER_TOO_MANY_PEERS',
  'ERR_TRACKER_SWARM_RATE_LIMITED',
]);

/**
 * The `failure reason` to send for `err`, or `undefined` when it is internal (log it, send
 * {@link INTERNAL_FAILURE_REASON}).
 *
 * @example
 * ```ts
 * declare const err: unknown;
 * declare function log(err: unknown): void;
 * const reason = clientFailureReason(err) ?? (log(err), INTERNAL_FAILURE_REASON);
 * ```
 */
export function clientFailureReason(err: unknown): string | undefined {
  return err instanceof TrackerError && CLIENT_FACING.has(err.code) ? err.message : undefined;
}
