/**
 * `rxtorrent download <torrent> [-o DIR] [--ip IP] [-p PORT] [--peer ADDR]... [--max-peers N] [--no-seed] [--json]`
 *
 * @module
 */
import { Command } from 'commander';
import { download } from '../../streams/download.js';
import { readTorrent } from '../../streams/readTorrent.js';
import { collect, DEFAULT_IP, DEFAULT_PORT, parseIp, parsePeer, parsePort, parsePositive } from '../options.js';
import { runSession } from '../runSession.js';
import { sessionView } from '../sessionView.js';

interface DownloadOptions {
  output: string;
  ip: string;
  port: string;
  peer: string[];
  maxPeers: string;
  seed: boolean;
  json?: boolean;
}

/**
 * The `download` command.
 *
 * @example
 * ```ts
 * program.addCommand(downloadCommand());
 * ```
 */
export function downloadCommand(): Command {
  return new Command('download')
    .description('download a torrent, then keep seeding it until Ctrl-C')
    .argument('<torrent>', '.torrent file')
    .option('-o, --output <dir>', 'folder to save into', '.')
    .option('--ip <ip>', 'address to listen on, dial from and announce', DEFAULT_IP)
    .option('-p, --port <port>', 'port to listen on', String(DEFAULT_PORT))
    .option('--peer <host:port>', 'dial this peer directly (repeatable; no tracker needed)', collect, [])
    .option('--max-peers <n>', 'connections in and out together', '50')
    .option('--no-seed', 'exit when the download completes')
    .option('--json', 'print one JSON state object per second on stdout')
    .action(async (source: string, options: DownloadOptions) => {
      const config = {
        dir: options.output,
        host: parseIp(options.ip),
        port: parsePort(options.port),
        peers: options.peer.map(parsePeer),
        maxPeers: parsePositive(options.maxPeers, '--max-peers'),
        seed: options.seed,
      };
      const torrent = await readTorrent(source);
      const view = sessionView({ stream: process.stderr, json: options.json === true });
      process.exitCode = await runSession(download(torrent, config), view);
    });
}
