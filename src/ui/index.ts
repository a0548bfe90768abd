/**
 * `rxtorrent/ui`: serve any observable as Server-Sent Events (`sse`), a live web dashboard
 * of session or client states (`createDashboardApp`), and the files of running torrents over
 * HTTP with `Range` while they download (`createStreamApp`). These are koa middleware/apps that
 * never listen by themselves; `createStreamServer` listens (on loopback by default).
 *
 * @module
 */
export { sse, sseFrame } from './sse.js';
export type { SseConfig } from './sse.js';
export { createDashboardApp } from './createDashboardApp.js';
export type { DashboardConfig } from './createDashboardApp.js';
export { asClientState, dashboardState, DASHBOARD_RATE_SAMPLES } from './dashboardState.js';
export type { DashboardRateSample, DashboardSource, DashboardState } from './dashboardState.js';
export { pollTrackerStats } from './pollTrackerStats.js';
export type { PollTrackerStatsConfig } from './pollTrackerStats.js';
export { createStreamApp } from './stream/createStreamApp.js';
export type { StreamAppConfig } from './stream/createStreamApp.js';
export { createStreamServer } from './stream/createStreamServer.js';
export type { StreamServer, StreamServerConfig } from './stream/createStreamServer.js';
export type { StreamSource } from './stream/streamSource.js';
export type { StreamIndexEntry } from './stream/streamIndex.js';
export { decideRange } from './stream/byteRanges.js';
export type { RangeDecision } from './stream/byteRanges.js';
export { contentTypeOf } from './stream/contentType.js';
export { dashboardHtml, DASHBOARD_CSS } from './page/dashboardPage.js';
export { DASHBOARD_APP_SCRIPT } from './page/dashboardScript.js';

// The states the dashboard renders (also part of the main entry's client API).
export { clientState, summarizeSessions } from '../streams/client/clientState.js';
export type { ClientState, ClientStateConfig } from '../streams/client/clientState.js';
export { PIECE_MAP_CELLS } from '../streams/session/sessionState.js';
export type { PeerView, SessionState, SessionStatus, TrackerView } from '../streams/session/sessionState.js';
export type { TrackerStats } from '../tracker/server/stats.js';
