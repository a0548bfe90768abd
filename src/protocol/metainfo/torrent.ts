/**
 * The parsed form of a `.torrent` file (BEP 3 metainfo, BEP 52 v2 and hybrid), as every other
 * layer sees it.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#metainfo-files
 * @see https://www.bittorrent.org/beps/bep_0052.html
 * @module
 */

/** One entry of the torrent's file list, in piece-layout order. */
export interface TorrentFile {
  /** Path segments below the torrent's top folder (just `[name]` for a single-file torrent). */
  readonly path: readonly string[];
  /** Path relative to the download directory, `/`-joined, including the top folder if any. */
  readonly relativePath: string;
  /** Size in bytes. */
  readonly length: number;
  /** Byte offset of the file's first byte in the torrent's concatenated content. */
  readonly offset: number;
  /** A BEP 47 pad file: part of the piece layout, never written to disk. */
  readonly pad: boolean;
  /** BEP 47 attributes string (`p` pad, `x` executable, `h` hidden, `l` symlink), if any. */
  readonly attr?: string;
  /** v2 and hybrid: the root of the file's SHA-256 Merkle tree (32 bytes; non-empty files only). */
  readonly piecesRoot?: Uint8Array;
  /**
   * v2 and hybrid: the file's piece layer from `piece layers` (32 bytes per piece of the file),
   * verified against `piecesRoot`. Present for files larger than one piece when the torrent
   * carried it; absent for smaller files (their one piece hash is `piecesRoot`) and when it must
   * be fetched from peers (a magnet's info dict, a `.torrent` without `piece layers`).
   */
  readonly pieceLayer?: Uint8Array;
}

/** The BitTorrent versions a torrent can be used with: v1 (BEP 3), v2 (BEP 52), or both. */
export type TorrentVersion = 1 | 2 | 'hybrid';

/** A validated torrent. Immutable plain data; helpers live in `layout.ts` and `v2Pieces.ts`. */
export interface Torrent {
  /**
   * The 20-byte swarm id, 40 lowercase hex chars: the SHA-1 of the raw `info` bytes (v1 and
   * hybrid), or for a v2-only torrent the first 20 bytes of the SHA-256 (what trackers and
   * handshakes use for it, BEP 52).
   */
  readonly infoHash: string;
  /** The same 20 bytes. */
  readonly infoHashBytes: Uint8Array;
  /** v1, v2 or hybrid (both hashes, both swarms). */
  readonly version: TorrentVersion;
  /** v2 and hybrid: SHA-256 of the raw `info` bytes, 64 lowercase hex chars. */
  readonly infoHashV2?: string;
  /** The same v2 info-hash as 32 bytes. */
  readonly infoHashV2Bytes?: Uint8Array;
  /** The raw bencoded `info` dict, exactly as received (served to BEP 9 metadata requests). */
  readonly infoBytes: Uint8Array;
  /** Suggested name: the file name (single-file) or the top folder (multi-file). */
  readonly name: string;
  /** Bytes per piece (the last piece may be shorter). */
  readonly pieceLength: number;
  /** Number of pieces. */
  readonly pieceCount: number;
  /** The concatenated 20-byte SHA-1 hashes of all pieces (empty for a v2-only torrent). */
  readonly pieces: Uint8Array;
  /** Total content length in bytes, pad files included. */
  readonly length: number;
  /**
   * Files in layout order, pad files included (filter on `pad` to get what is on disk). A v2-only
   * torrent gets the pad files libtorrent 2.0 implies (`.pad/<size>` after each non-empty file
   * that does not end on a piece boundary, the last one too), so each file starts at a piece
   * boundary and every v1 consumer of the layout works unchanged.
   */
  readonly files: readonly TorrentFile[];
  /** True when the info dict has a `files` list (content lives under a top folder `name`). */
  readonly multiFile: boolean;
  /** Tracker tiers (BEP 12); a lone `announce` becomes one tier of one. */
  readonly announce: readonly (readonly string[])[];
  /** BEP 27 private flag: peers only from the tracker (no PEX, no DHT). */
  readonly private: boolean;
  /** BEP 19 web seeds (`url-list`): HTTP servers a session also downloads from. */
  readonly urlList: readonly string[];
  /** True for a hybrid v1+v2 torrent (`version === 'hybrid'`). */
  readonly hybrid: boolean;
  readonly comment?: string;
  readonly createdBy?: string;
  readonly creationDate?: Date;
}
