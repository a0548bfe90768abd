/**
 * `--dht`, `--dht-bootstrap HOST:PORT[,…]` and `--dht-state FILE` (on `download` and `seed`): the
 * client's DHT, off unless one of the first two is given.
 *
 * @module
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePeerAddress } from '../protocol/peerAddress.js';
import type { ClientConfig } from '../streams/client/createClient.js';
import { UsageError } from './usageError.js';

/** The well-known public routers `--dht` joins through (as libtorrent and Transmission do). */
export const PUBLIC_DHT_ROUTERS: readonly string[] = [
  'router.bittorrent.com:6881', 'dht.transmissionbt.com:6881', 'router.utorrent.com:6881', 'dht.libtorrent.org:25401',
];

/** Most nodes `--dht-bootstrap` takes. */
const MAX_BOOTSTRAP_NODES = 64;

/** The DHT options as commander parsed them. */
export interface DhtFlags {
  dht?: boolean;
  dhtBootstrap?: string;
  dhtState?: string;
}

/**
 * Where the routing table is kept unless `--dht-state` says: `$XDG_STATE_HOME/rxtorrent/dht.json`,
 * else `~/.local/state/rxtorrent/dht.json`.
 *
 * @example
 * ```ts
 * defaultDhtStateFile({ XDG_STATE_HOME: '/tmp/s' }); // '/tmp/s/rxtorrent/dht.json'
 * ```
 */
export function defaultDhtStateFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_STATE_HOME'] !== undefined && env['XDG_STATE_HOME'] !== '' ? env['XDG_STATE_HOME'] : join(homedir(), '.local', 'state');
  return join(base, 'rxtorrent', 'dht.json');
}

/**
 * The client's DHT from the flags: undefined (off) unless `--dht` or `--dht-bootstrap` is given.
 *
 * @throws {@link UsageError} for a bootstrap list that is not HOST:PORT[,HOST:PORT…], or `--dht-state` alone
 * @example
 * ```ts
 * dhtConfig({ dhtBootstrap: '127.0.0.1:6881' }); // { bootstrap: ['127.0.0.1:6881'], stateFile: '…/rxtorrent/dht.json' }
 * ```
 */
export function dhtConfig(flags: DhtFlags, env: NodeJS.ProcessEnv = process.env): ClientConfig['dht'] {
  if (flags.dht !== true && flags.dhtBootstrap === undefined) {
    if (flags.dhtState !== undefined) throw new UsageError('--dht-state needs --dht or --dht-bootstrap (the DHT is off otherwise)');
    return undefined;
  }
  const stateFile = resolve(flags.dhtState ?? defaultDhtStateFile(env));
  if (flags.dhtBootstrap === undefined) return { bootstrap: PUBLIC_DHT_ROUTERS, stateFile };
  const nodes = flags.dhtBootstrap.split(',').map((n) => n.trim());
  if (nodes.length > MAX_BOOTSTRAP_NODES) throw new UsageError(`--dht-bootstrap takes at most ${MAX_BOOTSTRAP_NODES} nodes`);
  for (const node of nodes) {
    try {
      parsePeerAddress(node);
    } catch {
      throw new UsageError(`invalid --dht-bootstrap node "${node}" (use HOST:PORT[,HOST:PORT…])`);
    }
  }
  return { bootstrap: nodes, stateFile };
}
