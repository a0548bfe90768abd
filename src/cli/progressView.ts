/**
 * The CLI's progress display: a bar on a TTY (cli-progress), plain lines at most once per
 * interval otherwise, so logs and pipes stay readable.
 *
 * @module
 */
import cliProgress from 'cli-progress';
import { fitFields } from './fitLine.js';

/** What the display needs from one update. */
export interface ProgressFrame {
  /** 0..1 */
  readonly fraction: number;
  /** What follows the percentage, e.g. `12.0 MiB/s ↓ · 3 peers · ETA 42s`. */
  readonly detail: string;
  /** The same for a bar, as fields most important first: as many as fit the terminal are shown. */
  readonly fields?: readonly string[];
}

/** Where and how to draw. */
export interface ProgressViewConfig {
  readonly stream: NodeJS.WriteStream;
  /** Draw a bar (default: `stream.isTTY`). */
  readonly tty?: boolean;
  /** Label before the bar or line, e.g. the torrent name. */
  readonly label: string;
  /** Least time between plain lines. @default 1000 */
  readonly lineIntervalMs?: number;
  readonly now?: () => number;
}

/** A running display. */
export interface ProgressView {
  update(frame: ProgressFrame): void;
  /** Draws the last frame, then a final line. */
  finish(message?: string): void;
}

/**
 * Creates a progress display.
 *
 * @example
 * ```ts
 * const view = progressView({ stream: process.stderr, label: 'hashing' });
 * view.update({ fraction: 0.5, detail: '512 MiB/1 GiB' });
 * view.finish('done');
 * ```
 */
export function progressView(config: ProgressViewConfig): ProgressView {
  const tty = config.tty ?? config.stream.isTTY === true;
  return tty ? barView(config) : lineView(config);
}

/** Longest label a bar shows (longer names end in `…`). */
const MAX_BAR_LABEL = 20;

function barView(config: ProgressViewConfig): ProgressView {
  const columns = (): number => config.stream.columns ?? 80;
  const label = config.label.length > MAX_BAR_LABEL ? `${config.label.slice(0, MAX_BAR_LABEL - 1)}…` : config.label;
  const barsize = columns() >= 120 ? 30 : columns() >= 100 ? 20 : 10;
  // Label, bar, "100%" and their spaces; one column spare so the line never wraps.
  const fixed = label.length + 1 + barsize + 1 + 4 + 1 + 1;
  const bar = new cliProgress.SingleBar(
    {
      stream: config.stream,
      format: `${label} {bar} {percentage}% {detail}`,
      barsize,
      hideCursor: true,
      clearOnComplete: false,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { detail: '' });
  return {
    update: (frame) => bar.update(Math.round(frame.fraction * 1000), { detail: fitFields(frame.fields ?? [frame.detail], columns() - fixed) }),
    finish: (message) => {
      bar.stop();
      if (message !== undefined) config.stream.write(`${message}\n`);
    },
  };
}

function lineView(config: ProgressViewConfig): ProgressView {
  const now = config.now ?? Date.now;
  const interval = config.lineIntervalMs ?? 1000;
  let last = -Infinity;
  let pending: ProgressFrame | undefined;
  const print = (frame: ProgressFrame): void => {
    config.stream.write(`${config.label} ${(frame.fraction * 100).toFixed(1)}% ${frame.detail}\n`);
    last = now();
    pending = undefined;
  };
  return {
    update: (frame) => {
      if (now() - last >= interval) print(frame);
      else pending = frame;
    },
    finish: (message) => {
      if (pending !== undefined) print(pending);
      if (message !== undefined) config.stream.write(`${message}\n`);
    },
  };
}
