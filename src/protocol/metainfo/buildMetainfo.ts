/**
 * The pure half of torrent creation: choose a piece length, and bencode a metainfo file from
 * a file list and its piece hashes (the I/O half, reading and hashing, is `createTorrent`).
 * v1 (BEP 3), v2 and hybrid (BEP 52).
 *
 * @see https://www.bittorrent.org/beps/bep_0003.html#metainfo-files
 * @see https://www.bittorrent.org/beps/bep_0052.html
 * @module
 */
import { encodeBencode, encodeRawDict, type BencodeInput } from '../bencode/index.js';
import { comparePaths, encodeFileTree, encodePieceLayers, withPadFiles } from './buildV2.js';

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
  /** v2 and hybrid: the file's Merkle root (non-empty files). */
  readonly piecesRoot?: Uint8Array;
  /** v2 and hybrid: one SHA-256 per piece, for files larger than one piece. */
  readonly pieceLayer?: Uint8Array;
}

/** Which metainfo to write: BEP 3 only, BEP 52 only, or both (hybrid). */
export type MetainfoVersion = 'v1' | 'v2' | 'hybrid';

/** Everything a `.torrent` holds. */
export interface MetainfoInput {
  /** File name (single-file) or top folder name (multi-file). */
  readonly name: string;
  /**
   * One entry whose path is `[name]` with `multiFile: false` makes a single-file torrent. For v2
   * and hybrid: the real files only, in {@link comparePaths} order, with their roots and layers
   * (a hybrid's pad files are added here, as {@link withPadFiles} places them).
   */
  readonly files: readonly MetainfoFileInput[];
  readonly multiFile: boolean;
  readonly pieceLength: number;
  /** Concatenated 20-byte piece hashes (v1 and hybrid: of the padded layout); ignored for v2. */
  readonly pieces: Uint8Array;
  /** @default 'v1' */
  readonly version?: MetainfoVersion;
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
 * declare const pieces: Uint8Array;
 * const bytes = buildMetainfo({ name: 'a.bin', files: [{ path: ['a.bin'], length: 5 }],
 *   multiFile: false, pieceLength: 16384, pieces, trackers: [['http://127.0.0.1:8000/announce']] });
 * ```
 */
export function buildMetainfo(input: MetainfoInput): Uint8Array {
  if ((input.version ?? 'v1') !== 'v1') return buildV2Metainfo(input);
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
  return encodeBencode({ ...outerFields(input), info });
}

/** The top-level fields besides `info` (and `piece layers`). */
function outerFields(input: MetainfoInput): Record<string, BencodeInput | undefined> {
  const tiers = (input.trackers ?? []).filter((tier) => tier.length > 0);
  const urlList = input.urlList ?? [];
  return {
    announce: tiers[0]?.[0],
    'announce-list': tiers.length > 1 || (tiers[0]?.length ?? 0) > 1 ? tiers : undefined,
    comment: input.comment,
    'created by': input.createdBy,
    'creation date': input.creationDate,
    'url-list': urlList.length > 0 ? urlList : undefined,
  };
}

/** v2 or hybrid: `file tree`, `meta version`, `piece layers`, and for hybrid the v1 fields with pad files. */
function buildV2Metainfo(input: MetainfoInput): Uint8Array {
  input.files.forEach((f, i) => {
    if (i > 0 && comparePaths(input.files[i - 1]!.path, f.path) >= 0) throw new RangeError('v2 files must be in comparePaths order');
  });
  const fields: Record<string, BencodeInput | undefined> = {
    'meta version': 2,
    name: input.name,
    'piece length': input.pieceLength,
    private: input.private === true ? 1 : undefined,
  };
  if (input.version === 'hybrid') {
    fields.pieces = input.pieces;
    if (input.multiFile) {
      fields.files = withPadFiles(input.files, input.pieceLength, true).map((f) => ({ length: f.length, path: [...f.path], attr: f.attr }));
    } else {
      fields.length = input.files[0]?.length ?? 0;
    }
  }
  const info = encodeRawDict([...entriesOf(fields), [ascii('file tree'), encodeFileTree(input.files)]]);
  return encodeRawDict([
    ...entriesOf(outerFields(input)),
    [ascii('info'), info],
    [ascii('piece layers'), encodePieceLayers(input.files, input.pieceLength)],
  ]);
}

function entriesOf(fields: Record<string, BencodeInput | undefined>): [Uint8Array, Uint8Array][] {
  return Object.entries(fields).flatMap(([k, v]) => (v === undefined ? [] : [[ascii(k), encodeBencode(v)] as [Uint8Array, Uint8Array]]));
}

function ascii(key: string): Uint8Array {
  return new TextEncoder().encode(key);
}

/**
 * A `.torrent` file around raw info bytes (as fetched with BEP 9): the info dict is spliced in
 * byte for byte, so the file has the same info-hash.
 *
 * @param infoBytes - the raw bencoded info dict
 * @param trackers - tracker tiers to write as `announce` / `announce-list`
 * @param pieceLayers - v2: the files whose `pieceLayer` and `piecesRoot` go into `piece layers`
 *   (e.g. `torrent.files` once their layers are known); omitted: no `piece layers` written
 * @returns the file's bytes
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('x.torrent', torrentFileOf(torrent.infoBytes, torrent.announce));
 * ```
 */
export function torrentFileOf(
  infoBytes: Uint8Array,
  trackers: readonly (readonly string[])[] = [],
  pieceLayers?: readonly MetainfoFileInput[],
): Uint8Array {
  const tiers = trackers.filter((tier) => tier.length > 0);
  const entries: [Uint8Array, Uint8Array][] = [
    ...entriesOf({ announce: tiers[0]?.[0], 'announce-list': tiers.length > 1 ? tiers : undefined }),
    [ascii('info'), infoBytes],
  ];
  if (pieceLayers !== undefined) entries.push([ascii('piece layers'), encodePieceLayers(pieceLayers)]);
  return encodeRawDict(entries);
}
