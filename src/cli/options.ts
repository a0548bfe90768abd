/**
 * Parsing option values shared by several commands, each mistake a {@link UsageError}.
 *
 * @module
 */
import { isIP } from 'node:net';
import { parsePeerAddress, type PeerAddress } from '../protocol/peerAddress.js';
import { UsageError } from './usageError.js';

/** The seed's defaults: `127.0.0.8:42420`. */
export const DEFAULT_IP = '127.0.0.8';
export const DEFAULT_PORT = 42420;

/**
 * Parses a TCP port (0 allowed: any free port).
 *
 * @example
 * ```ts
 * parsePort('6881'); // 6881
 * parsePort('0');    // 0: any free port; '70000' throws a UsageError
 * ```
 */
export function parsePort(text: string, what = 'port'): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`invalid ${what} "${text}" (0-65535)`);
  return port;
}

/**
 * Parses an IP address to listen on.
 *
 * @example
 * ```ts
 * parseIp('127.0.0.1'); // '127.0.0.1'; 'localhost' throws a UsageError
 * ```
 */
export function parseIp(text: string): string {
  if (isIP(text) === 0) throw new UsageError(`invalid IP address "${text}"`);
  return text;
}

/**
 * Parses a positive integer.
 *
 * @example
 * ```ts
 * parsePositive('50', 'max peers'); // 50; '0' and '-1' throw a UsageError
 * ```
 */
export function parsePositive(text: string, what: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n > 0 && Number.isSafeInteger(n))) throw new UsageError(`invalid ${what} "${text}" (a positive integer)`);
  return n;
}

/**
 * Parses a count up to `max`, zero allowed.
 *
 * @example
 * ```ts
 * parseCount('0', 'workers', 64); // 0; '65' throws a UsageError
 * ```
 */
export function parseCount(text: string, what: string, max: number): number {
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n <= max)) throw new UsageError(`invalid ${what} "${text}" (an integer from 0 to ${max})`);
  return n;
}

/**
 * Parses `--peer HOST:PORT` (IPv6 as `[::1]:6881`).
 *
 * @example
 * ```ts
 * parsePeer('[::1]:6881'); // { host: '::1', port: 6881 }
 * ```
 */
export function parsePeer(text: string): PeerAddress {
  try {
    return parsePeerAddress(text);
  } catch {
    throw new UsageError(`invalid peer address "${text}" (use HOST:PORT, or [IPv6]:PORT)`);
  }
}

/**
 * Commander collector for repeatable options.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * new Command().option('--peer <host:port>', 'a peer', collect, []);
 * ```
 */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Most file indices `--files` takes. */
export const MAX_FILE_LIST = 10_000;

/**
 * Parses `--files 0,2,5` (indices as `rxtorrent info` numbers them) into sorted distinct indices.
 *
 * @throws {@link UsageError} for anything but comma-separated non-negative integers
 * @example
 * ```ts
 * parseFileList('2,0,2'); // [0, 2]
 * ```
 */
export function parseFileList(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > MAX_FILE_LIST || parts.some((p) => !/^\d{1,7}$/.test(p))) {
    throw new UsageError(`invalid --files "${text.slice(0, 80)}" (file indices as rxtorrent info numbers them, e.g. --files 0,2)`);
  }
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}
