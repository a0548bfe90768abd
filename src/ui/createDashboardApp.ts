/**
 * `createDashboardApp(state$)`: a koa app serving a live web dashboard of a stream of session or
 * client states. The page (HTML, CSS, script) ships inside the package; nothing is loaded from
 * elsewhere.
 *
 * @module
 */
import Koa from 'koa';
import type { Context } from 'koa';
import { Router } from '@koa/router';
import { defer, map, ReplaySubject, share, tap, type Observable } from 'rxjs';
import type { TrackerStats } from '../tracker/server/stats.js';
import { asClientState, DASHBOARD_RATE_SAMPLES, dashboardState, type DashboardRateSample, type DashboardSource } from './dashboardState.js';
import { dashboardHtml, DASHBOARD_CSS } from './page/dashboardPage.js';
import { DASHBOARD_APP_SCRIPT } from './page/dashboardScript.js';
import { sse, type SseConfig } from './sse.js';
import type { DashboardState } from './dashboardState.js';

/** Options of {@link createDashboardApp}. */
export interface DashboardConfig {
  /** Heading and tab title. @default 'rxtorrent' */
  readonly title?: string;
  /** A tracker's stats to show beside the sessions, e.g. {@link pollTrackerStats}. @default none */
  readonly tracker$?: Observable<TrackerStats>;
  /** Event-stream options: heartbeat, retry delay, scheduler. */
  readonly events?: Pick<SseConfig<DashboardState>, 'heartbeatMs' | 'retryMs' | 'scheduler'>;
}

/** No script, style, connection or image from anywhere but this app. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/**
 * Creates the dashboard app. Routes (relative, so the app can be mounted under a prefix ending
 * in `/`): `GET /` the page, `GET /dashboard.js`, `GET /dashboard.css`, and `GET /events`, a
 * Server-Sent Events stream of {@link DashboardState} (JSON) with latest-value semantics (see
 * {@link sse}). The page renders overall progress, a rates-over-time chart, the tracker's stats
 * when `tracker$` is given, and per session a progress bar, a canvas piece map and a peers
 * table; it reconnects whenever the stream drops.
 *
 * All pages share one subscription to `state$` (a new page gets the latest state at once). It
 * starts when the app is made, so that the app keeps the rates of the last
 * {@link DASHBOARD_RATE_SAMPLES} states and a page, however late it opens, draws its chart at
 * once (`rateHistory` of its first message); it ends when `state$` does (its last state is then
 * kept for any page that opens later). Pass a hot stream — e.g. a `Subject` the
 * session's own subscriber feeds, or `shareReplay(1)` — never a cold `download(...)` that would
 * start the torrent when a page opens. The app never listens: mount it or pass `app.callback()`
 * to `http.createServer`.
 *
 * ```
 * state$:   s1────s2────s3──
 * page A:   ─(s1)─s2────s3──     (connected before s1)
 * page B:   ──────────(s2)s3──   (joins late, gets the latest at once)
 * ```
 *
 * @param state$ - one session's states, or client states (several sessions with totals)
 * @param config - title, tracker stats, event-stream options
 * @returns the koa app
 * @example
 * ```ts
 * import http from 'node:http';
 * const states$ = new ReplaySubject<SessionState>(1);
 * download(torrent, { path: 'downloads/' + torrent.name }).subscribe(states$);
 * http.createServer(createDashboardApp(states$).callback()).listen(8080, '127.0.0.1');
 * ```
 */
export function createDashboardApp(state$: Observable<DashboardSource>, config: DashboardConfig = {}): Koa {
  const title = config.title ?? 'rxtorrent';
  // One subscription to state$ from now on, page or not, keeps the rates history; the tracker's
  // stats are polled only while a page is open. An error ends it (pages resubscribe by themselves).
  const rates: DashboardRateSample[] = [];
  const source$ = state$.pipe(
    tap((s) => {
      const { downloadRate, uploadRate } = asClientState(s);
      rates.push({ down: downloadRate, up: uploadRate });
      if (rates.length > DASHBOARD_RATE_SAMPLES) rates.shift();
    }),
    share({ connector: () => new ReplaySubject<DashboardSource>(1), resetOnError: true, resetOnComplete: false, resetOnRefCountZero: false }),
  );
  source$.subscribe({ error: () => undefined });
  const shared$ = dashboardState(source$, config.tracker$).pipe(
    // A page that opens after the source completed still gets its final state.
    share({ connector: () => new ReplaySubject<DashboardState>(1), resetOnError: true, resetOnComplete: false, resetOnRefCountZero: true }),
  );
  const events = sse(defer(() => shared$.pipe(map((s, i) => (i === 0 ? { ...s, rateHistory: rates.slice() } : s)))), config.events);
  const html = dashboardHtml(title);
  const app = new Koa();
  const router = new Router();
  const asset = (type: string, body: string) => (ctx: Context): void => {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-cache');
    ctx.type = type;
    ctx.body = body;
  };
  router.get('/', asset('text/html; charset=utf-8', html));
  router.get('/dashboard.js', asset('text/javascript; charset=utf-8', DASHBOARD_APP_SCRIPT));
  router.get('/dashboard.css', asset('text/css; charset=utf-8', DASHBOARD_CSS));
  router.get('/events', events);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
