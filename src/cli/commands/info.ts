/**
 * `rxtorrent info <file.torrent | magnet:…> [--json]`: what a torrent or magnet link holds.
 *
 * @module
 */
import { Command } from 'commander';
import { magnetOf, parseMagnet, type MagnetLink, type Torrent } from '../../protocol/metainfo/index.js';
import { readTorrent } from '../../streams/readTorrent.js';
import { formatBytes } from '../units.js';

/**
 * The `info` command.
 *
 * @example
 * ```ts
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
      out(options.json === true ? `${JSON.stringify(torrentJson(torrent))}\n` : describeTorrent(torrent));
    });
}

/** The JSON form of a torrent (stable field names: scripts rely on them). */
export function torrentJson(t: Torrent) {
  return {
    name: t.name,
    infoHash: t.infoHash,
    length: t.length,
    pieceLength: t.pieceLength,
    pieceCount: t.pieceCount,
    multiFile: t.multiFile,
    private: t.private,
    hybrid: t.hybrid,
    files: t.files.map((f) => ({ path: f.relativePath, length: f.length, offset: f.offset, pad: f.pad })),
    trackers: t.announce,
    urlList: t.urlList,
    comment: t.comment,
    createdBy: t.createdBy,
    creationDate: t.creationDate?.toISOString(),
    magnet: magnetOf(t),
  };
}

function describeTorrent(t: Torrent): string {
  const files = t.files.filter((f) => !f.pad);
  const lines = [
    ['name', t.name],
    ['info-hash', t.infoHash],
    ['size', `${formatBytes(t.length)} (${t.length} bytes)`],
    ['pieces', `${t.pieceCount} × ${formatBytes(t.pieceLength)}`],
    ['files', String(files.length)],
    ...files.map((f) => ['', `${formatBytes(f.length).padStart(10)}  ${f.relativePath}`]),
    ...t.announce.map((tier, i) => [i === 0 ? 'trackers' : '', `tier ${i + 1}: ${tier.join(' ')}`]),
    ['private', t.private ? 'yes' : 'no'],
    ...(t.hybrid ? [['version', 'hybrid v1+v2 (used through v1)']] : []),
    ...(t.comment === undefined ? [] : [['comment', t.comment]]),
    ...(t.createdBy === undefined ? [] : [['created by', t.createdBy]]),
    ...(t.creationDate === undefined ? [] : [['created', t.creationDate.toISOString()]]),
    ['magnet', magnetOf(t)],
  ];
  return lines.map(([k, v]) => `${k === '' ? '' : `${k}:`.padEnd(12)}${k === '' ? ' '.repeat(12) : ''}${v}\n`).join('');
}

function magnetJson(link: MagnetLink) {
  return { infoHash: link.infoHash, name: link.name, length: link.length, trackers: link.trackers, peers: link.peers };
}

function describeMagnet(link: MagnetLink): string {
  const rows = [
    ['info-hash', link.infoHash],
    ...(link.name === undefined ? [] : [['name', link.name]]),
    ...(link.length === undefined ? [] : [['size', `${formatBytes(link.length)} (${link.length} bytes)`]]),
    ...link.trackers.map((tr, i) => [i === 0 ? 'trackers' : '', tr]),
    ...link.peers.map((pe, i) => [i === 0 ? 'peers' : '', pe]),
  ];
  return rows.map(([k, v]) => `${k === '' ? ' '.repeat(12) : `${k}:`.padEnd(12)}${v}\n`).join('');
}
