/** v2 and hybrid torrents built in memory for the metainfo specs. */
import { buildMetainfo, comparePaths, TorrentHasher, type MetainfoVersion, type Torrent } from '../../../src/protocol/metainfo/index.js';
import { content } from './fixtures.js';

/** A file of a fixture torrent. */
export interface FixtureFile {
  readonly path: readonly string[];
  readonly data: Uint8Array;
}

/** Files of `sizes` under generated names (or the given paths), with deterministic content. */
export function filesOf(entries: readonly (readonly [string, number])[], seed = 1): FixtureFile[] {
  return entries.map(([path, size], i) => ({ path: path.split('/'), data: content(size, seed + i) }));
}

/** Options of {@link v2Torrent}. */
export interface V2TorrentOptions {
  readonly version?: MetainfoVersion;
  readonly pieceLength?: number;
  readonly name?: string;
  /** @default true unless there is one file whose path is its name */
  readonly multiFile?: boolean;
}

/** A `.torrent` of `files` (sorted into v2 order first), hashed in memory. */
export function v2Torrent(files: readonly FixtureFile[], o: V2TorrentOptions = {}): Uint8Array {
  const sorted = [...files].sort((a, b) => comparePaths(a.path, b.path));
  const pieceLength = o.pieceLength ?? 32768;
  const multiFile = o.multiFile ?? !(files.length === 1 && files[0]!.path.length === 1);
  const version = o.version ?? 'v2';
  const hasher = new TorrentHasher({ pieceLength, version, multiFile });
  for (const f of sorted) {
    hasher.update(f.data);
    hasher.endFile();
  }
  const { pieces, files: roots } = hasher.digest();
  return buildMetainfo({
    name: o.name ?? (multiFile ? 'folder' : sorted[0]!.path[0]!),
    multiFile,
    files: sorted.map((f, i) => ({ path: f.path, length: f.data.length, ...roots[i] })),
    pieceLength,
    pieces,
    version,
    trackers: [['http://127.0.0.1:1/announce']],
  });
}

/** Replaces the bytes of `from` (which must occur once) by `to`, of any length. */
export function patch(bytes: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const at = Buffer.from(bytes).indexOf(Buffer.from(from));
  if (at < 0 || Buffer.from(bytes).indexOf(Buffer.from(from), at + 1) >= 0) throw new Error('patch target must occur once');
  return new Uint8Array(Buffer.concat([bytes.subarray(0, at), to, bytes.subarray(at + from.length)]));
}

/** ASCII bytes. */
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The content of `files` in `t`'s layout order, pad files as zeros: what a memory storage seeds. */
export function layoutOf(t: Torrent, files: readonly FixtureFile[]): Uint8Array {
  const out = new Uint8Array(t.length);
  for (const f of t.files.filter((x) => !x.pad)) out.set(files.find((x) => x.path.join('/') === f.path.join('/'))!.data, f.offset);
  return out;
}
