import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ENTRY = fileURLToPath(new URL('../../dist/tracker/index.js', import.meta.url));

describe('rxtorrent/tracker loads ioredis only when a Redis store is made', function () {
  this.timeout(30_000);

  it('importing it (and using memoryStore) loads no ioredis module; redisStore() then does', async () => {
    const script = `
      const { createRequire } = await import('node:module');
      const cache = createRequire(import.meta.url).cache;
      const ioredis = () => Object.keys(cache).filter((k) => k.includes('/ioredis/')).length;
      const tracker = await import(${JSON.stringify(ENTRY)});
      tracker.memoryStore();
      const before = ioredis();
      const store = tracker.redisStore('redis://127.0.0.1:1', { redisOptions: { lazyConnect: true } });
      console.log(JSON.stringify({ before, after: ioredis() }));
      await store.close?.();
      process.exit(0);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    const counts = JSON.parse(stdout.trim().split('\n').at(-1)!) as { before: number; after: number };
    expect(counts.before).to.equal(0);
    expect(counts.after).to.be.above(0);
  });
});
