/**
 * `Content-Type` of a torrent's file from its extension. Only types a browser shows or plays
 * inertly are named; anything else (HTML, SVG, scripts included) is `application/octet-stream`,
 * so a torrent's page never runs as the stream server's own.
 *
 * @module
 */

const TYPES: Readonly<Record<string, string>> = {
  webm: 'video/webm',
  mkv: 'video/x-matroska',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  ogv: 'video/ogg',
  ts: 'video/mp2t',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  txt: 'text/plain; charset=utf-8',
  srt: 'text/plain; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

/**
 * The media type for a file path.
 *
 * @param path - the file's path in the torrent (any separators)
 * @returns its `Content-Type`
 * @example
 * ```ts
 * contentTypeOf('Movies/film.webm'); // 'video/webm'
 * contentTypeOf('index.html'); // 'application/octet-stream'
 * ```
 */
export function contentTypeOf(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'application/octet-stream';
  return TYPES[name.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}
