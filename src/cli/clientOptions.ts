/**
 * The network options `download` and `seed` share: `--ip`, `-p`, `--peer`, `--max-peers`,
 * `--encryption`, the DHT's, `--json`, `--dashboard[=PORT]`, and how they become client and
 * session options.
 *
 * @module
 */
import type { Command } from 'commander';
import type { PeerAddress } from '../protocol/peerAddress.js';
import type { ClientConfig } from '../streams/client/createClient.js';
import type { EncryptionPolicy } from '../streams/peer/index.js';
import { dhtConfig, type DhtFlags } from './dhtOptions.js';
import { collect, DEFAULT_IP, DEFAULT_PORT, parseIp, parsePeer, parsePort, parsePositive } from './options.js';
import { parseSize } from './units.js';
import { UsageError } from './usageError.js';

/** Parsed shared options (commander's raw strings). */
export interface SharedOptions extends DhtFlags {
  ip: string;
  port: string;
  peer: string[];
  maxPeers: string;
  uploadRate?: string;
  downloadRate?: string;
  encryption?: string;
  json?: boolean;
  /** `--quiet`: only errors and the line saying where a finished download is. */
  quiet?: boolean;
  /** `--dashboard` alone is `true`; `--dashboard=PORT` gives the port. */
  dashboard?: string | boolean;
}

/** Adds the shared options to a command. */
export function sharedOptions(command: Command): Command {
  return command
    .option('--ip <ip>', 'address to listen on, dial from and announce', DEFAULT_IP)
    .option('-p, --port <port>', 'port to listen on (0: any free port)', String(DEFAULT_PORT))
    .option('--peer <host:port>', 'dial this peer directly (repeatable; no tracker needed)', collect, [])
    .option('--max-peers <n>', 'connections in and out together', '50')
    .option('--upload-rate <size>', 'upload limit per second, e.g. 5MiB (default: unlimited)')
    .option('--download-rate <size>', 'download limit per second (default: unlimited)')
    .option(ENCRYPTION_FLAGS, ENCRYPTION_HELP, 'prefer')
    .option('--dht', 'find peers through the DHT too, joining through the public routers (router.bittorrent.com, …)')
    .option('--dht-bootstrap <nodes>', 'find peers through the DHT, joining through these HOST:PORT[,HOST:PORT…] nodes instead')
    .option('--dht-state <file>', 'where the DHT routing table is kept (default: ~/.local/state/rxtorrent/dht.json)')
    .option('--json', 'print one JSON state object per second on stdout')
    .option('-q, --quiet', 'print only errors (and where a finished download is)')
    .option(DASHBOARD_FLAGS, DASHBOARD_HELP);
}

/** The `--encryption` option, shared with `demo`. */
export const ENCRYPTION_FLAGS = '--encryption <policy>';
export const ENCRYPTION_HELP = 'message stream encryption: prefer (accept both, dial with the MSE handshake first, RC4 only when the peer wants it), require (RC4 only) or off (plaintext only)';

/**
 * The policy of `--encryption`.
 *
 * @throws {@link UsageError} for anything but prefer, require or off
 * @example
 * ```ts
 * parseEncryption('require'); // 'require'
 * ```
 */
export function parseEncryption(value: string | undefined): EncryptionPolicy {
  if (value === undefined) return 'prefer';
  if (value === 'prefer' || value === 'require' || value === 'off') return value;
  throw new UsageError(`invalid --encryption "${value}" (prefer, require or off)`);
}

/** The `--dashboard[=PORT]` option, shared with `demo`. */
export const DASHBOARD_FLAGS = '--dashboard [port]';
export const DASHBOARD_HELP = 'serve a live web dashboard on 127.0.0.1 (default port: any free one) and print its URL';

/**
 * The dashboard's port from `--dashboard[=PORT]`: undefined when absent, 0 (any free port) when
 * given without a value.
 *
 * @throws {@link UsageError} for a value that is not a port (e.g. `--dashboard x.torrent`: write `--dashboard=PORT`)
 * @example
 * ```ts
 * dashboardPort('8080'); // 8080
 * ```
 */
export function dashboardPort(value: string | boolean | undefined): number | undefined {
  return optionalPort(value, '--dashboard');
}

/**
 * The port of a `--flag[=PORT]` option (`--dashboard`, `--serve`): undefined when absent, 0 (any
 * free port) when given without a value.
 *
 * @throws {@link UsageError} for a value that is not a port
 * @example
 * ```ts
 * optionalPort(true, '--serve'); // 0
 * ```
 */
export function optionalPort(value: string | boolean | undefined, flag: string): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 0;
  if (!/^\d{1,5}$/.test(value)) throw new UsageError(`invalid ${flag} port "${value}" (write ${flag} or ${flag}=PORT, e.g. ${flag}=8080)`);
  return parsePort(value, `${flag} port`);
}

/** Client and session options from the shared options. */
export function clientOptions(options: SharedOptions): ClientOptions {
  const rate = (text: string | undefined, name: string): number | undefined => {
    if (text === undefined) return undefined;
    const bytes = parseSize(text, name);
    if (bytes <= 0) throw new UsageError(`${name} must be above 0`);
    return bytes;
  };
  return {
    host: parseIp(options.ip),
    port: parsePort(options.port),
    maxPeers: parsePositive(options.maxPeers, '--max-peers'),
    peers: options.peer.map(parsePeer),
    uploadRate: rate(options.uploadRate, '--upload-rate'),
    downloadRate: rate(options.downloadRate, '--download-rate'),
    encryption: parseEncryption(options.encryption),
    dht: dhtConfig(options),
  };
}

/** Client and session options the CLI sets. */
export interface ClientOptions {
  readonly host: string;
  readonly port: number;
  readonly maxPeers: number;
  readonly peers: PeerAddress[];
  readonly uploadRate: number | undefined;
  readonly downloadRate: number | undefined;
  readonly encryption: EncryptionPolicy;
  /** The client's DHT; undefined: off. */
  readonly dht: ClientConfig['dht'];
}
