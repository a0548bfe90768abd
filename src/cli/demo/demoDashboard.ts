/**
 * The demo's `--dashboard`: the demo process sees its children only through their `--json`
 * lines, so the dashboard is fed from those — one session per child, labelled with its role —
 * and from the tracker child's `/stats`.
 *
 * @module
 */
import { map, merge, type Observable } from 'rxjs';
import { clientState, type ClientState } from '../../streams/client/clientState.js';
import type { SessionState } from '../../streams/session/sessionState.js';
import { pollTrackerStats } from '../../ui/pollTrackerStats.js';
import { startDashboard, type RunningDashboard } from '../dashboard.js';
import type { Child } from './childCli.js';

/**
 * The children's latest states as one client state. Every child runs the same torrent, so
 * sessions are told apart by the child's name, which also leads each session's title.
 *
 * ```
 * seeder:     s1────────s2───
 * leecher 1:  ───l1──────────
 * result:     x──y──────z────     x = {seeder}, y = {seeder, leecher 1}, …
 * ```
 *
 * @example
 * ```ts
 * declare const seeder: Child, leechers: readonly Child[];
 * demoState([seeder, ...leechers]).subscribe((c) => console.log(c.progress));
 * ```
 */
export function demoState(children: readonly Child[]): Observable<ClientState> {
  const labelled = children.map((c) => c.states$.pipe(map((s) => ({ ...s, name: `${c.name} · ${s.name}` }))));
  const rank = (s: SessionState): number => children.findIndex((c) => s.name.startsWith(`${c.name} · `));
  return clientState(merge(...labelled), { key: (s) => s.name }).pipe(
    // In the children's order (seeder first), whichever printed first.
    map((c) => ({ ...c, sessions: [...c.sessions].sort((a, b) => rank(a) - rank(b)) })),
  );
}

/**
 * Serves the demo's dashboard on loopback and prints its URL.
 *
 * @param announceUrl - the tracker child's announce URL (its `/stats` sits beside it); undefined with no tracker
 * @example
 * ```ts
 * declare const seeder: Child, leechers: readonly Child[], url: string;
 * const board = await startDemoDashboard([seeder, ...leechers], url, 0, process.stderr);
 * ```
 */
export function startDemoDashboard(children: readonly Child[], announceUrl: string | undefined, port: number, out: NodeJS.WritableStream): Promise<RunningDashboard> {
  const tracker$ = announceUrl === undefined ? undefined : pollTrackerStats(announceUrl.replace(/\/announce$/, '/stats'));
  return startDashboard(demoState(children), { port, title: 'rxtorrent demo', tracker$, out });
}
