/**
 * Rendering session state on the terminal: a progress bar on a TTY, plain lines otherwise, or one
 * JSON object per second with `--json`. All three show the same state.
 *
 * @module
 */
import type { SessionState } from '../streams/session/sessionState.js';
import { progressView, type ProgressView } from './progressView.js';
import { describeError } from './report.js';
import { formatBytes, formatDuration, plural } from './units.js';

/** How to show the state. */
export interface SessionViewConfig {
  readonly stream: NodeJS.WriteStream;
  readonly json: boolean;
  /** Several torrents: one plain line per torrent instead of a bar. @default false */
  readonly multi?: boolean;
  /** Least time between JSON lines. @default 1000 */
  readonly jsonIntervalMs?: number;
  readonly now?: () => number;
  /** Print nothing but errors and the line that says where a finished download is. @default false */
  readonly quiet?: boolean;
  /** Where a download's files are (for the line printed when it completes); undefined: no line. */
  readonly savedTo?: (state: SessionState) => string | undefined;
}

/** A display fed with state snapshots. */
export interface SessionView {
  update(state: SessionState): void;
  /**
   * The end: the last state, a closing word for people, and the error that ended the session
   * (the `--json` view adds it to its last line as `error: { code, message }`).
   */
  finish(state: SessionState | undefined, message?: string, error?: unknown): void;
}

/**
 * One human line of state, the same fields as the `--json` lines: status, bytes, rates, peers,
 * ETA, then pieces, bytes uploaded and the trackers' word (a terminal clips what does not fit).
 *
 * @example
 * ```ts
 * declare const state: SessionState;
 * describeState(state);
 * // 'downloading 2.0 MiB/6.0 MiB 4.0 MiB/s↓ 1.0 MiB/s↑ 2 peers ETA 1s · 32/96 pieces · uploaded 1.0 MiB · tracker ok (1 seeder, 1 leecher)'
 * ```
 */
export function describeState(s: SessionState): string {
  const rates = `${formatBytes(s.downloadRate)}/s↓ ${formatBytes(s.uploadRate)}/s↑`;
  if (s.status === 'checking') return `checking ${(s.checked * 100).toFixed(1)}%`;
  if (s.status === 'metadata') {
    const dht = describeDht(s);
    return `fetching metadata ${((s.metadata ?? 0) * 100).toFixed(0)}% from ${plural(s.peers.length, 'peer')}${dht === undefined ? '' : ` · ${dht}`}`;
  }
  const eta = s.status === 'downloading' ? ` ETA ${formatDuration(s.eta)}` : '';
  const sources = [describeTrackers(s), describeDht(s)].filter((t) => t !== undefined).map((t) => ` · ${t}`).join('');
  return (
    `${s.status} ${formatBytes(s.length - s.left)}/${formatBytes(s.length)} ${rates} ${describePeers(s)}${eta}` +
    ` · ${s.piecesHave}/${s.pieceCount} pieces · uploaded ${formatBytes(s.uploaded)}${sources}`
  );
}

/**
 * The state as fields, most important first (what a bar shows as far as the terminal allows):
 * status and bytes, ETA, peers, rates, pieces, uploaded, trackers.
 *
 * @example
 * ```ts
 * declare const state: SessionState;
 * fitFields(describeFields(state), 60);
 * ```
 */
export function describeFields(s: SessionState): string[] {
  if (s.status === 'checking' || s.status === 'metadata') return [describeState(s)];
  const tracker = describeTrackers(s);
  return [
    // While downloading the bar says what the word would.
    `${s.status === 'downloading' ? '' : `${s.status} `}${formatBytes(s.length - s.left)}/${formatBytes(s.length)}`,
    ...(s.status === 'downloading' ? [`ETA ${formatDuration(s.eta)}`] : []),
    describePeers(s),
    ...(s.webSeeds === undefined ? [] : [webSeedsField(s.webSeeds)]),
    `${formatBytes(s.downloadRate)}/s↓ ${formatBytes(s.uploadRate)}/s↑`,
    `${s.piecesHave}/${s.pieceCount} pieces`,
    `uploaded ${formatBytes(s.uploaded)}`,
    ...(tracker === undefined ? [] : [tracker]),
    ...(s.dht === undefined ? [] : [describeDht(s) as string]),
  ];
}

/** `DHT 120 nodes, 3 peers found`, `DHT searching…` before the first lookup ends, or why it stopped. */
function describeDht(s: SessionState): string | undefined {
  const dht = s.dht;
  if (dht === undefined) return undefined;
  if (dht.error !== undefined) return `DHT failed: ${dht.error.slice(0, 80)}`;
  if (dht.lookups === 0) return `DHT ${plural(dht.nodes, 'node')}, searching…`;
  return `DHT ${plural(dht.nodes, 'node')}, ${plural(dht.peersFound, 'peer')} found`;
}

/** `3 peers`; with none, why the last dial failed (it is retried). */
function describePeers(s: SessionState): string {
  const failure = s.peers.length === 0 ? s.lastDialFailure : undefined;
  return failure === undefined ? plural(s.peers.length, 'peer') : `0 peers (dialling ${failure.address}: ${failure.message.slice(0, 60)}; retrying)`;
}

/** `2 web seeds (1 dropped)`. */
function webSeedsField(seeds: NonNullable<SessionState['webSeeds']>): string {
  const dropped = seeds.filter((w) => w.status === 'dropped').length;
  return `${plural(seeds.length, 'web seed')}${dropped === 0 ? '' : ` (${dropped} dropped)`}`;
}

/** `tracker ok (3 seeders, 2 leechers)`, or the failure of the first tracker when none answers. */
function describeTrackers(s: SessionState): string | undefined {
  const ok = s.trackers.find((t) => t.ok);
  if (ok !== undefined) {
    const swarm = ok.seeders === undefined ? '' : ` (${plural(ok.seeders, 'seeder')}, ${plural(ok.leechers ?? 0, 'leecher')})`;
    return `tracker ok${swarm}`;
  }
  const failing = s.trackers[0];
  return failing === undefined ? undefined : `tracker failing: ${(failing.message ?? 'no answer').slice(0, 80)}`;
}

/**
 * Creates the display.
 *
 * @example
 * ```ts
 * declare const states$: import('rxjs').Observable<SessionState>;
 * const view = sessionView({ stream: process.stderr, json: false });
 * states$.subscribe((s) => view.update(s));
 * ```
 */
export function sessionView(config: SessionViewConfig): SessionView {
  if (config.json) return jsonView(config);
  const views = new Map<string, ProgressView>();
  let view: ProgressView | undefined;
  const downloading = new Set<string>();
  /** Once per download that completes: one line saying where its files are. */
  const completed = (s: SessionState): void => {
    if (s.status === 'downloading') downloading.add(s.infoHash);
    if ((s.status !== 'seeding' && s.status !== 'done') || !downloading.delete(s.infoHash)) return;
    const where = config.savedTo?.(s);
    if (where === undefined) return;
    const line = `${s.name}: complete, saved to ${where}${s.status === 'seeding' ? '; seeding until Ctrl-C' : ''}`;
    // A bar ends with the line; the seeding that follows gets a bar of its own.
    if (view !== undefined) {
      view.update({ fraction: s.progress, detail: describeState(s), fields: describeFields(s) });
      view.finish(line);
      view = undefined;
    } else {
      config.stream.write(`${line}\n`);
    }
  };
  return {
    update: (s) => {
      completed(s);
      if (config.quiet === true) return;
      if (config.multi === true) {
        let line = views.get(s.infoHash);
        if (line === undefined) views.set(s.infoHash, (line = progressView({ stream: config.stream, label: s.name, tty: false })));
        line.update({ fraction: s.status === 'checking' ? s.checked : s.progress, detail: describeState(s) });
        return;
      }
      view ??= progressView({ stream: config.stream, label: s.name });
      view.update({ fraction: s.status === 'checking' ? s.checked : s.progress, detail: describeState(s), fields: describeFields(s) });
    },
    finish: (s, message) => {
      if (config.quiet === true) return;
      for (const line of views.values()) line.finish();
      if (s !== undefined) view?.update({ fraction: s.progress, detail: describeState(s), fields: describeFields(s) });
      view?.finish(message);
      if (view === undefined && message !== undefined) config.stream.write(`${message}\n`);
    },
  };
}

/** Rates in whole bytes/s and the ETA in tenths of a second: `--json` readers get no float noise. */
function rounded(s: SessionState): SessionState {
  return {
    ...s,
    downloadRate: Math.round(s.downloadRate),
    uploadRate: Math.round(s.uploadRate),
    eta: s.eta === undefined ? undefined : Math.round(s.eta * 10) / 10,
    peers: s.peers.map((p) => ({ ...p, downloadRate: Math.round(p.downloadRate), uploadRate: Math.round(p.uploadRate) })),
    ...(s.webSeeds === undefined ? {} : { webSeeds: s.webSeeds.map((w) => ({ ...w, rate: Math.round(w.rate) })) }),
  };
}

function jsonView(config: SessionViewConfig): SessionView {
  const now = config.now ?? Date.now;
  const last = new Map<string, number>();
  const print = (s: SessionState): void => {
    process.stdout.write(`${JSON.stringify(rounded(s))}\n`);
    last.set(s.infoHash, now());
  };
  return {
    update: (s) => {
      if (now() - (last.get(s.infoHash) ?? -Infinity) >= (config.jsonIntervalMs ?? 1000)) print(s);
    },
    finish: (s, message, error) => {
      if (error !== undefined) process.stdout.write(`${JSON.stringify({ ...(s === undefined ? {} : rounded(s)), error: describeError(error) })}\n`);
      else if (s !== undefined) print(s);
      if (message !== undefined) config.stream.write(`${message}\n`);
    },
  };
}
