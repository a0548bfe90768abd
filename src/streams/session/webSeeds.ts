/**
 * A session's web seeds (BEP 19 `url-list`), beside its peer links: their scheduler events come
 * out of `events$`, the scheduler's requests to their keys go in through {@link WebSeeds.send},
 * and the piece verdicts reach them for a corrupt server to be dropped.
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { Subject, type SchedulerLike } from 'rxjs';
import type { Torrent } from '../../protocol/metainfo/index.js';
import type { PieceVerdict } from '../../protocol/pieces/index.js';
import type { SwarmEvent } from '../../protocol/scheduler/index.js';
import { WebSeed, WEBSEED_KEY_PREFIX, type WebSeedTuning, type WebSeedView } from '../webseed/webSeed.js';
import type { SendCommand } from './linkEvents.js';

/** Most web seeds used per torrent (a `url-list` is attacker-chosen). */
export const MAX_WEB_SEEDS = 8;

/** How a session's web seeds talk HTTP. */
export interface WebSeedsConfig extends WebSeedTuning {
  /** Longest wait for a reply or the next body byte (default 30 s). */
  readonly idleTimeoutMs?: number;
  /** Redirects followed (default 5). */
  readonly maxRedirects?: number;
  /** Bytes read through to reach a range of a server that ignores `Range` (default 64 MiB); further in, it is dropped. */
  readonly maxSkipBytes?: number;
  /**
   * Certificates trusted for HTTPS web seeds, instead of Node's store (Node's `ca`); by default
   * Node's store, which `NODE_EXTRA_CA_CERTS` extends. An untrusted server is dropped (`TLS: …`).
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
}

/**
 * The web seeds of one torrent.
 *
 * @example
 * ```ts
 * declare const swarm$: import('rxjs').Subject<SwarmEvent>;
 * const seeds = new WebSeeds(torrent, torrent.urlList, asyncScheduler);
 * seeds.events$.subscribe((e) => swarm$.next(e));
 * seeds.start();
 * ```
 */
export class WebSeeds {
  /** Scheduler events of every web seed (joined, have-all, unchoke, block, gone). */
  readonly events$ = new Subject<SwarmEvent>();
  private readonly seeds = new Map<string, WebSeed>();
  private readonly agents: { readonly http: http.Agent; readonly https: https.Agent };

  constructor(torrent: Torrent, urls: readonly string[], scheduler: SchedulerLike, config: WebSeedsConfig = {}) {
    const ca = config.ca === undefined || typeof config.ca === 'string' || Buffer.isBuffer(config.ca) ? config.ca : [...config.ca];
    this.agents = { http: new http.Agent({ keepAlive: true, maxSockets: 4 }), https: new https.Agent({ keepAlive: true, maxSockets: 4, ...(ca === undefined ? {} : { ca }) }) };
    const options = { agents: this.agents, scheduler, idleTimeoutMs: config.idleTimeoutMs ?? 30_000, maxRedirects: config.maxRedirects ?? 5, maxSkipBytes: config.maxSkipBytes };
    // Distinct URLs first, then the cap: repeats of one server must not crowd the others out.
    for (const url of [...new Set(urls.filter((u) => /^https?:\/\//i.test(u)))].slice(0, MAX_WEB_SEEDS)) {
      const seed = new WebSeed(url, torrent, (event) => this.events$.next(event), options, config);
      this.seeds.set(seed.key, seed);
    }
  }

  /** Every web seed joins the scheduler. */
  start(): void {
    for (const seed of this.seeds.values()) seed.join();
  }

  /**
   * Carries out a scheduler command meant for a web seed.
   *
   * @returns false when the command is for a peer
   */
  send(command: SendCommand): boolean {
    if (!command.peer.startsWith(WEBSEED_KEY_PREFIX)) return false;
    const seed = this.seeds.get(command.peer);
    const { message } = command;
    if (seed !== undefined && message.type === 'request') seed.request(message);
    else if (seed !== undefined && message.type === 'cancel') seed.cancel(message);
    return true;
  }

  /** A piece verdict, for the web seeds that sent it. */
  verdict(verdict: PieceVerdict): void {
    for (const seed of this.seeds.values()) seed.verdict(verdict);
  }

  /** Bytes received from all of them. */
  get downloaded(): number {
    let total = 0;
    for (const seed of this.seeds.values()) total += seed.downloaded;
    return total;
  }

  views(): WebSeedView[] {
    return [...this.seeds.values()].map((seed) => seed.view());
  }

  /** Stops every request and closes the kept-alive sockets. */
  close(): void {
    for (const seed of this.seeds.values()) seed.close();
    this.agents.http.destroy();
    this.agents.https.destroy();
    this.events$.complete();
  }
}
