/**
 * How a full DHT node answers a query: ping with our id; find_node with the k closest nodes we
 * know; get_peers with stored peers (or the closest nodes) and a token for the asker's IP;
 * announce_peer stored only with a valid token; unknown methods with error 204. Pure.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html#dht-queries
 * @module
 */
import type { PeerAddress } from '../peerAddress.js';
import { KRPC_ERROR } from './krpcMessages.js';
import type { DhtQuery, KrpcMessage } from './krpcMessages.js';
import type { NodeId } from './nodeId.js';
import type { PeerStore } from './peerStore.js';
import type { RoutingTable } from './routingTable.js';
import type { TokenIssuer } from './tokens.js';

/** Most peers in one get_peers answer (50 × 6 bytes keeps the packet well under 1,500 bytes). */
export const MAX_VALUES_PER_ANSWER = 50;

/** What a node answers with. */
export interface AnswerContext {
  readonly ownId: NodeId;
  readonly table: RoutingTable;
  readonly tokens: TokenIssuer;
  readonly store: PeerStore;
}

/**
 * The reply to `query` (transaction `t`) from `from` at `now`.
 *
 * @returns a response or a KRPC error message to send back to `from`
 * @example
 * ```ts
 * declare const message: Extract<KrpcMessage, { type: 'query' }>, from: PeerAddress, context: AnswerContext, socket: import('node:dgram').Socket;
 * const reply = answerQuery(message.query, message.transactionId, from, Date.now(), context);
 * socket.send(encodeKrpc(reply), from.port, from.host);
 * ```
 */
export function answerQuery(query: DhtQuery, t: Uint8Array, from: PeerAddress, now: number, context: AnswerContext): KrpcMessage {
  const { ownId, table, tokens, store } = context;
  const respond = (fields: object): KrpcMessage => ({ type: 'response', transactionId: t, response: { id: ownId, ...fields } });
  switch (query.method) {
    case 'ping':
      return respond({});
    case 'find_node':
      return respond({ nodes: table.closest(query.target, table.k) });
    case 'get_peers': {
      const token = tokens.issue(from.host, now);
      const values = store.get(query.infoHash, MAX_VALUES_PER_ANSWER, now);
      return values.length > 0
        ? respond({ token, values })
        : respond({ token, nodes: table.closest(query.infoHash, table.k) });
    }
    case 'announce_peer': {
      if (!tokens.check(query.token, from.host, now)) {
        return { type: 'error', transactionId: t, code: KRPC_ERROR.protocol, message: 'bad token' };
      }
      store.add(query.infoHash, { host: from.host, port: query.impliedPort ? from.port : query.port }, now);
      return respond({});
    }
    case 'unknown':
      return { type: 'error', transactionId: t, code: KRPC_ERROR.methodUnknown, message: 'Method Unknown' };
  }
}
