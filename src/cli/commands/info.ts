/**
 * `rxtorrent info <file.torrent | magnet:…> [--json]`: what a torrent or magnet link holds.
 *
 * @module
 */
import { Command } from 'commander';
import { contentLength, magnetOf, nameProblems, parseMagnet, type MagnetLink, type NameProblem, type Torrent } from '../../protocol/metainfo/index.js';
import { readTorrent } from '../../streams/readTorrent.js';
import { formatBytes } from '../units.js';

/**
 * The `info` command.
 *
 * @example
 * ```ts
 * declare const program: import('commander').Command;
 * program.addCommand(infoCommand());
 * ```
 */
export function infoCommand(): Command {
  return new Command('info')
    .description('show what a .torrent file or a magnet link holds')
    .argument('<torrent>', '.torrent file or magnet: URI')
    .option('--json', 'print one JSON object')
    .action(async (source: string, options: { json?: boolean }) => {
      const out = (text: string): boolean => process.stdout.write(text);
      if (/^magnet:/i.test(source)) {
        const link = parseMagnet(source);
        out(options.json === true ? `${JSON.stringify(magnetJson(link))}\n` : describeMagnet(link));
        return;
      }
      const torrent = await readTorrent(source);
      const problems = nameProblems(torrent);
      out(options.json === true ? `${JSON.stringify({ ...torrentJson(torrent), warnings: problems })}\n` : describeTorrent(torrent));
      // Warnings on every platform: the torrent may be shared with people on others.
      for (const line of warningLines(problems)) process.stderr.write(`${line}\n`);
    });
}

/** Most name warnings printed one per line; the rest are counted. */
const MAX_WARNING_LINES = 20;

/**
 * `warning: <path>: <detail> [kind]` lines for unsafe names, at most {@link MAX_WARNING_LINES}
 * and a count of the rest.
 *
 * @example
 * ```ts
 * for (const line of warningLines(nameProblems(torrent))) console.error(line);
 * ```
 */
export function warningLines(problems: readonly NameProblem[]): string[] {
  const lines = problems.slice(0, MAX_WARNING_LINES).map((p) => `warning: ${p.path}: ${p.detail} [${p.kind}]`);
  if (problems.length > MAX_WARNING_LINES) lines.push(`warning: … and ${problems.length - MAX_WARNING_LINES} more unsafe names`);
  return lines;
}

/**
 * The JSON form of a torrent (stable field names: scripts rely on them). `infoHash` is the 20-byte
 * swarm id (the v1 hash, or a v2-only torrent's truncated v2 hash); `infoHashV2` the SHA-256.
 */
export function torrentJson(t: Torrent) {
  return {
    name: t.name,
    infoHash: t.infoHash,
    infoHashV2: t.infoHashV2,
    version: t.version,
    length: t.length,
    pieceLength: t.pieceLength,
    pieceCount: t.pieceCount,
    multiFile: t.multiFile,
    private: t.private,
    hybrid: t.hybrid,
    // `index`: the number `download --files` and the stream server use (pad files have none).
    files: withIndices(t.files).map(({ file: f, index }) => ({ index, path: f.relativePath, length: f.length, offset: f.offset, pad: f.pad })),
    trackers: t.announce,
    urlList: t.urlList,
    comment: t.comment,
    createdBy: t.createdBy,
    creationDate: t.creationDate?.toISOString(),
    magnet: magnetOf(t),
  };
}

/** Each file with its index among the files that are not padding (undefined for pad files). */
function withIndices(files: Torrent['files']): { file: Torrent['files'][number]; index: number | undefined }[] {
  let next = 0;
  return files.map((file) => ({ file, index: file.pad ? undefined : next++ }));
}

function describeTorrent(t: Torrent): string {
  const files = t.files.filter((f) => !f.pad);
  const lines = [
    ['name', t.name],
    ...(t.version === 2 ? [] : [['info-hash', t.infoHash]]),
    ...(t.infoHashV2 === undefined ? [] : [['info-hash v2', t.infoHashV2]]),
    ['version', VERSION_TEXT[String(t.version)]!],
    ['size', `${formatBytes(contentLength(t))} (${contentLength(t)} bytes)`],
    ['pieces', `${t.pieceCount} × ${formatBytes(t.pieceLength)}`],
    ['files', `${files.length} (numbered for download --files)`],
    ...files.map((f, i) => ['', `${String(i).padStart(4)}  ${formatBytes(f.length).padStart(10)}  ${f.relativePath}`]),
    ...t.announce.map((tier, i) => [i === 0 ? 'trackers' : '', `tier ${i + 1}: ${tier.join(' ')}`]),
    ...t.urlList.map((url, i) => [i === 0 ? 'web seeds' : '', url]),
    ['private', t.private ? 'yes' : 'no'],
    ...(t.comment === undefined ? [] : [['comment', t.comment]]),
    ...(t.createdBy === undefined ? [] : [['created by', t.createdBy]]),
    ...(t.creationDate === undefined ? [] : [['created', t.creationDate.toISOString()]]),
    ['magnet', magnetOf(t)],
  ];
  return lines.map(([k, v]) => `${k === '' ? '' : `${k}:`.padEnd(14)}${k === '' ? ' '.repeat(14) : ''}${v}\n`).join('');
}

const VERSION_TEXT: Record<string, string> = {
  1: 'v1 (BEP 3)',
  2: 'v2 only (BEP 52; downloading it is not supported yet)',
  hybrid: 'hybrid v1 + v2 (BEP 52)',
};

function magnetJson(link: MagnetLink) {
  return {
    infoHash: link.infoHash, infoHashV2: link.infoHashV2, version: link.version ?? 1,
    name: link.name, length: link.length, trackers: link.trackers, peers: link.peers, webSeeds: link.webSeeds ?? [],
  };
}

function describeMagnet(link: MagnetLink): string {
  const rows = [
    ...(link.version === 2 ? [] : [['info-hash', link.infoHash]]),
    ...(link.infoHashV2 === undefined ? [] : [['info-hash v2', link.infoHashV2]]),
    ...(link.name === undefined ? [] : [['name', link.name]]),
    ...(link.length === undefined ? [] : [['size', `${formatBytes(link.length)} (${link.length} bytes)`]]),
    ...link.trackers.map((tr, i) => [i === 0 ? 'trackers' : '', tr]),
    ...link.peers.map((pe, i) => [i === 0 ? 'peers' : '', pe]),
    ...(link.webSeeds ?? []).map((ws, i) => [i === 0 ? 'web seeds' : '', ws]),
  ];
  return rows.map(([k, v]) => `${k === '' ? ' '.repeat(14) : `${k}:`.padEnd(14)}${v}\n`).join('');
}
