/**
 * The stream server's index: every torrent it serves and the URL of each file, as JSON and as a
 * plain HTML page (no script).
 *
 * @module
 */
import { visibleFiles } from '../../protocol/scheduler/pieceLevels.js';
import type { ServedTorrent } from './streamSource.js';

/** One torrent in the index. */
export interface StreamIndexEntry {
  readonly infoHash: string;
  /** Undefined (and `files` empty) while the metadata is fetched or the files on disk are checked. */
  readonly name: string | undefined;
  readonly files: readonly { readonly index: number; readonly path: string; readonly length: number; readonly url: string }[];
}

/**
 * The path of a file on the stream server: `/<infoHash>/<index>/<file name>` (the name only helps
 * players and people; the server ignores it).
 *
 * @example
 * ```ts
 * fileUrlPath('ab'.repeat(20), 0, 'dir/film.webm'); // '/abab…ab/0/film.webm'
 * ```
 */
export function fileUrlPath(infoHash: string, index: number, path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return `/${infoHash}/${index}/${encodeURIComponent(name)}`;
}

/**
 * The index of what is served.
 *
 * @example
 * ```ts
 * declare const served: readonly ServedTorrent[]; // servedTorrents(source).all()
 * streamIndex(served);
 * ```
 */
export function streamIndex(torrents: readonly ServedTorrent[]): StreamIndexEntry[] {
  return torrents.map(({ handle, torrent }) => ({
    infoHash: handle.infoHash,
    name: torrent?.name,
    files: torrent === undefined ? [] : visibleFiles(torrent).map((f, index) => ({
      index, path: f.relativePath, length: f.length, url: fileUrlPath(handle.infoHash, index, f.relativePath),
    })),
  }));
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The index as an HTML page: a list of links per torrent.
 *
 * @example
 * ```ts
 * declare const ctx: import('koa').Context, served: readonly ServedTorrent[];
 * ctx.body = streamIndexHtml(streamIndex(served));
 * ```
 */
export function streamIndexHtml(entries: readonly StreamIndexEntry[]): string {
  const sections = entries.map((t) => {
    const items = t.files.map((f) => `<li><a href="${escapeHtml(f.url)}">${f.index}: ${escapeHtml(f.path)}</a> (${f.length} bytes)</li>`);
    const body = t.name === undefined ? '<p>not ready: fetching the metadata or checking the files on disk…</p>' : `<ul>${items.join('')}</ul>`;
    return `<section><h2>${escapeHtml(t.name ?? t.infoHash)}</h2><p><code>${t.infoHash}</code></p>${body}</section>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>rxtorrent streams</title></head><body><h1>rxtorrent streams</h1>${sections.join('') || '<p>no torrents</p>'}</body></html>`;
}
