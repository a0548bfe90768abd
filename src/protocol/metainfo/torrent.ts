/**
 * The parsed form of a `.torrent` file (BEP 3 metainfo), as every other layer sees it.
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#metainfo-files
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
}

/** A validated torrent. Immutable plain data; helpers live in `layout.ts`. */
export interface Torrent {
  /** SHA-1 of the raw bytes of the `info` dict, 40 lowercase hex chars (the v1 info-hash). */
  readonly infoHash: string;
  /** The same info-hash as 20 bytes. */
  readonly infoHashBytes: Uint8Array;
  /** The raw bencoded `info` dict, exactly as received (served to BEP 9 metadata requests). */
  readonly infoBytes: Uint8Array;
  /** Suggested name: the file name (single-file) or the top folder (multi-file). */
  readonly name: string;
  /** Bytes per piece (the last piece may be shorter). */
  readonly pieceLength: number;
  /** Number of pieces. */
  readonly pieceCount: number;
  /** The concatenated 20-byte SHA-1 hashes of all pieces. */
  readonly pieces: Uint8Array;
  /** Total content length in bytes, pad files included. */
  readonly length: number;
  /** Files in layout order, pad files included (filter on `pad` to get what is on disk). */
  readonly files: readonly TorrentFile[];
  /** True when the info dict has a `files` list (content lives under a top folder `name`). */
  readonly multiFile: boolean;
  /** Tracker tiers (BEP 12); a lone `announce` becomes one tier of one. */
  readonly announce: readonly (readonly string[])[];
  /** BEP 27 private flag: peers only from the tracker (no PEX, no DHT). */
  readonly private: boolean;
  /** BEP 19 web seeds (parsed, not used yet). */
  readonly urlList: readonly string[];
  /** True for a hybrid v1+v2 torrent (`meta version` 2 beside the v1 fields), read through v1. */
  readonly hybrid: boolean;
  readonly comment?: string;
  readonly createdBy?: string;
  readonly creationDate?: Date;
}
