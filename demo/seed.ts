/**
 * Seeding a file you have: read the torrent, recheck the content, announce as a seeder and
 * serve until Ctrl-C (which announces `stopped`).
 *
 * ```
 * npm run build && node --import ./spec/register-ts-node.mjs demo/seed.ts file.torrent path/to/content [PORT]
 * ```
 */
import { readTorrent, seed } from 'rxtorrent';

const [torrentFile, content, port = '6881'] = process.argv.slice(2);
if (torrentFile === undefined || content === undefined) throw new Error('usage: seed.ts <file.torrent> <content> [port]');
const torrent = await readTorrent(torrentFile);

// Cold: nothing happens until subscribe; unsubscribing stops the session cleanly.
const session = seed(torrent, { path: content, host: '127.0.0.1', port: Number(port) }).subscribe((s) => {
  console.log(`${s.name}: ${s.status} ${(s.progress * 100).toFixed(1)}%, ${s.peers.length} peers, uploaded ${s.uploaded} B`);
});
process.once('SIGINT', () => session.unsubscribe());
