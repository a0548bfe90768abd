/**
 * A tracker in a few lines: the koa app from `rxtorrent/tracker` on a plain node:http server,
 * with its stats printed every 10 s.
 *
 * ```
 * npm run build && node --import ./spec/register-ts-node.mjs demo/tracker.ts [PORT]
 * ```
 */
import http from 'node:http';
import { createTrackerApp, memoryStore } from 'rxtorrent/tracker';

const port = Number(process.argv[2] ?? 8000);
// The embedded memory store; `redisStore(url)` would share swarms with other tracker processes.
const app = createTrackerApp({ interval: 60 }, { store: memoryStore() });
const server = http.createServer(app.callback()).listen(port, '127.0.0.1', () => {
  console.log(`tracker: http://127.0.0.1:${port}/announce (stats at /stats)`);
});
const timer = setInterval(() => {
  http.get(`http://127.0.0.1:${port}/stats`, (res) => {
    let body = '';
    res.on('data', (chunk: Buffer) => (body += chunk.toString()));
    res.on('end', () => console.log(body));
  });
}, 10_000);
process.once('SIGINT', () => {
  clearInterval(timer);
  server.close();
});
