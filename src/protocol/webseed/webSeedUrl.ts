/**
 * BEP 19 URLs: where a web seed keeps each file of a torrent.
 *
 * @module
 */
import type { Torrent } from '../metainfo/index.js';

/** Each path segment percent-encoded (`/` between segments kept). */
function encodeSegments(segments: readonly string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

/**
 * The URL of one file on a web seed. A single-file torrent's URL is the file itself, or, ending in
 * `/`, a folder holding `name`; a multi-file torrent's URL is a folder holding `name/path…`.
 *
 * @param base - one `url-list` entry
 * @param torrent - the torrent's name, layout and file list
 * @param fileIndex - an index into `torrent.files` (not a pad file)
 * @returns the absolute URL to GET
 * @example
 * ```ts
 * webSeedFileUrl('http://127.0.0.1:8080/pub/', torrent, 0); // 'http://127.0.0.1:8080/pub/tree/a/b.bin'
 * ```
 */
export function webSeedFileUrl(base: string, torrent: Pick<Torrent, 'name' | 'multiFile' | 'files'>, fileIndex: number): string {
  const file = torrent.files[fileIndex];
  if (file === undefined) throw new RangeError(`file ${fileIndex} out of range`);
  if (!torrent.multiFile) return base.endsWith('/') ? base + encodeSegments([torrent.name]) : base;
  const folder = base.endsWith('/') ? base : `${base}/`;
  return folder + encodeSegments([torrent.name, ...file.path]);
}
