/**
 * The options of `rxtorrent tracker`, parsed and checked (each mistake a {@link UsageError}).
 *
 * @module
 */
import { fromHex } from '../../protocol/bytes.js';
import { MIN_UDP_SECRET_BYTES } from '../../protocol/tracker/udpConnectionId.js';
import { UsageError } from '../usageError.js';

/** Options as commander hands them over. */
export interface RawTrackerOptions {
  host: string;
  port: string;
  interval: string;
  udp?: boolean;
  redis?: string;
  workers: string;
  maxConnections: string;
}

/** Options after checking. */
export interface TrackerOptions {
  readonly host: string;
  readonly port: number;
  readonly interval: number;
  readonly udp: boolean;
  readonly redis: string | undefined;
  readonly workers: number;
  /** Most open HTTP connections per process (`limitConnections`). */
  readonly maxConnections: number;
}

/** Environment variable holding the UDP connection-id secret (hex) when there is no Redis. */
export const UDP_SECRET_ENV = 'RXTORRENT_UDP_SECRET';

/** Most worker processes. */
export const MAX_WORKERS = 64;

function integerOption(text: string, name: string, min: number, max: number): number {
  const value = /^[0-9]{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

/**
 * Checks the options. `--workers` above 1 needs `--redis`: workers share nothing else.
 *
 * @throws {@link UsageError} for a bad value.
 * @example
 * ```ts
 * parseTrackerOptions({ host: '0.0.0.0', port: '8000', interval: '600', workers: '2', redis: 'redis://127.0.0.1', maxConnections: '512' });
 * ```
 */
export function parseTrackerOptions(raw: RawTrackerOptions): TrackerOptions {
  const port = integerOption(raw.port, '--port', 0, 65535);
  const interval = integerOption(raw.interval, '--interval', 1, 86_400);
  const workers = integerOption(raw.workers, '--workers', 1, MAX_WORKERS);
  const maxConnections = integerOption(raw.maxConnections, '--max-connections', 1, 1_000_000);
  if (raw.host.trim() === '') throw new UsageError('--host must not be empty');
  if (raw.redis !== undefined && !/^rediss?:\/\//.test(raw.redis)) {
    throw new UsageError(`--redis must be a redis:// or rediss:// URL, got "${raw.redis}"`);
  }
  if (workers > 1 && raw.redis === undefined) {
    throw new UsageError('--workers above 1 needs --redis URL: the workers share their swarms through Redis');
  }
  return { host: raw.host, port, interval, udp: raw.udp === true, redis: raw.redis, workers, maxConnections };
}

/**
 * The UDP secret from {@link UDP_SECRET_ENV}, if set.
 *
 * @throws {@link UsageError} when it is set but not at least 16 bytes of hex.
 * @example
 * ```ts
 * const secret = udpSecretFromEnv(process.env); // undefined: a random one per start
 * ```
 */
export function udpSecretFromEnv(env: NodeJS.ProcessEnv): Uint8Array | undefined {
  const text = env[UDP_SECRET_ENV];
  if (text === undefined || text === '') return undefined;
  const secret = fromHex(text.trim());
  if (secret === undefined || secret.length < MIN_UDP_SECRET_BYTES) {
    throw new UsageError(`${UDP_SECRET_ENV} must be at least ${MIN_UDP_SECRET_BYTES} bytes of hex`);
  }
  return secret;
}
