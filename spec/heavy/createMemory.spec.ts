import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readTorrent } from '../../src/index.js';
import { CLI } from '../cli/run.js';
import { ltRecheck } from '../helpers/clients.js';
import { watchMemory } from '../helpers/memory.js';
import { writePayload } from '../helpers/payload.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

/** Runs `rxtorrent create` from dist/ and returns its exit code and peak memory. */
async function createWithMemory(file: string, out: string) {
  const child = spawn(process.execPath, [CLI, 'create', file, '-o', out, '-t', 'http://127.0.0.1:1/announce'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const peaks = await watchMemory(child.pid as number, exited);
  return { code: await exited, ...peaks };
}

describe('heavy: rxtorrent create hashes in O(piece length) memory', function () {
  this.timeout(300_000);
  const tmp = useTempDir({ scope: 'all' });

  it('1 GiB: peak RSS under 100 MiB, and libtorrent finds every piece valid', async function () {
    requireTool(this, 'libtorrent');
    const file = join(tmp.path, 'big.bin');
    await writePayload(file, 1024 * 1024 * 1024, 'create-heavy');
    const out = join(tmp.path, 'big.torrent');
    const run = await createWithMemory(file, out);
    expect(run.code).to.equal(0);
    console.log(`      peak RSS ${(run.peakRssKiB / 1024).toFixed(1)} MiB, RssAnon ${(run.peakRssAnonKiB / 1024).toFixed(1)} MiB`);
    expect(run.peakRssKiB).to.be.below(100 * 1024);
    const torrent = await readTorrent(out);
    expect(torrent.pieceCount).to.be.within(1000, 2000);
    expect(await ltRecheck(out, tmp.path)).to.deep.equal({ have: torrent.pieceCount, total: torrent.pieceCount });
  });
});
