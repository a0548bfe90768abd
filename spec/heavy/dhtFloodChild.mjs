// Child of dhtFlood.spec.ts: a createDht node from dist/ on 127.0.0.1. Prints `PORT <n>` once
// bound and a JSON line of its state with heap figures on each `state` line read from stdin;
// exits on `stop`.
import { createInterface } from 'node:readline';
import { createDht } from '../../dist/index.js';

const rateLimit = JSON.parse(process.argv[2] ?? '{}');
const dht = createDht({ host: '127.0.0.1', port: 0, rateLimit });
let latest;
let printed = false;
const sub = dht.state$.subscribe((s) => {
  latest = s;
  if (!printed) {
    printed = true;
    console.log(`PORT ${s.address.port}`);
  }
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'state') {
    globalThis.gc?.();
    console.log(JSON.stringify({ ...latest, heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss }));
  } else if (line === 'stop') {
    sub.unsubscribe();
    process.exit(0);
  }
});
