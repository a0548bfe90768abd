/**
 * Bencoded tracker replies: announce (BEP 3, compact per BEP 23 / BEP 7), scrape (BEP 48) and
 * failure. The server's last step: `parse → handle → encode`.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#trackers
 * @module
 */
import { compareBytes, encodeBencode } from '../bencode/index.js';
import type { PeerAddress } from '../peerAddress.js';
import { encodeCompactPeerLists } from './compactPeers.js';

/** A peer in a reply: its address and the peer id it announced with. */
export interface ReplyPeer extends PeerAddress {
  readonly peerId: Uint8Array;
}

/** What an announce reply says, before encoding. */
export interface AnnounceReply {
  /** Seconds the client should wait before its next regular announce. */
  readonly interval: number;
  /** Seconds the client must wait at least before announcing again. */
  readonly minInterval: number;
  /** Seeders in the swarm. */
  readonly complete: number;
  /** Leechers in the swarm. */
  readonly incomplete: number;
  readonly peers: readonly ReplyPeer[];
}

/** How the client asked for its peer list. */
export interface PeerListFormat {
  /** Compact strings (`peers`, `peers6`) rather than a list of dictionaries. */
  readonly compact: boolean;
  /** In the dictionary list, leave out `peer id`. */
  readonly noPeerId: boolean;
}

/** One swarm's counts in a scrape reply. */
export interface ScrapeFile {
  /** 20 raw bytes; the key in `files`. */
  readonly infoHash: Uint8Array;
  /** Seeders. */
  readonly complete: number;
  /** Leechers. */
  readonly incomplete: number;
  /** Downloads completed (`event=completed` announces) over the swarm's life. */
  readonly downloaded: number;
}

/**
 * Encodes an announce reply. Compact: IPv4 peers in `peers` (6 bytes each) and, when there are
 * any, IPv6 peers in `peers6` (18 bytes each). Dictionary: every peer in `peers` as
 * `{ ip, port, peer id }`.
 *
 * @example
 * ```ts
 * declare const ctx: import('koa').Context, reply: AnnounceReply;
 * ctx.body = Buffer.from(encodeAnnounceReply(reply, { compact: true, noPeerId: false }));
 * ```
 */
export function encodeAnnounceReply(reply: AnnounceReply, format: PeerListFormat): Uint8Array {
  const counts = {
    interval: reply.interval,
    'min interval': reply.minInterval,
    complete: reply.complete,
    incomplete: reply.incomplete,
  };
  if (!format.compact) {
    const peers = reply.peers.map((p) =>
      format.noPeerId ? { ip: p.host, port: p.port } : { ip: p.host, port: p.port, 'peer id': p.peerId });
    return encodeBencode({ ...counts, peers });
  }
  // Written by hand, keys in their sorted order: the hot path of a busy tracker, where the
  // general encoder cost more than everything else in an announce. `peers6` only when non-empty.
  const { v4: peers, v6 } = encodeCompactPeerLists(reply.peers);
  const peers6 = v6.length > 0 ? v6 : undefined;
  const head = `d8:completei${integer(counts.complete)}e10:incompletei${integer(counts.incomplete)}e8:intervali${integer(counts.interval)}e` +
    `12:min intervali${integer(counts['min interval'])}e5:peers${peers.length}:`;
  const middle = peers6 === undefined ? '' : `6:peers6${peers6.length}:`;
  const out = new Uint8Array(head.length + peers.length + middle.length + (peers6?.length ?? 0) + 1);
  let at = writeAscii(out, 0, head);
  out.set(peers, at);
  at = writeAscii(out, at + peers.length, middle);
  if (peers6 !== undefined) out.set(peers6, at);
  out[out.length - 1] = 0x65; // 'e'
  return out;
}

/** A bencode integer's digits; the counts are non-negative safe integers. */
function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`cannot bencode ${n} as an integer`);
  return String(n);
}

function writeAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/**
 * Encodes a failure reply, `d14:failure reason<len>:<reason>e`. Clients show the reason to users.
 *
 * @example
 * ```ts
 * encodeFailure('info_hash is missing');
 * ```
 */
export function encodeFailure(reason: string): Uint8Array {
  return encodeBencode({ 'failure reason': reason });
}

/**
 * Encodes a scrape reply, `{ files: { <info-hash>: { complete, downloaded, incomplete } } }`.
 *
 * The `files` keys are raw 20-byte info-hashes, but bencode dict keys are JS strings written as
 * UTF-8 (which corrupts bytes ≥ 0x80), and the `bencode` package sorts `Uint8Array` map keys as
 * comma-joined decimal strings. So the outer dictionaries are written here, keys sorted bytewise.
 *
 * @example
 * ```ts
 * encodeScrapeReply([{ infoHash, complete: 1, incomplete: 2, downloaded: 3 }]);
 * ```
 */
export function encodeScrapeReply(files: readonly ScrapeFile[]): Uint8Array {
  const sorted = [...files].sort((a, b) => compareBytes(a.infoHash, b.infoHash));
  const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const parts: Uint8Array[] = [ascii('d5:filesd')];
  for (const file of sorted) {
    parts.push(ascii(`${file.infoHash.length}:`), file.infoHash);
    parts.push(encodeBencode({ complete: file.complete, downloaded: file.downloaded, incomplete: file.incomplete }));
  }
  parts.push(ascii('ee'));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}
