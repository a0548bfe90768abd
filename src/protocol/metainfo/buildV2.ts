/**
 * The v2 parts of a new `.torrent` (BEP 52): the canonical file order, the BEP 47 pad files of a
 * hybrid's v1 list, the `file tree` and the `piece layers`, encoded byte-sorted by hand because
 * the `bencode` package sorts keys as UTF-16 strings (and cannot sort binary ones).
 *
 * @see https://www.bittorrent.org/beps/bep_0052.html
 * @module
 */
import { compareBytes, encodeBencode, encodeRawDict } from '../bencode/index.js';
import { toHex } from '../bytes.js';

const utf8 = new TextEncoder();

/** One file as the v2 builders need it. */
export interface V2FileInput {
  /** Path segments below the top folder (`[name]` for a single-file torrent). */
  readonly path: readonly string[];
  readonly length: number;
  /** BEP 47 attributes. */
  readonly attr?: string;
  /** The file's Merkle root (non-empty files). */
  readonly piecesRoot?: Uint8Array;
  /** One hash per piece, for files larger than one piece. */
  readonly pieceLayer?: Uint8Array;
}

/**
 * Orders paths as a v2 `file tree` lists them: segment by segment, by UTF-8 bytes (the order of
 * the bencoded dict keys). A hybrid torrent's v1 list must use the same order.
 *
 * @example
 * ```ts
 * declare const files: V2FileInput[];
 * files.sort((a, b) => comparePaths(a.path, b.path));
 * ```
 */
export function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareBytes(utf8.encode(a[i]!), utf8.encode(b[i]!));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/**
 * A hybrid torrent's v1 file list: the files with a BEP 47 pad file (`.pad/<size>`, attr `p`)
 * after each non-empty file of a multi-file torrent that does not end on a piece boundary — the
 * last one too, as libtorrent makes them. A single-file torrent gets none.
 *
 * @param files - the real files, in canonical order
 * @param pieceLength - the piece length
 * @param multiFile - false for a single-file torrent
 * @returns the files with pad files, in layout order
 * @example
 * ```ts
 * declare const files: readonly V2FileInput[], pieceLength: number;
 * declare function hashOrZeros(file: V2FileInput): void;
 * for (const f of withPadFiles(files, pieceLength, true)) hashOrZeros(f);
 * ```
 */
export function withPadFiles<F extends { readonly length: number }>(
  files: readonly F[],
  pieceLength: number,
  multiFile: boolean,
): (F | { path: string[]; length: number; attr: 'p' })[] {
  if (!multiFile) return [...files];
  const out: (F | { path: string[]; length: number; attr: 'p' })[] = [];
  let offset = 0;
  for (const f of files) {
    out.push(f);
    offset += f.length;
    const gap = (pieceLength - (offset % pieceLength)) % pieceLength;
    if (f.length > 0 && gap > 0) {
      out.push({ path: ['.pad', String(gap)], length: gap, attr: 'p' });
      offset += gap;
    }
  }
  return out;
}

/**
 * The bencoded `file tree` of the files.
 *
 * @param files - real files, canonical order; in a single-file torrent, one file whose path is its name
 * @returns the encoded dict
 * @example
 * ```ts
 * declare const piecesRoot: Uint8Array;
 * const tree = encodeFileTree([{ path: ['a.bin'], length: 5, piecesRoot }]);
 * ```
 */
export function encodeFileTree(files: readonly V2FileInput[]): Uint8Array {
  type Node = Map<string, Node | V2FileInput>;
  const root: Node = new Map();
  for (const f of files) {
    let dir = root;
    f.path.slice(0, -1).forEach((segment) => {
      const next = dir.get(segment) ?? new Map();
      if (!(next instanceof Map)) throw new RangeError(`"${f.path.join('/')}" is below a file`);
      dir.set(segment, next);
      dir = next;
    });
    const leaf = f.path[f.path.length - 1]!;
    if (dir.has(leaf)) throw new RangeError(`"${f.path.join('/')}" is listed twice or is also a folder`);
    dir.set(leaf, f);
  }
  const encode = (node: Node): Uint8Array =>
    encodeRawDict([...node].map(([name, child]) => [utf8.encode(name), child instanceof Map ? encode(child) : encodeLeaf(child)]));
  return encode(root);
}

function encodeLeaf(f: V2FileInput): Uint8Array {
  const attr = f.attr?.replace(/p/g, '');
  return encodeBencode({ '': { length: f.length, 'pieces root': f.length > 0 ? f.piecesRoot : undefined, attr: attr || undefined } });
}

/**
 * The bencoded `piece layers` dict: one entry per distinct root of a file larger than a piece.
 *
 * @param files - the real files
 * @param pieceLength - when given, every file larger than it must have its root and layer;
 *   without it, files whose layer holds more than one hash are written
 * @returns the encoded dict (possibly empty)
 * @throws RangeError when such a file lacks its root or layer
 * @example
 * ```ts
 * encodePieceLayers(torrent.files); // the layers a parsed torrent carries
 * ```
 */
export function encodePieceLayers(files: readonly V2FileInput[], pieceLength?: number): Uint8Array {
  const entries = new Map<string, readonly [Uint8Array, Uint8Array]>();
  for (const f of files) {
    const needed = pieceLength === undefined ? (f.pieceLayer?.length ?? 0) > 32 : f.length > pieceLength;
    if (!needed) continue;
    if (f.piecesRoot === undefined || f.pieceLayer === undefined) throw new RangeError(`"${f.path.join('/')}" needs its root and piece layer`);
    entries.set(toHex(f.piecesRoot), [f.piecesRoot, encodeBencode(f.pieceLayer)]);
  }
  return encodeRawDict([...entries.values()]);
}
