/**
 * Downloading a torrent into a folder, with a peer given directly (no tracker needed) or from
 * the torrent's trackers; exits when done.
 *
 * ```
 * npm run build && node --import ./spec/register-ts-node.mjs demo/leech.ts file.torrent out-dir [HOST:PORT]
 * ```
 */
import { auditTime } from 'rxjs';
import { download, parsePeerAddress, readTorrent } from 'rxtorrent';

const [torrentFile, dir = 'downloads', peer] = process.argv.slice(2);
if (torrentFile === undefined) throw new Error('usage: leech.ts <file.torrent> [out-dir] [host:port]');
const torrent = await readTorrent(torrentFile);

download(torrent, { dir, host: '127.0.0.1', port: 0, peers: peer === undefined ? [] : [parsePeerAddress(peer)], seed: false })
  // States come a few times a second; a terminal needs one a second.
  .pipe(auditTime(1000))
  .subscribe({
    next: (s) => console.log(`${(s.progress * 100).toFixed(1)}% ${(s.downloadRate / 2 ** 20).toFixed(1)} MiB/s, ${s.peers.length} peers`),
    complete: () => console.log(`done: ${dir}/${torrent.name}`),
    error: (err: unknown) => console.error(err),
  });
