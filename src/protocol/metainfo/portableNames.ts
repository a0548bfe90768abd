/**
 * Names that are harmless on Linux but not elsewhere: Windows refuses reserved device names
 * (`con`, `nul.txt`, `COM1`), `< > : " | ? *` and control characters (`C:` and `a:b` would name a
 * drive or an NTFS stream), and silently drops a trailing dot or space; Windows and macOS fold
 * case (and macOS Unicode normalization), so `A` beside `a` is one file there. `info` reports
 * them everywhere; storage refuses them on the platforms they break.
 *
 * @module
 */
import type { Torrent } from './torrent.js';

/** What is wrong with a name, and where it breaks. */
export type NameProblemKind =
  /** A Windows device name (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`), with or without an extension. */
  | 'reserved'
  /** A character Windows refuses in a name: `< > : " | ? *` or a control character. */
  | 'forbidden-character'
  /** A trailing dot or space, which Windows drops (the file would land under another name). */
  | 'trailing-dot-or-space'
  /** Another name in the same folder equal to it once case (and Unicode form) is folded. */
  | 'case-collision';

/** One unsafe name of a torrent. */
export interface NameProblem {
  /** The relative path up to and including the bad segment, `/`-separated, the torrent's name first. */
  readonly path: string;
  readonly kind: NameProblemKind;
  /** A sentence for people. */
  readonly detail: string;
}

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
const FORBIDDEN = /[<>:"|?*\u0000-\u001f]/;

/**
 * The kinds that break on `platform` (a `process.platform` value); none on Linux.
 *
 * @example
 * ```ts
 * problemKindsFor('darwin').has('case-collision'); // true
 * ```
 */
export function problemKindsFor(platform: string): ReadonlySet<NameProblemKind> {
  if (platform === 'win32') return new Set<NameProblemKind>(['reserved', 'forbidden-character', 'trailing-dot-or-space', 'case-collision']);
  if (platform === 'darwin') return new Set<NameProblemKind>(['case-collision']);
  return new Set();
}

/**
 * A name as a case-insensitive, normalization-insensitive file system compares it.
 *
 * @example
 * ```ts
 * foldName('README') === foldName('readme'); // true
 * ```
 */
export function foldName(segment: string): string {
  return segment.normalize('NFC').toLowerCase();
}

function segmentProblem(segment: string): [NameProblemKind, string] | undefined {
  if (RESERVED.test(segment)) return ['reserved', `"${segment}" is a reserved device name on Windows`];
  if (FORBIDDEN.test(segment)) return ['forbidden-character', `"${segment}" holds a character Windows refuses (< > : " | ? * or a control character)`];
  if (/[. ]$/.test(segment)) return ['trailing-dot-or-space', `"${segment}" ends in a dot or space, which Windows drops`];
  return undefined;
}

/**
 * Every name of `torrent` that is unsafe on some platform (pad files are never written, so
 * never checked). Linear in the paths' length: folders are numbered nodes keyed by their
 * parent's number and their folded name, not full-path strings.
 *
 * @param torrent - its `name` and `files`.
 * @returns the problems, in file order: each bad folder once, at most one a file.
 * @example
 * ```ts
 * for (const p of nameProblems(torrent)) console.warn(`warning: ${p.path}: ${p.detail}`);
 * ```
 */
export function nameProblems(torrent: Pick<Torrent, 'name' | 'files' | 'multiFile'>): NameProblem[] {
  const problems: NameProblem[] = [];
  /** `<parent id>/<folded name>` → the node's id and the spelling first seen. */
  const nodes = new Map<string, { id: number; spelling: string }>();
  const report = (segments: readonly string[], kind: NameProblemKind, detail: string): void => {
    problems.push({ path: segments.join('/'), kind, detail });
  };
  const rootProblem = segmentProblem(torrent.name);
  if (rootProblem !== undefined) report([torrent.name], ...rootProblem);
  if (!torrent.multiFile) return problems;
  const collided = new Set<string>();
  for (const file of torrent.files) {
    if (file.pad) continue;
    let parent = 0;
    // One problem a file at most, so the report stays linear in the paths too.
    let reported = false;
    file.path.forEach((segment, j) => {
      const key = `${parent}/${foldName(segment)}`;
      let node = nodes.get(key);
      const at = (): string[] => [torrent.name, ...file.path.slice(0, j + 1)];
      if (node === undefined) {
        nodes.set(key, (node = { id: nodes.size + 1, spelling: segment }));
        const problem = segmentProblem(segment);
        if (problem !== undefined && !reported) report(at(), ...problem);
        reported ||= problem !== undefined;
      } else if (node.spelling !== segment && !reported && !collided.has(`${key}\0${segment}`)) {
        collided.add(`${key}\0${segment}`);
        report(at(), 'case-collision', `"${segment}" and "${node.spelling}" are one name where case is folded (Windows, macOS)`);
        reported = true;
      }
      parent = node.id;
    });
  }
  return problems;
}
