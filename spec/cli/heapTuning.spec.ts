import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { holdYoungGeneration } from '../../src/cli/heapTuning.js';

const MODULE = fileURLToPath(new URL('../../dist/cli/heapTuning.js', import.meta.url));

/**
 * Runs a child node that (optionally) holds its young generation, then allocates a sliding window
 * of objects that survive scavenges — what a transfer does — and prints the young generation's
 * size in MiB. A child, because V8 flags are process-wide and mocha's heap is not the subject.
 */
function youngGenerationMiB(hold: boolean): Promise<number> {
  const script = `
    import { holdYoungGeneration } from ${JSON.stringify(MODULE)};
    import { getHeapSpaceStatistics } from 'node:v8';
    if (${hold}) holdYoungGeneration([], '');
    const window = [];
    for (let i = 0; i < 600000; i++) {
      window.push({ i, label: 'block ' + i });
      if (window.length > 50000) window.splice(0, 25000);
    }
    const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(young.space_size / 1048576);`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } }, (err, stdout) =>
      err ? reject(err) : resolve(Number(stdout.trim())),
    );
  });
}

describe('cli/heapTuning', function () {
  this.timeout(60_000);

  it('keeps the young generation at its initial size under a stream of survivors', async function () {
    expect(await youngGenerationMiB(true)).to.be.at.most(2);
  });

  it('without it, the same allocation grows the young generation (the control)', async function () {
    expect(await youngGenerationMiB(false)).to.be.at.least(8);
  });

  it('leaves a process alone whose user chose semi-space flags', function () {
    expect(holdYoungGeneration(['--max-semi-space-size=4'], '')).to.equal(false);
    expect(holdYoungGeneration([], '--min-semi-space-size=2 --max-old-space-size=512')).to.equal(false);
  });
});
