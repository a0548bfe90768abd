/**
 * The demos are written from the public API only (they import the package's entry points by
 * name, as a user would), and `demo/pipeline.ts`, the hand-composed download, finishes against a
 * real seeder on loopback.
 */
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeSeededTorrent, PAYLOAD_BYTES } from '../cli/swarmFixture.js';
import { startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PUBLIC = /^(rxtorrent(\/(operators|tracker|ui))?|rxjs|node:[\w/]+)$/;

describe('demo/', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('every demo imports only the public entry points (by package name), rxjs and Node', async () => {
    const demos = (await readdir(join(ROOT, 'demo'))).filter((f) => f.endsWith('.ts'));
    expect(demos).to.include('pipeline.ts');
    for (const demo of demos) {
      const text = await readFile(join(ROOT, 'demo', demo), 'utf8');
      const specifiers = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]!);
      expect(specifiers.length, demo).to.be.above(0);
      expect(specifiers.filter((s) => !PUBLIC.test(s)), demo).to.deep.equal([]);
    }
  });

  it('demo/pipeline.ts downloads a torrent from one peer with the operators alone', async () => {
    const fixture = await makeSeededTorrent(tmp.path);
    const demo = startProcess(process.execPath, ['--import', './spec/register-ts-node.mjs', 'demo/pipeline.ts', fixture.torrent, fixture.peer], {
      cwd: ROOT, timeoutSec: 50, name: 'demo-pipeline',
    });
    const [, bytes] = await demo.waitForLine(/^complete: a\.bin, (\d+) bytes in memory$/, 40_000);
    expect(Number(bytes)).to.equal(PAYLOAD_BYTES);
    expect((await demo.exited).code).to.equal(0);
  });
});
