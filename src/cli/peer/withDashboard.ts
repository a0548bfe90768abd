/**
 * `--dashboard[=PORT]` beside a peer command. The web server (koa) is loaded only when asked for,
 * so a plain download does not pay for it.
 *
 * @module
 */
import { lastValueFrom, shareReplay, Subject, tap, type Observable } from 'rxjs';
import { clientState } from '../../streams/client/clientState.js';
import type { SessionState } from '../../streams/session/sessionState.js';
import type { SessionView } from '../sessionView.js';
import { runSession } from './runSession.js';

/**
 * Puts a dashboard beside a command's session states: returns the states to run (the same
 * ones, also fed to the dashboard) and a way to close it. Without a port it changes nothing.
 *
 * ```
 * states$:          a1──b1──a2──|
 * returned states$: a1──b1──a2──|        (the same values)
 * dashboard:        {a1}─{a1,b1}─{a2,b1}  (client states, at most 4 a second)
 * ```
 *
 * @param states$ - one or several sessions' states (merged)
 * @param port - `--dashboard`'s port, undefined for none
 * @param out - where the URL line goes
 * @example
 * ```ts
 * declare const states$: import('rxjs').Observable<SessionState>, options: { dashboard?: string | true }, view: SessionView;
 * const board = await withDashboard(states$, dashboardPort(options.dashboard), process.stderr);
 * process.exitCode = await runSession(board.states$, view);
 * await board.close();
 * ```
 */
export async function withDashboard(
  states$: Observable<SessionState>,
  port: number | undefined,
  out: NodeJS.WritableStream,
): Promise<{ readonly states$: Observable<SessionState>; close(): Promise<void> }> {
  if (port === undefined) return { states$, close: async () => undefined };
  const hub = new Subject<SessionState>();
  // One table of sessions for every page; it lives as long as the command.
  const board$ = clientState(hub).pipe(shareReplay({ bufferSize: 1, refCount: false }));
  // Completes after the last snapshot went out (the throttle delivers it within its interval).
  const drained = lastValueFrom(board$, { defaultValue: undefined });
  const { startDashboard } = await import('../dashboard.js');
  const dashboard = await startDashboard(board$, { port, out });
  return {
    states$: states$.pipe(tap((s) => hub.next(s))),
    close: async () => {
      hub.complete();
      await drained;
      await dashboard.close();
    },
  };
}

/**
 * Runs a peer command's sessions to their exit code, with `--dashboard`'s page beside them when
 * a port is given (closed once the sessions end).
 *
 * @param states$ - one or several sessions' states (merged)
 * @param port - `--dashboard`'s port, undefined for none
 * @param view - the terminal view
 * @returns the exit code of {@link runSession}
 * @example
 * ```ts
 * declare const config: DownloadConfig, options: { dashboard?: string | true }, view: SessionView;
 * process.exitCode = await runWithDashboard(download(torrent, config), dashboardPort(options.dashboard), view);
 * ```
 */
export async function runWithDashboard(states$: Observable<SessionState>, port: number | undefined, view: SessionView): Promise<number> {
  const board = await withDashboard(states$, port, process.stderr);
  try {
    return await runSession(board.states$, view);
  } finally {
    await board.close();
  }
}
