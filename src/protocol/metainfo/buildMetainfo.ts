/**
 * The pure half of torrent creation: choose a piece length, and bencode a metainfo file from
 * a file list and its piece hashes (the I/O half, reading and hashing, is `createTorrent`).
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#metainfo-files
 * @module
 */
import { encodeBencode, type BencodeInput } from '../bencode/index.js';

/** Smallest automatic piece length (one block). */
export const MIN_AUTO_PIECE_LENGTH = 16 * 1024;
/** Largest automatic piece length. */
export const MAX_AUTO_PIECE_LENGTH = 16 * 1024 * 1024;
/** Automatic piece lengths aim at no more than this many pieces (and more than half of it). */
export const TARGET_MAX_PIECES = 2000;

/**
 * The automatic piece length for `totalBytes` of content: a power of two in 16 KiB–16 MiB that
 * gives between 1,000 and 2,000 pieces where the bounds allow.
 *
 * @example
 * ```ts
 * choosePieceLength(1024 ** 3); // 1 MiB → 1,024 pieces
 * ```
 */
export function choosePieceLength(totalBytes: number): number {
  let length = MIN_AUTO_PIECE_LENGTH;
  while (length < MAX_AUTO_PIECE_LENGTH && totalBytes / length > TARGET_MAX_PIECES) length *= 2;
  return length;
}

/** One file of a torrent being built, in layout order. */
export interface MetainfoFileInput {
  /** Path segments below the top folder. */
  readonly path: readonly string[];
  readonly length: number;
  /** BEP 47 attributes, e.g. `'x'` for an executable. */
  readonly attr?: string;
}

/** Everything a `.torrent` holds. */
export interface MetainfoInput {
  /** File name (single-file) or top folder name (multi-file). */
  readonly name: string;
  /** One entry whose path is `[name]` with `multiFile: false` makes a single-file torrent. */
  readonly files: readonly MetainfoFileInput[];
  readonly multiFile: boolean;
  readonly pieceLength: number;
  /** Concatenated 20-byte piece hashes. */
  readonly pieces: Uint8Array;
  /** Tracker tiers (BEP 12); the first URL also becomes `announce`. */
  readonly trackers?: readonly (readonly string[])[];
  readonly private?: boolean;
  readonly comment?: string;
  readonly createdBy?: string;
  /** Seconds since the epoch; omitted when undefined (reproducible output). */
  readonly creationDate?: number;
  /** BEP 19 web seeds. */
  readonly urlList?: readonly string[];
}

/**
 * Bencodes a metainfo file.
 *
 * @param input - name, files, piece hashes and optional fields
 * @returns the `.torrent` bytes (keys sorted, canonical)
 * @example
 * ```ts
 * const bytes = buildMetainfo({ name: 'a.bin', files: [{ path: ['a.bin'], length: 5 }],
 *   multiFile: false, pieceLength: 16384, pieces, trackers: [['http://127.0.0.1:8000/announce']] });
 * ```
 */
export function buildMetainfo(input: MetainfoInput): Uint8Array {
  const info: Record<string, BencodeInput | undefined> = {
    name: input.name,
    'piece length': input.pieceLength,
    pieces: input.pieces,
    private: input.private === true ? 1 : undefined,
  };
  if (input.multiFile) {
    info.files = input.files.map((f) => ({ length: f.length, path: [...f.path], attr: f.attr }));
  } else {
    info.length = input.files[0]?.length ?? 0;
  }
  const tiers = (input.trackers ?? []).filter((tier) => tier.length > 0);
  const urlList = input.urlList ?? [];
  return encodeBencode({
    announce: tiers[0]?.[0],
    'announce-list': tiers.length > 1 || (tiers[0]?.length ?? 0) > 1 ? tiers : undefined,
    comment: input.comment,
    'created by': input.createdBy,
    'creation date': input.creationDate,
    'url-list': urlList.length > 0 ? urlList : undefined,
    info,
  });
}

/**
 * A `.torrent` file around raw info bytes (as fetched with BEP 9): the info dict is spliced in
 * byte for byte, so the file has the same info-hash.
 *
 * @param infoBytes - the raw bencoded info dict
 * @param trackers - tracker tiers to write as `announce` / `announce-list`
 * @returns the file's bytes
 * @example
 * ```ts
 * await writeFile('x.torrent', torrentFileOf(torrent.infoBytes, torrent.announce));
 * ```
 */
export function torrentFileOf(infoBytes: Uint8Array, trackers: readonly (readonly string[])[] = []): Uint8Array {
  const tiers = trackers.filter((tier) => tier.length > 0);
  // Keys sort as announce < announce-list < info, so the outer dict is its own fields then info.
  const outer = encodeBencode({ announce: tiers[0]?.[0], 'announce-list': tiers.length > 1 ? tiers : undefined });
  const key = new TextEncoder().encode('4:info');
  const out = new Uint8Array(outer.length - 1 + key.length + infoBytes.length + 1);
  out.set(outer.subarray(0, outer.length - 1), 0);
  out.set(key, outer.length - 1);
  out.set(infoBytes, outer.length - 1 + key.length);
  out[out.length - 1] = 0x65; // 'e'
  return out;
}
