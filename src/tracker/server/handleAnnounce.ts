/**
 * The announce step between parsing and encoding: one store call, then the reply's fields.
 * Transport-agnostic, so the UDP tracker (BEP 15) can reuse it with its own parse and encode.
 *
 * @module
 */
import type { AnnounceRequest } from '../../protocol/tracker/announceRequest.js';
import type { AnnounceReply } from '../../protocol/tracker/reply.js';
import type { SwarmStore } from '../store/swarmStore.js';
import type { SwarmCreationLimit } from './swarmCreationLimit.js';

/** The announce timing a tracker hands out, and the time of this request. */
export interface AnnounceSettings {
  /** Seconds between regular announces. */
  readonly interval: number;
  /** Seconds a client must wait at least between announces. */
  readonly minInterval: number;
  /** Time of the request, ms since the epoch. */
  readonly now: number;
  /**
   * The address the request came from (the socket's, or our own proxy's word), which a creation
   * budget is charged to; the announced `host` may be the client's `ip` parameter. With
   * `swarmCreation` it is required.
   */
  readonly source?: string;
  /** Per-source budget of new swarms. @default none: creation is unlimited */
  readonly swarmCreation?: SwarmCreationLimit;
}

/**
 * Handles a parsed announce: records it in the store and builds the reply.
 *
 * A peer is a seeder when `left=0`; a client that sends no `left` counts as a seeder only on
 * `event=completed`.
 *
 * @param store - where the swarm lives.
 * @param request - from `parseAnnounceQuery`.
 * @param settings - interval, min interval and the request time.
 * @returns the reply, to encode with `encodeAnnounceReply(reply, request)`.
 * @throws `TrackerError` when a store limit or the source's creation budget refuses the peer
 *   (its message is a fit failure reason); any other rejection is the store's own failure.
 * @example
 * ```ts
 * declare const store: SwarmStore, raw: string, remote: { address: string };
 * const reply = await handleAnnounce(store, parseAnnounceQuery(raw, remote), { interval: 600, minInterval: 60, now: Date.now() });
 * ```
 */
export async function handleAnnounce(
  store: SwarmStore,
  request: AnnounceRequest,
  settings: AnnounceSettings,
): Promise<AnnounceReply> {
  const seeder = request.left === undefined ? request.event === 'completed' : request.left === 0;
  const { swarmCreation, now } = settings;
  const source = settings.source ?? request.host;
  const outcome = await store.announce(
    {
      infoHash: request.infoHash,
      peerId: request.peerId,
      host: request.host,
      port: request.port,
      seeder,
      event: request.event,
      numwant: request.numwant,
      key: request.key,
      mayCreateSwarm: swarmCreation?.mayCreate(source, now) ?? true,
    },
    now,
  );
  if (outcome.created === true) swarmCreation?.created(source, now);
  return {
    interval: settings.interval,
    minInterval: settings.minInterval,
    complete: outcome.complete,
    incomplete: outcome.incomplete,
    peers: outcome.peers,
  };
}
