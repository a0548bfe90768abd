/**
 * `--dashboard[=PORT]`: the web dashboard of `rxtorrent/ui` served on loopback next to a running
 * command, fed from the same states the terminal view shows.
 *
 * @module
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observable } from 'rxjs';
import type { TrackerStats } from '../tracker/server/stats.js';
import { createDashboardApp } from '../ui/createDashboardApp.js';
import type { DashboardSource } from '../ui/dashboardState.js';

/** The address the dashboard listens on: loopback only, it has no authentication. */
export const DASHBOARD_HOST = '127.0.0.1';

/** How long closing waits for open pages' last bytes before cutting their connections. */
const CLOSE_GRACE_MS = 200;

/** A listening dashboard. */
export interface RunningDashboard {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Closes the server and every open page's stream. */
  close(): Promise<void>;
}

/** Options of {@link startDashboard}. */
export interface StartDashboardConfig {
  /** 0: any free port. */
  readonly port: number;
  readonly title?: string;
  readonly tracker$?: Observable<TrackerStats>;
  /** Where the URL line goes (stderr: stdout is for `--json`). */
  readonly out: NodeJS.WritableStream;
}

/**
 * Serves the dashboard of `state$` on loopback and prints `dashboard: URL`.
 *
 * @param state$ - a hot stream of states (every page subscribes to it)
 * @returns once listening
 * @example
 * ```ts
 * declare const states$: import('rxjs').Observable<SessionState>;
 * const board = await startDashboard(states$, { port: 0, out: process.stderr });
 * await board.close();
 * ```
 */
export async function startDashboard(state$: Observable<DashboardSource>, config: StartDashboardConfig): Promise<RunningDashboard> {
  const app = createDashboardApp(state$, { title: config.title, tracker$: config.tracker$ });
  app.silent = true;
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, DASHBOARD_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${DASHBOARD_HOST}:${(server.address() as AddressInfo).port}/`;
  config.out.write(`dashboard: ${url}\n`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Streams that just ended (their source completed) get a moment to flush; the rest are cut.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      }),
  };
}
