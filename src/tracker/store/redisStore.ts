/**
 * The shared swarm store: swarms in one Redis, so any number of tracker processes (on any number
 * of machines) serve the same swarms and a restarted process loses nothing.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { TrackerError } from '../../errors.js';
import { fromHex, toHex } from '../../protocol/bytes.js';
import type { ReplyPeer, ScrapeFile } from '../../protocol/tracker/reply.js';
import {
  ANNOUNCE_KEY_MISMATCH,
  ANNOUNCE_PEER_ID_TAKEN,
  ANNOUNCE_SWARM_RATE_LIMITED,
  ANNOUNCE_LUA,
  ANNOUNCE_OK,
  ANNOUNCE_SWARM_FULL,
  ANNOUNCE_TOO_MANY_PEERS,
  ANNOUNCE_TOO_MANY_SWARMS,
  SCRAPE_LUA,
  SWEEP_LUA,
} from './redisScripts.js';
import { KEY_MISMATCH, PEER_ID_TAKEN, resolveStoreLimits, SWARM_RATE_LIMITED } from './swarmStore.js';
import type { AnnounceOutcome, StoreStats, SwarmStore, SwarmStoreConfig } from './swarmStore.js';

/** Options of {@link redisStore}: the shared limits plus where in Redis the swarms live. */
export interface RedisStoreConfig extends SwarmStoreConfig {
  /** Prepended to every key, so several trackers can share one Redis database. @default 'rxtorrent:' */
  readonly prefix?: string;
  /**
   * Swarms with expired peers cleaned at most per call besides the ones the call is about (the
   * rest go on the next calls, and `stats`/`sweep` finish the job). @default 256
   */
  readonly expireBatch?: number;
  /** Passed to ioredis as they are, over our defaults (auto-pipelining, 2 retries per command). */
  readonly redisOptions?: RedisOptions;
}

/** A {@link SwarmStore} in Redis, which can also hand every tracker process one shared secret. */
export interface RedisSwarmStore extends SwarmStore {
  /**
   * A 32-byte secret stored under `name`, created by whichever process asks first: every process
   * on this Redis and prefix gets the same bytes (the UDP tracker's connection-id key).
   */
  sharedSecret(name?: string): Promise<Uint8Array>;
}

/** Default of {@link RedisStoreConfig.prefix}. */
export const DEFAULT_REDIS_PREFIX = 'rxtorrent:';

const REFUSALS: Readonly<Record<number, [TrackerError['code'], string]>> = {
  [ANNOUNCE_TOO_MANY_SWARMS]: ['ERR_TRACKER_TOO_MANY_SWARMS', 'tracker is full: too many torrents'],
  [ANNOUNCE_SWARM_FULL]: ['ERR_TRACKER_SWARM_FULL', 'swarm is full: too many peers for this torrent'],
  [ANNOUNCE_TOO_MANY_PEERS]: ['ERR_TRACKER_TOO_MANY_PEERS', 'tracker is full: too many peers'],
  [ANNOUNCE_KEY_MISMATCH]: ['ERR_TRACKER_BAD_PARAMETER', KEY_MISMATCH],
  [ANNOUNCE_PEER_ID_TAKEN]: ['ERR_TRACKER_BAD_PARAMETER', PEER_ID_TAKEN],
  [ANNOUNCE_SWARM_RATE_LIMITED]: ['ERR_TRACKER_SWARM_RATE_LIMITED', SWARM_RATE_LIMITED],
};

interface Scripts {
  rxAnnounce(...args: (string | number)[]): Promise<unknown>;
  rxScrape(...args: (string | number)[]): Promise<unknown>;
  rxSweep(...args: (string | number)[]): Promise<unknown>;
}

function failed(what: string, cause: unknown): TrackerError {
  if (cause instanceof TrackerError) return cause;
  return new TrackerError('ERR_TRACKER_STORE_FAILED', `redis ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}

const integers = (value: unknown, what: string): number[] => {
  if (!Array.isArray(value) || !value.every((n) => typeof n === 'number')) throw failed(what, new Error('unexpected reply'));
  return value as number[];
};

function peersOf(flat: unknown): ReplyPeer[] {
  if (!Array.isArray(flat)) throw failed('announce', new Error('unexpected reply'));
  const peers: ReplyPeer[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    // Node's native hex decoder: up to 200 ids an announce.
    const peerId = new Uint8Array(Buffer.from(String(flat[i]), 'hex'));
    const [, port, host] = String(flat[i + 1]).split('|');
    if (peerId.length === 20 && host !== undefined) peers.push({ peerId, host, port: Number(port) });
  }
  return peers;
}

/**
 * ioredis, loaded on the first `redisStore()` call: `rxtorrent/tracker` users with a memory store
 * (or only the announce client) never pay for it.
 */
function loadRedis(): typeof RedisClient {
  return (createRequire(import.meta.url)('ioredis') as { Redis: typeof RedisClient }).Redis;
}

/**
 * Creates a {@link SwarmStore} in Redis (≥ 6.2; 7.0 tested) through ioredis. Each call is one Lua
 * script, atomic in Redis, so seeder, leecher and download counts stay exact under concurrent
 * announces from many processes. Peers expire through a sorted set per swarm scored by last-seen
 * time, and the swarms through one sorted set scored by their oldest peer;
 * times come from the callers (keep the tracker machines' clocks in sync, e.g. NTP).
 *
 * Needs a single Redis (a primary with replicas is fine; Redis Cluster is not, because the global
 * limits are checked in the same script as the swarm).
 *
 * @param url - e.g. `redis://127.0.0.1:6379/0` (`rediss://` for TLS; credentials in the URL).
 * @param config - TTL, limits, key prefix, ioredis options.
 * @returns the store; `close()` quits its connection.
 * @throws {@link TrackerError} `ERR_TRACKER_BAD_CONFIG` for a non-positive limit. Calls reject with
 *   the limit codes of {@link SwarmStore}, or `ERR_TRACKER_STORE_FAILED` when Redis fails.
 * @example
 * ```ts
 * const store = redisStore('redis://127.0.0.1:6379', { peerTtlMs: peerTtlMsFor(600) });
 * const app = createTrackerApp({ interval: 600 }, { store });
 * ```
 */
export function redisStore(url: string, config: RedisStoreConfig = {}): RedisSwarmStore {
  const { peerTtlMs, maxSwarms, maxPeersPerSwarm, maxPeers } = resolveStoreLimits(config);
  const prefix = config.prefix ?? DEFAULT_REDIS_PREFIX;
  const batch = resolveStoreLimits({ maxPeers: config.expireBatch ?? 256 }).maxPeers;
  const redis = new (loadRedis())(url, { enableAutoPipelining: true, maxRetriesPerRequest: 2, ...config.redisOptions });
  // Errors reach the calls that hit them; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  redis.defineCommand('rxAnnounce', { numberOfKeys: 0, lua: ANNOUNCE_LUA });
  redis.defineCommand('rxScrape', { numberOfKeys: 0, lua: SCRAPE_LUA });
  redis.defineCommand('rxSweep', { numberOfKeys: 0, lua: SWEEP_LUA });
  const scripts = redis as unknown as Scripts;

  const sweep = async (now: number): Promise<number[]> => {
    for (;;) {
      const [expired, ...totals] = integers(await scripts.rxSweep(prefix, now, peerTtlMs, batch), 'sweep');
      if (expired! < batch) return totals;
    }
  };

  return {
    announce: async (peer, now): Promise<AnnounceOutcome> => {
      let reply: unknown;
      try {
        reply = await scripts.rxAnnounce(
          prefix, toHex(peer.infoHash), toHex(peer.peerId), peer.host, peer.port, peer.seeder ? 1 : 0, peer.event,
          peer.numwant, peer.key === undefined ? '' : toHex(peer.key), now, peerTtlMs, maxSwarms, maxPeersPerSwarm, maxPeers, batch,
          peer.mayCreateSwarm === false ? 0 : 1,
        );
      } catch (err) {
        throw failed('announce', err);
      }
      const [code, complete, incomplete, downloaded, picked, created] = Array.isArray(reply) ? reply : [];
      const refusal = REFUSALS[Number(code)];
      if (refusal !== undefined) throw new TrackerError(refusal[0], refusal[1]);
      if (code !== ANNOUNCE_OK) throw failed('announce', new Error('unexpected reply'));
      const counts = integers([complete, incomplete, downloaded], 'announce');
      const outcome = { complete: counts[0]!, incomplete: counts[1]!, downloaded: counts[2]!, peers: peersOf(picked) };
      return created === 1 ? { ...outcome, created: true } : outcome;
    },
    scrape: async (infoHashes, now): Promise<ScrapeFile[]> => {
      let flat: number[];
      try {
        flat = integers(await scripts.rxScrape(prefix, now, peerTtlMs, batch, ...infoHashes.map(toHex)), 'scrape');
      } catch (err) {
        throw failed('scrape', err);
      }
      return infoHashes.map((infoHash, i) => ({ infoHash, complete: flat[3 * i]!, incomplete: flat[3 * i + 1]!, downloaded: flat[3 * i + 2]! }));
    },
    stats: async (now): Promise<StoreStats> => {
      const [swarms, peers, seeders] = await sweep(now).catch((err: unknown) => Promise.reject(failed('stats', err)));
      return { swarms: swarms!, seeders: seeders!, leechers: peers! - seeders! };
    },
    sweep: async (now) => {
      await sweep(now).catch((err: unknown) => Promise.reject(failed('sweep', err)));
    },
    sharedSecret: async (name = 'udp-secret') => {
      const key = `${prefix}secret:${name}`;
      try {
        await redis.set(key, randomBytes(32).toString('hex'), 'NX');
        const hex = await redis.get(key);
        const secret = hex === null ? undefined : fromHex(hex);
        if (secret === undefined || secret.length < 16) throw new Error(`${key} does not hold a hex secret`);
        return secret;
      } catch (err) {
        throw failed('sharedSecret', err);
      }
    },
    close: async () => {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
