/**
 * The reference of `bench:tracker`: the npm `bittorrent-tracker` server (WebTorrent's), HTTP only,
 * stats page off, interval 600 s. Only `bittorrent-tracker/server` is imported: its client side
 * needs native modules that `--ignore-scripts` never builds. Usage: `node btTracker.mjs PORT`.
 * Plain JavaScript for the reason given in koaHello.mjs.
 */
import Server from 'bittorrent-tracker/server';

const server = new Server({ http: true, udp: false, ws: false, stats: false, interval: 600_000 });
server.on('error', (err) => console.error(`bittorrent-tracker: ${err.message}`));
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('listening'));
