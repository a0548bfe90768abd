/**
 * The scrape request (BEP 48): one or more `info_hash` parameters, parsed bytewise.
 *
 * @see https://www.bittorrent.org/beps/bep_0048.html
 * @module
 */
import { TrackerError } from '../../errors.js';
import { DEFAULT_MAX_SCRAPE_INFO_HASHES, parseQueryString, twentyBytes } from './query.js';
import type { QueryLimits } from './query.js';

/** A valid scrape: distinct info-hashes, in the order first given. */
export interface ScrapeRequest {
  readonly infoHashes: readonly Uint8Array[];
}

/** Options of {@link parseScrapeQuery}. */
export interface ScrapeQueryOptions extends QueryLimits {
  /** Most info-hashes in one scrape. @default 64 */
  readonly maxInfoHashes?: number;
}

/**
 * Parses a scrape query string. A full scrape (no `info_hash`) is refused: on a large tracker it
 * is an expensive dump of every swarm, and BEP 48 lets a tracker decline it.
 *
 * @param raw - the raw query string.
 * @param options - caps.
 * @returns the distinct info-hashes asked for.
 * @throws {@link TrackerError} `ERR_TRACKER_MISSING_PARAMETER`, `ERR_TRACKER_BAD_INFO_HASH`,
 *   `ERR_TRACKER_TOO_MANY_INFO_HASHES` or a query-string code; the message is a fit `failure reason`.
 * @example
 * ```ts
 * parseScrapeQuery('info_hash=%AA...&info_hash=%BB...').infoHashes.length; // 2
 * ```
 */
export function parseScrapeQuery(raw: string, options: ScrapeQueryOptions = {}): ScrapeRequest {
  const max = options.maxInfoHashes ?? DEFAULT_MAX_SCRAPE_INFO_HASHES;
  const values = parseQueryString(raw, options).get('info_hash') ?? [];
  if (values.length === 0) {
    throw new TrackerError('ERR_TRACKER_MISSING_PARAMETER', 'info_hash is missing (full scrape is not supported)');
  }
  if (values.length > max) {
    throw new TrackerError('ERR_TRACKER_TOO_MANY_INFO_HASHES', `at most ${max} info_hash values per scrape`);
  }
  const seen = new Set<string>();
  const infoHashes: Uint8Array[] = [];
  for (const value of values) {
    const infoHash = twentyBytes(value, 'info_hash', 'ERR_TRACKER_BAD_INFO_HASH');
    const key = String.fromCharCode(...infoHash);
    if (!seen.has(key)) infoHashes.push(infoHash);
    seen.add(key);
  }
  return { infoHashes };
}
