/**
 * The routing table on disk: our node id and the nodes we knew, as JSON, so a restart rejoins
 * the DHT without the bootstrap nodes (and keeps its place in the id space). The file is
 * untrusted on the way back in: size-capped, every entry checked, bad entries skipped.
 *
 * @module
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readFile } from 'node:fs/promises';
import { DhtError } from '../../errors.js';
import { fromHex, toHex } from '../../protocol/bytes.js';
import { NODE_ID_LENGTH } from '../../protocol/dht/index.js';
import type { NodeId, NodeInfo } from '../../protocol/dht/index.js';
import { normalizeIp } from '../../protocol/peerAddress.js';

/** Largest state file read back (a full table is ~1,300 nodes, ~120 KiB). */
export const MAX_STATE_FILE_BYTES = 1024 * 1024;
/** Most nodes read back. */
export const MAX_SAVED_NODES = 2000;

/** What the file holds. */
export interface DhtSavedState {
  readonly id: NodeId;
  readonly nodes: readonly NodeInfo[];
}

function idOf(text: unknown): NodeId | undefined {
  if (typeof text !== 'string') return undefined;
  const id = fromHex(text);
  return id !== undefined && id.length === NODE_ID_LENGTH ? id : undefined;
}

/**
 * Reads a state file.
 *
 * @returns the saved state, or `undefined` when the file does not exist
 * @throws {@link DhtError} `ERR_DHT_STATE_FILE` when it exists but is not a state file
 * @example
 * ```ts
 * const saved = await loadDhtState('dht.json');
 * ```
 */
export async function loadDhtState(path: string): Promise<DhtSavedState | undefined> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_STATE_FILE_BYTES) throw new DhtError('ERR_DHT_STATE_FILE', `${path} is over ${MAX_STATE_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof DhtError) throw err;
    throw new DhtError('ERR_DHT_STATE_FILE', `cannot read ${path}`, undefined, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DhtError('ERR_DHT_STATE_FILE', `${path} is not JSON`, undefined, { cause: err });
  }
  const record = json as { id?: unknown; nodes?: unknown };
  const id = idOf(record?.id);
  if (id === undefined || !Array.isArray(record.nodes)) throw new DhtError('ERR_DHT_STATE_FILE', `${path} is not a DHT state file`);
  const nodes: NodeInfo[] = [];
  for (const entry of record.nodes.slice(0, MAX_SAVED_NODES) as { id?: unknown; host?: unknown; port?: unknown }[]) {
    const nodeId = idOf(entry?.id);
    const ip = typeof entry?.host === 'string' ? normalizeIp(entry.host) : undefined;
    const port = entry?.port;
    if (nodeId === undefined || ip?.family !== 4 || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) continue;
    nodes.push({ id: nodeId, host: ip.host, port });
  }
  return { id, nodes };
}

/**
 * Writes a state file atomically (a temp file renamed over it), creating its folder. Synchronous,
 * so it can run in a teardown; the file is small (a full table is ~120 KiB).
 *
 * @example
 * ```ts
 * declare const ownId: Uint8Array, table: RoutingTable;
 * saveDhtState('dht.json', { id: ownId, nodes: table.nodes() });
 * ```
 */
export function saveDhtState(path: string, state: DhtSavedState): void {
  const json = { id: toHex(state.id), nodes: state.nodes.map((n) => ({ id: toHex(n.id), host: n.host, port: n.port })) };
  const temp = `${path}.${process.pid}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temp, JSON.stringify(json));
  renameSync(temp, path);
}
