/**
 * Opens a {@link DhtNode} on a UDP socket: loads the saved routing table, binds, joins the DHT
 * (a find_node lookup for our own id through the saved nodes and the bootstrap nodes), refreshes
 * stale buckets, and on teardown saves the table and closes the socket.
 *
 * @module
 */
import dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { Observable, Subscription } from 'rxjs';
import { DhtError } from '../../errors.js';
import { NODE_GOOD_FOR_MS, randomNodeId } from '../../protocol/dht/index.js';
import type { NodeId } from '../../protocol/dht/index.js';
import { normalizeIp, parsePeerAddress } from '../../protocol/peerAddress.js';
import type { PeerAddress } from '../../protocol/peerAddress.js';
import { DhtNode } from './dhtNode.js';
import type { DhtNodeOptions } from './dhtNode.js';
import { joinDht, lookupSeeds } from './joinDht.js';
import { runLookup } from './runLookup.js';
import { loadDhtState, saveDhtState } from './stateFile.js';

/** How often stale buckets are looked for. */
const REFRESH_CHECK_MS = 60_000;

/** What {@link openDhtNode} needs. */
export interface OpenDhtNodeOptions extends Omit<DhtNodeOptions, 'ownId' | 'address'> {
  readonly host: string;
  readonly port: number;
  readonly bootstrap: readonly (string | PeerAddress)[];
  readonly stateFile?: string | undefined;
  readonly nodeId?: NodeId | undefined;
}

async function resolveBootstrap(entries: readonly (string | PeerAddress)[]): Promise<PeerAddress[]> {
  const out: PeerAddress[] = [];
  for (const entry of entries) {
    const address = typeof entry === 'string' ? parsePeerAddress(entry) : entry;
    if (normalizeIp(address.host)?.family === 4) out.push({ host: normalizeIp(address.host)!.host, port: address.port });
    else if (normalizeIp(address.host) === undefined) {
      const found = await dnsLookup(address.host, { family: 4 }).catch(() => undefined);
      if (found !== undefined) out.push({ host: found.address, port: address.port });
    }
  }
  return out;
}

function saveSync(path: string, node: DhtNode): void {
  try {
    saveDhtState(path, { id: node.id, nodes: node.table.nodes() });
  } catch {
    // Saving is best effort: the next start falls back to the bootstrap nodes.
  }
}

/**
 * A cold node: subscribing binds the socket and emits the node once (with its bootstrap
 * addresses); unsubscribing saves the table and closes the socket.
 *
 * @example
 * ```ts
 * openDhtNode({ host: '127.0.0.1', port: 0, bootstrap: [], scheduler: asyncScheduler, random: Math.random })
 *   .subscribe(({ node }) => console.log(node.snapshot().address));
 * ```
 */
export function openDhtNode(options: OpenDhtNodeOptions): Observable<{ node: DhtNode; bootstrap: readonly PeerAddress[] }> {
  return new Observable((subscriber) => {
    const jobs = new Subscription();
    const socket = dgram.createSocket('udp4');
    let node: DhtNode | undefined;
    let closed = false;
    socket.on('error', (err) => {
      if (node === undefined) subscriber.error(new DhtError('ERR_DHT_SOCKET', `cannot bind ${options.host}:${options.port}`, undefined, { cause: err }));
    });
    socket.on('message', (packet, from) => {
      node?.receive(new Uint8Array(packet.buffer, packet.byteOffset, packet.length), { host: from.address, port: from.port });
    });
    const start = async (): Promise<void> => {
      const saved = options.stateFile === undefined ? undefined : await loadDhtState(options.stateFile).catch(() => undefined);
      const bootstrap = await resolveBootstrap(options.bootstrap);
      if (closed) return;
      socket.bind({ address: options.host, port: options.port }, () => {
        if (closed) return;
        const bound = socket.address();
        const ownId = options.nodeId ?? saved?.id ?? randomNodeId(options.random);
        node = new DhtNode({ ...options, ownId, address: { host: bound.address, port: bound.port } }, {
          send: (packet, to) => socket.send(packet, to.port, to.host, () => undefined),
        });
        const now = options.scheduler.now();
        // Saved nodes start questionable: they must answer before they count as good.
        for (const n of saved?.nodes ?? []) node.table.seen(n, now - NODE_GOOD_FOR_MS);
        jobs.add(joinDht(node, bootstrap, options.random).subscribe({
          complete: () => options.stateFile !== undefined && saveSync(options.stateFile, node!),
        }));
        jobs.add(options.scheduler.schedule(function () {
          for (const target of node!.table.refreshTargets(options.scheduler.now(), options.random)) {
            jobs.add(runLookup(node!, target, 'find_node', lookupSeeds(node!, target, bootstrap)).subscribe());
          }
          this.schedule(undefined, REFRESH_CHECK_MS);
        }, REFRESH_CHECK_MS));
        subscriber.next({ node, bootstrap });
      });
    };
    start().catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      jobs.unsubscribe();
      if (node !== undefined) {
        if (options.stateFile !== undefined) saveSync(options.stateFile, node);
        node.close();
      }
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
  });
}
