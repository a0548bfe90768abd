/**
 * Holding peers to account for pieces that fail SHA-1, in the manner of libtorrent's smart ban.
 *
 * A failed piece sent by one peer is that peer's fault: one strike. A failed piece sent by
 * several is ambiguous: each gets an equal share of a strike, and the hash of every block is
 * remembered with its sender. When the piece later passes, each remembered block is compared
 * with the good one; a peer whose block differed sent bad data and is banned at once.
 *
 * @see https://blog.libtorrent.org/2015/01/smart-ban/
 * @module
 */
import { equalBytes } from '../bytes.js';
import { BLOCK_LENGTH } from '../metainfo/layout.js';
import { sha1 } from '../metainfo/pieceHasher.js';
import type { AssembledPiece } from '../pieces/types.js';
import type { PeerKey } from '../scheduler/index.js';

/** Most failed pieces whose block hashes are remembered (bounds memory under attack). */
export const MAX_SUSPECT_PIECES = 256;

/**
 * Strike counting with block-level attribution.
 *
 * @example
 * ```ts
 * declare const piece: AssembledPiece;
 * const ban = new SmartBan(2);
 * ban.failed(piece);   // → peers to ban now
 * ban.verified(piece); // → peers proven to have sent bad blocks earlier
 * ```
 */
export class SmartBan {
  private readonly strikes = new Map<PeerKey, number>();
  private readonly suspects = new Map<number, { peer: PeerKey; hash: Uint8Array }[]>();
  private readonly banned = new Set<PeerKey>();

  /** @param threshold - strikes at which a peer is banned */
  constructor(private readonly threshold: number) {}

  /** Strikes of `peer` so far. */
  strikesOf(peer: PeerKey): number {
    return this.strikes.get(peer) ?? 0;
  }

  /**
   * Records a piece that failed its hash check.
   *
   * @returns the peers to ban now
   */
  failed(piece: AssembledPiece): PeerKey[] {
    const out: PeerKey[] = [];
    const share = 1 / Math.max(1, piece.peers.length);
    for (const peer of piece.peers) {
      const after = (this.strikes.get(peer) ?? 0) + share;
      this.strikes.set(peer, after);
      if (after >= this.threshold - 1e-9) this.ban(peer, out);
    }
    if (piece.peers.length > 1 && !this.suspects.has(piece.index)) {
      if (this.suspects.size >= MAX_SUSPECT_PIECES) this.suspects.delete(this.suspects.keys().next().value as number);
      this.suspects.set(piece.index, piece.blockPeers.map((peer, b) => ({ peer, hash: sha1(blockOf(piece.data, b)) })));
    }
    return out;
  }

  /**
   * Records a piece that passed; if it failed before with several senders, compares blocks.
   *
   * @returns the peers proven to have sent a bad block (ban them)
   */
  verified(piece: AssembledPiece): PeerKey[] {
    const remembered = this.suspects.get(piece.index);
    if (remembered === undefined) return [];
    this.suspects.delete(piece.index);
    const out: PeerKey[] = [];
    remembered.forEach(({ peer, hash }, b) => {
      if (!equalBytes(hash, sha1(blockOf(piece.data, b)))) this.ban(peer, out);
    });
    return out;
  }

  private ban(peer: PeerKey, out: PeerKey[]): void {
    if (this.banned.has(peer)) return;
    this.banned.add(peer);
    out.push(peer);
  }
}

function blockOf(data: Uint8Array, block: number): Uint8Array {
  return data.subarray(block * BLOCK_LENGTH, (block + 1) * BLOCK_LENGTH);
}
