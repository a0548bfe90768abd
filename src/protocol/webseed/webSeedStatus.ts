/**
 * A web seed's standing, as a pure state machine: how each request ended decides whether the
 * server is used, rested (back-off) or dropped for the session, and why.
 *
 * @module
 */

/** Where a web seed stands. */
export type WebSeedStatus =
  /** Serving (or not asked yet). */
  | { readonly type: 'active'; readonly failures: number }
  /** Resting until `until` (ms on the session clock) after `failures` failures in a row. */
  | { readonly type: 'backoff'; readonly until: number; readonly failures: number; readonly reason: string }
  /** Not used again this session. */
  | { readonly type: 'dropped'; readonly reason: string };

/** How a request ended. */
export type WebSeedOutcome =
  | { readonly type: 'ok' }
  /** An HTTP status other than 200/206, with its `Retry-After` in ms if any. */
  | { readonly type: 'status'; readonly status: number; readonly retryAfterMs?: number }
  /** Timeouts, resets, refused connections, short bodies. */
  | { readonly type: 'transient'; readonly reason: string }
  /** The server cannot be used (a bad redirect, a wrong range). */
  | { readonly type: 'fatal'; readonly reason: string }
  /** A piece it sent alone failed its hash. */
  | { readonly type: 'corrupt'; readonly index: number };

/** Failures in a row after which a server is dropped. */
export const MAX_WEBSEED_FAILURES = 6;
/** First back-off; it doubles per failure in a row. */
export const WEBSEED_BACKOFF_MS = 2000;
/** Longest back-off (a longer `Retry-After` is capped to it). */
export const MAX_WEBSEED_BACKOFF_MS = 120_000;

/** The first status of a web seed. */
export const WEBSEED_ACTIVE: WebSeedStatus = { type: 'active', failures: 0 };

/**
 * The status after a request's outcome.
 *
 * @param status - the current status
 * @param outcome - how the request ended
 * @param now - the session clock (ms)
 * @returns the new status (a dropped server stays dropped)
 * @example
 * ```ts
 * nextWebSeedStatus(WEBSEED_ACTIVE, { type: 'status', status: 503, retryAfterMs: 5000 }, 0); // backoff until 5000
 * nextWebSeedStatus(WEBSEED_ACTIVE, { type: 'status', status: 404 }, 0); // dropped: HTTP 404
 * ```
 */
export function nextWebSeedStatus(status: WebSeedStatus, outcome: WebSeedOutcome, now: number): WebSeedStatus {
  if (status.type === 'dropped') return status;
  switch (outcome.type) {
    case 'ok': return WEBSEED_ACTIVE;
    case 'corrupt': return { type: 'dropped', reason: `piece ${outcome.index} failed its hash` };
    case 'fatal': return { type: 'dropped', reason: outcome.reason };
    case 'status':
      if (outcome.status === 429 || outcome.status >= 500) return backoff(status, `HTTP ${outcome.status}`, now, outcome.retryAfterMs);
      return { type: 'dropped', reason: `HTTP ${outcome.status}` };
    case 'transient': return backoff(status, outcome.reason, now);
  }
}

function backoff(status: WebSeedStatus, reason: string, now: number, retryAfterMs?: number): WebSeedStatus {
  const failures = (status.type === 'dropped' ? 0 : status.failures) + 1;
  if (failures >= MAX_WEBSEED_FAILURES) return { type: 'dropped', reason: `${reason} (${failures} failures in a row)` };
  const wait = Math.min(MAX_WEBSEED_BACKOFF_MS, retryAfterMs ?? WEBSEED_BACKOFF_MS * 2 ** (failures - 1));
  return { type: 'backoff', until: now + wait, failures, reason };
}

/**
 * `Retry-After` in ms: delay-seconds or an HTTP date (relative to `now`, ms since the epoch).
 *
 * @param value - the header, if any
 * @param now - the wall clock (ms since the epoch)
 * @returns ms to wait, or undefined when absent or unreadable
 * @example
 * ```ts
 * parseRetryAfter('120', Date.now()); // 120000
 * ```
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d{1,9}\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
