/**
 * Fetching one file's piece layer from peers, for a v2 torrent known only by its info dict (a
 * magnet) or a `.torrent` without `piece layers`: which hash requests to send, and the verified
 * piece hashes as replies arrive. Pure state; the session sends and times out the requests.
 *
 * @module
 */
import { MerkleError } from '../../errors.js';
import { layerWidth, type TreeGeometry } from './geometry.js';
import { MAX_HASHES_PER_REQUEST, type HashRange } from './hashRange.js';
import { HASH_LENGTH, hashAt, nextPowerOfTwo, padHash } from './merkle.js';
import { rootOnly, verifyHashes, type TrustedNodes } from './verifyHashes.js';

/**
 * The piece layer of one multi-piece file, filled chunk by chunk (512 piece hashes per request,
 * as libtorrent asks), each chunk proven up to the root.
 *
 * @example
 * ```ts
 * declare const file: TorrentFile, t: Torrent, msg: HashesMessage;
 * declare function send(message: HashRequestMessage): void;
 * declare function storeLayer(layer: Uint8Array): void;
 * const fetch = new PieceLayerFetch(treeGeometry(file.length, t.pieceLength), file.piecesRoot!);
 * for (const r of fetch.requests()) send({ type: 'hash-request', ...r });
 * // on a `hashes` message for this root:
 * const learned = fetch.add(msg);
 * if (fetch.complete) storeLayer(fetch.pieceLayer()!);
 * ```
 */
export class PieceLayerFetch implements TrustedNodes {
  readonly #layer: Uint8Array;
  readonly #known: Uint8Array;
  readonly #trusted: TrustedNodes;
  #missing: number;

  /**
   * @param geometry - the file's geometry (more than one piece)
   * @param root - its `pieces root`
   * @throws {@link MerkleError} `ERR_MERKLE_INVALID_ARGUMENT` for a one-piece file (its piece hash is the root)
   */
  constructor(readonly geometry: TreeGeometry, readonly root: Uint8Array) {
    if (geometry.singlePiece) throw new MerkleError('ERR_MERKLE_INVALID_ARGUMENT', 'a one-piece file has no piece layer to fetch');
    this.#layer = new Uint8Array(geometry.pieces * HASH_LENGTH);
    this.#known = new Uint8Array(geometry.pieces);
    this.#missing = geometry.pieces;
    this.#trusted = rootOnly(geometry, root);
  }

  /** True once every piece hash is verified. */
  get complete(): boolean {
    return this.#missing === 0;
  }

  /** The verified hash of piece `filePiece` of the file, or undefined while unknown. */
  pieceHash(filePiece: number): Uint8Array | undefined {
    return this.#known[filePiece] === 1 ? hashAt(this.#layer, filePiece) : undefined;
  }

  /** The whole piece layer once complete (pieces × 32 bytes), else undefined. */
  pieceLayer(): Uint8Array | undefined {
    return this.complete ? this.#layer : undefined;
  }

  /** Trusted nodes: the root, pads, and the piece hashes verified so far. */
  node(height: number, index: number): Uint8Array | undefined {
    if (height === this.geometry.pieceHeight) {
      return index >= this.geometry.pieces && index < layerWidth(this.geometry, height) ? padHash(height) : this.pieceHash(index);
    }
    return this.#trusted.node(height, index);
  }

  /**
   * The requests still needed: one per 512-hash chunk with a missing piece, each proving up to
   * the root (so any peer's honest reply is verifiable on its own).
   *
   * @returns hash ranges to send as `hash request`s
   */
  requests(): HashRange[] {
    const g = this.geometry;
    const out: HashRange[] = [];
    for (let first = 0; first < g.pieces; first += MAX_HASHES_PER_REQUEST) {
      const length = Math.min(MAX_HASHES_PER_REQUEST, Math.max(2, nextPowerOfTwo(g.pieces - first)));
      if (this.#known.subarray(first, first + length).every((k) => k === 1)) continue;
      out.push({ piecesRoot: this.root, baseLayer: g.pieceHeight, index: first, length, proofLayers: g.height - g.pieceHeight - 1 });
    }
    return out;
  }

  /**
   * Takes a `hashes` reply for this file.
   *
   * @param reply - header and hashes, untrusted
   * @returns the number of piece hashes newly learned, or the {@link verifyHashes} error (blame
   *   the sender for `ERR_MERKLE_NOT_CHAINED`); a reply for another layer is `ERR_MERKLE_BAD_REQUEST`
   */
  add(reply: HashRange & { readonly hashes: Uint8Array }): number | MerkleError {
    if (reply.baseLayer !== this.geometry.pieceHeight) {
      return new MerkleError('ERR_MERKLE_BAD_REQUEST', `hashes for layer ${reply.baseLayer}, not the piece layer`);
    }
    const hashes = verifyHashes(this.geometry, this, reply);
    if (hashes instanceof MerkleError) return hashes;
    let learned = 0;
    for (let i = 0; i < reply.length && reply.index + i < this.geometry.pieces; i++) {
      const piece = reply.index + i;
      if (this.#known[piece] === 1) continue;
      this.#layer.set(hashAt(hashes, i), piece * HASH_LENGTH);
      this.#known[piece] = 1;
      this.#missing--;
      learned++;
    }
    return learned;
  }
}
