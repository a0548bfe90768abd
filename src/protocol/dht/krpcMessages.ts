/**
 * KRPC messages of the BitTorrent DHT (BEP 5): queries, responses and errors as discriminated
 * unions, with the protocol's limits.
 *
 * @see https://www.bittorrent.org/beps/bep_0005.html#krpc-protocol
 * @module
 */
import type { PeerAddress } from '../peerAddress.js';
import type { NodeInfo } from './compact.js';
import type { NodeId } from './nodeId.js';

/** Largest packet read or sent: a UDP datagram that fits one Ethernet frame. */
export const MAX_KRPC_PACKET_BYTES = 1500;
/** Longest transaction id accepted (ours are 2 bytes; libtorrent's 2–4). */
export const MAX_TRANSACTION_ID_BYTES = 16;
/** Longest announce token accepted (ours are 8 bytes; libtorrent's 4). */
export const MAX_TOKEN_BYTES = 64;
/** Longest method name read into an `unknown` query. */
export const MAX_METHOD_NAME_BYTES = 32;

/** KRPC error codes (BEP 5). */
export const KRPC_ERROR = {
  generic: 201,
  server: 202,
  protocol: 203,
  methodUnknown: 204,
} as const;

/** The arguments of a query, by method (`a` in BEP 5). */
export type DhtQuery =
  | { readonly method: 'ping'; readonly id: NodeId }
  | { readonly method: 'find_node'; readonly id: NodeId; readonly target: NodeId }
  | { readonly method: 'get_peers'; readonly id: NodeId; readonly infoHash: NodeId }
  | {
      readonly method: 'announce_peer';
      readonly id: NodeId;
      readonly infoHash: NodeId;
      /** The announced TCP port; ignored when `impliedPort` (then the packet's source port counts). */
      readonly port: number;
      readonly token: Uint8Array;
      readonly impliedPort: boolean;
    }
  /** A method we do not serve: answered with error 204. */
  | { readonly method: 'unknown'; readonly name: string; readonly id?: NodeId };

/** The fields of a response (`r`): which are present depends on the query it answers. */
export interface DhtResponse {
  readonly id: NodeId;
  readonly nodes?: readonly NodeInfo[];
  readonly values?: readonly PeerAddress[];
  readonly token?: Uint8Array;
}

/** One KRPC packet. */
export type KrpcMessage =
  | {
      readonly type: 'query';
      readonly transactionId: Uint8Array;
      readonly query: DhtQuery;
      /** BEP 43: the sender is read-only and must not enter routing tables. */
      readonly readOnly?: boolean;
    }
  | { readonly type: 'response'; readonly transactionId: Uint8Array; readonly response: DhtResponse }
  | { readonly type: 'error'; readonly transactionId: Uint8Array; readonly code: number; readonly message: string };
