/**
 * Sizes and durations for humans: parsing `256KiB` on the command line and printing `1.5 MiB`.
 *
 * @module
 */
import { UsageError } from './usageError.js';

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kb: 1000, kib: 1024,
  m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
  t: 1024 ** 4, tb: 1000 ** 4, tib: 1024 ** 4,
};

/**
 * Parses a byte size: `16384`, `256KiB`, `1MiB`, `1.5GiB`, `10MB` (powers of 1000).
 *
 * @throws {@link UsageError} for anything else
 * @example
 * ```ts
 * parseSize('256KiB'); // 262144
 * ```
 */
export function parseSize(text: string, what = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  const value = match === null || unit === undefined ? NaN : Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(value)) throw new UsageError(`invalid ${what} "${text}" (use e.g. 16384, 256KiB, 1MiB)`);
  return value;
}

/**
 * Formats bytes with a binary unit: `0 B`, `1.0 KiB`, `40.0 MiB`.
 *
 * @example
 * ```ts
 * formatBytes(1536); // '1.5 KiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[i]}`;
}

/**
 * Formats a duration in seconds as `1h02m`, `3m05s` or `42s`; `∞` when unknown.
 *
 * @example
 * ```ts
 * formatDuration(185); // '3m05s'
 * ```
 */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '∞';
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s >= 3600) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${s}s`;
}

/**
 * A count and its word, plural unless the count is 1.
 *
 * @example
 * ```ts
 * plural(1, 'seeder'); // '1 seeder'
 * plural(3, 'seeder'); // '3 seeders'
 * ```
 */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
