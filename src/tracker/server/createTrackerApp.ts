/**
 * The HTTP tracker as a koa app: `GET /announce` (BEP 3, 7, 23), `GET /scrape` (BEP 48) and
 * `GET /stats` (JSON). Each route is parse → handle → encode over the raw query string.
 *
 * @module
 */
import Koa from 'koa';
import type { Context } from 'koa';
import { Router } from '@koa/router';
import { parseAnnounceQuery } from '../../protocol/tracker/announceRequest.js';
import { DEFAULT_MAX_QUERY_PARAMETERS } from '../../protocol/tracker/query.js';
import { encodeAnnounceReply, encodeFailure, encodeScrapeReply } from '../../protocol/tracker/reply.js';
import { parseScrapeQuery } from '../../protocol/tracker/scrapeRequest.js';
import { clientFailureReason, INTERNAL_FAILURE_REASON } from './failureReason.js';
import { handleAnnounce } from './handleAnnounce.js';
import { handleScrape } from './handleScrape.js';
import { readStats } from './stats.js';
import { resolveTracker } from './trackerConfig.js';
import type { TrackerComponents, TrackerConfig } from './trackerConfig.js';

function sendBencoded(ctx: Context, body: Uint8Array): void {
  ctx.status = 200;
  ctx.type = 'text/plain';
  // Replies depend on the swarm at this moment; a cached one would hand out stale peers.
  ctx.set('Cache-Control', 'no-store');
  ctx.body = Buffer.from(body.buffer, body.byteOffset, body.length);
}

/**
 * Creates the tracker's koa app. It never listens: mount it or pass `app.callback()` to
 * `http.createServer`, so tests and embedders choose host, port and TLS.
 *
 * Client errors (a bad query, a full swarm) are answered with HTTP 200 and a bencoded
 * `failure reason`, as BitTorrent clients expect. Any other error is logged through
 * `components.logger` and answered `failure reason: internal error`: its text never leaves the
 * process, and no request gets a 500.
 *
 * @param config - intervals, limits and address policy; see {@link TrackerConfig} for defaults.
 * @param components - the swarm store (default: a fresh `memoryStore`), clock and logger.
 * @returns the app; close its store yourself when done (`components.store.close()`).
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for an invalid option.
 * @example
 * ```ts
 * import http from 'node:http';
 * const app = createTrackerApp({ interval: 300 });
 * http.createServer(app.callback()).listen(8000, '0.0.0.0');
 * // announce URL: http://host:8000/announce
 * ```
 */
export function createTrackerApp(config: TrackerConfig = {}, components: TrackerComponents = {}): Koa {
  const tracker = resolveTracker(config, components);
  const { store, now, logger, counters } = tracker;
  const startedMs = now();
  const app = new Koa();
  // Behind our own proxy, the last X-Forwarded-For entry is the one it added; earlier ones are the client's word.
  app.proxy = tracker.trustProxy;
  app.maxIpsCount = tracker.trustProxy ? 1 : 0;

  const failure = (ctx: Context, err: unknown): void => {
    counters.failures++;
    let reason = clientFailureReason(err);
    if (reason === undefined) {
      reason = INTERNAL_FAILURE_REASON;
      try {
        logger.error(`tracker: ${ctx.path} failed`, err);
      } catch {
        // A broken logger must not turn a failure reply into a 500.
      }
    }
    sendBencoded(ctx, encodeFailure(reason));
  };

  const router = new Router();
  router.get('/announce', async (ctx) => {
    try {
      const request = parseAnnounceQuery(ctx.querystring, { address: ctx.ip }, {
        maxLength: tracker.maxQueryLength,
        maxParameters: DEFAULT_MAX_QUERY_PARAMETERS,
        allowIpParam: tracker.allowIpParam,
        defaultNumwant: tracker.defaultNumwant,
        maxNumwant: tracker.maxNumwant,
      });
      const reply = await handleAnnounce(store, request, {
        interval: tracker.interval, minInterval: tracker.minInterval, now: now(), source: ctx.ip, swarmCreation: tracker.swarmCreation,
      });
      sendBencoded(ctx, encodeAnnounceReply(reply, request));
      counters.announces++;
    } catch (err) {
      failure(ctx, err);
    }
  });
  router.get('/scrape', async (ctx) => {
    try {
      const request = parseScrapeQuery(ctx.querystring, {
        maxLength: tracker.maxQueryLength,
        // Room for every allowed info_hash plus the odd extra parameter.
        maxParameters: Math.max(DEFAULT_MAX_QUERY_PARAMETERS, 2 * tracker.maxScrapeInfoHashes),
        maxInfoHashes: tracker.maxScrapeInfoHashes,
      });
      sendBencoded(ctx, encodeScrapeReply(await handleScrape(store, request, now())));
      counters.scrapes++;
    } catch (err) {
      failure(ctx, err);
    }
  });
  router.get('/stats', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await readStats(store, counters, startedMs, now());
  });

  // The outermost guard: whatever escapes a route (a store failing /stats, a router bug) is
  // logged and answered without its text and without a 500.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      failure(ctx, err);
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
