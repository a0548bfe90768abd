/**
 * How the demo's peers find each other: a tracker child (the default), or with `--dht` no
 * tracker at all: a DHT node of the demo's own on loopback that every peer joins through.
 *
 * @module
 */
import { join } from 'node:path';
import type { Subscription } from 'rxjs';
import { formatPeerAddress } from '../../protocol/peerAddress.js';
import { createDht, type DhtState } from '../../streams/dht/index.js';
import { startChild, type Child } from './childCli.js';

/** A started peer source. */
export interface DemoPeerSource {
  /** Trackers the demo torrent names (none with the DHT). */
  readonly trackers: string[];
  /** The tracker's announce URL, for the dashboard's tracker stats; undefined with the DHT. */
  readonly announceUrl: string | undefined;
  /** Arguments every peer gets (`--dht-bootstrap` and its own `--dht-state` with the DHT). */
  args(name: string): string[];
  /** One line for people: where the peers meet. */
  readonly description: string;
  /** Stops what it started. */
  close(): void;
}

/**
 * Starts the tracker child, or the demo's DHT node.
 *
 * @param dht - no tracker: a DHT node on 127.0.0.1
 * @param dir - the demo's temp folder (the peers' routing tables go there)
 * @param children - the tracker child is added here, to be stopped with the others
 * @example
 * ```ts
 * declare const dir: string, children: Child[], torrentPath: string, payloadPath: string;
 * const source = await startPeerSource(false, dir, children);
 * startChild('seeder', ['seed', torrentPath, '-d', payloadPath, ...source.args('seeder')]);
 * ```
 */
export async function startPeerSource(dht: boolean, dir: string, children: Child[]): Promise<DemoPeerSource> {
  if (dht) {
    const node = createDht({ host: '127.0.0.1', port: 0 });
    let running: Subscription | undefined;
    // The node runs while subscribed; its first state names the port it bound.
    const state = await new Promise<DhtState>((resolve, reject) => {
      running = node.state$.subscribe({ next: resolve, error: reject });
    });
    const address = formatPeerAddress(state.address);
    return {
      trackers: [],
      announceUrl: undefined,
      args: (name) => ['--dht-bootstrap', address, '--dht-state', join(dir, `dht-${name.replace(/\s+/g, '-')}.json`)],
      description: `DHT:      ${address} (the demo's own node; no tracker)`,
      close: () => running?.unsubscribe(),
    };
  }
  const tracker = startChild('tracker', ['tracker', '--host', '127.0.0.1', '--port', '0', '--interval', '10']);
  children.push(tracker);
  const [, url] = await tracker.waitFor(/listening on (http:\/\/\S+\/announce)/, 15_000);
  return { trackers: [url as string], announceUrl: url, args: () => [], description: `tracker:  ${url}`, close: () => undefined };
}
