/**
 * Path rules for names that come from a `.torrent`: every segment must be a plain file or
 * folder name, so that joining the segments under a download directory can never escape it.
 *
 * @module
 */
import { MetainfoError } from '../../errors.js';

/** Longest path segment accepted, in UTF-16 units (common filesystems allow 255 bytes). */
export const MAX_SEGMENT_LENGTH = 255;
/**
 * Most segments in one v1 file path (folders deep + the file). Real torrents stay far below;
 * the cap bounds per-path work before anything else looks at the segments.
 */
export const MAX_PATH_SEGMENTS = 128;
/** Longest path of a file, `name/seg/…/file` in UTF-16 units (Linux's PATH_MAX is 4,096 bytes). */
export const MAX_PATH_LENGTH = 4096;

/**
 * Checks one path segment from a torrent: not empty, not `.` or `..`, no `/`, `\` or NUL.
 *
 * @param segment - a file or folder name taken from the metainfo
 * @param where - the field name for the error message
 * @returns the segment unchanged
 * @throws {@link MetainfoError} `ERR_METAINFO_BAD_PATH`
 * @example
 * ```ts
 * checkSegment('song.mp3', 'name'); // 'song.mp3'
 * checkSegment('..', 'files[0].path'); // throws
 * ```
 */
export function checkSegment(segment: string, where: string): string {
  const problem =
    segment.length === 0 ? 'is empty'
    : segment === '.' || segment === '..' ? `is "${segment}"`
    : /[/\\]/.test(segment) ? 'contains a path separator'
    : segment.includes('\0') ? 'contains a NUL byte'
    : segment.length > MAX_SEGMENT_LENGTH ? `is longer than ${MAX_SEGMENT_LENGTH} characters`
    : undefined;
  if (problem !== undefined) {
    throw new MetainfoError('ERR_METAINFO_BAD_PATH', `${where}: path segment ${problem}`);
  }
  return segment;
}
