/**
 * The scrape step (BEP 48) between parsing and encoding.
 *
 * @see https://www.bittorrent.org/beps/bep_0048.html
 * @module
 */
import type { ScrapeFile } from '../../protocol/tracker/reply.js';
import type { ScrapeRequest } from '../../protocol/tracker/scrapeRequest.js';
import type { SwarmStore } from '../store/swarmStore.js';

/**
 * Handles a parsed scrape: the counts of every info-hash asked for (zeros for unknown ones).
 *
 * @param store - where the swarms live.
 * @param request - from `parseScrapeQuery`.
 * @param now - time of the request, ms since the epoch.
 * @returns one entry per info-hash, to encode with `encodeScrapeReply`.
 * @example
 * ```ts
 * declare const store: SwarmStore, raw: string;
 * const files = await handleScrape(store, parseScrapeQuery(raw), Date.now());
 * ```
 */
export async function handleScrape(store: SwarmStore, request: ScrapeRequest, now: number): Promise<ScrapeFile[]> {
  return store.scrape(request.infoHashes, now);
}
