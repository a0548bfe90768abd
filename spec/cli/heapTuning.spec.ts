import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tunePeerHeap } from '../../src/cli/heapTuning.js';

const MODULE = fileURLToPath(new URL('../../dist/cli/heapTuning.js', import.meta.url));

/** Largest sizes, in MiB, the young and old generations reached in {@link allocateLikeATransfer}. */
interface Sizes {
  young: number;
  old: number;
}

/**
 * Runs a child node that (optionally) tunes its heap, then allocates a sliding window of objects
 * that survive scavenges and then die — what a transfer does with pending blocks — and prints the
 * largest young- and old-generation sizes seen. A child, because V8 flags are process-wide and
 * mocha's heap is not the subject.
 */
function allocateLikeATransfer(tuning: 'none' | 'young only' | 'both'): Promise<Sizes> {
  // Telling tunePeerHeap that the user chose an old-generation flag makes it tune the young one only.
  const userFlags = tuning === 'young only' ? '--no-optimize-for-size' : '';
  const script = `
    import { tunePeerHeap } from ${JSON.stringify(MODULE)};
    import { getHeapSpaceStatistics } from 'node:v8';
    if (${tuning !== 'none'}) tunePeerHeap([], ${JSON.stringify(userFlags)});
    const size = (name) => getHeapSpaceStatistics().find((s) => s.space_name === name).space_size / 1048576;
    const peak = { young: 0, old: 0 };
    const window = [];
    for (let i = 0; i < 2400000; i++) {
      window.push({ i, label: 'block ' + i });
      if (window.length > 60000) window.splice(0, 30000);
      if (i % 10000 === 0) {
        peak.young = Math.max(peak.young, size('new_space'));
        peak.old = Math.max(peak.old, size('old_space'));
      }
    }
    console.log(JSON.stringify(peak));`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 30_000, env: { ...process.env, NODE_OPTIONS: '' } }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as Sizes),
    );
  });
}

describe('cli/heapTuning', function () {
  this.timeout(60_000);
  let tuned: Sizes;
  let youngOnly: Sizes;
  let untuned: Sizes;
  before(async function () {
    tuned = await allocateLikeATransfer('both');
    youngOnly = await allocateLikeATransfer('young only');
    untuned = await allocateLikeATransfer('none');
  });

  it('keeps the young generation at its initial size under a stream of survivors', function () {
    expect(tuned.young).to.be.at.most(2);
  });

  it('keeps the old generation near its live size while promoted garbage streams in', function () {
    // The live window is a few MiB of objects; V8's default lets garbage pile 8 MiB and more above it.
    expect(tuned.old).to.be.below(youngOnly.old * 0.75);
  });

  it('without it, the same allocation grows the young generation (the control)', function () {
    expect(untuned.young).to.be.at.least(8);
  });

  it('leaves alone each generation whose user chose flags for it', function () {
    expect(tunePeerHeap(['--max-semi-space-size=4'], '')).to.deep.equal({ youngGeneration: false, oldGeneration: true });
    expect(tunePeerHeap([], '--min-semi-space-size=2 --max-old-space-size=512')).to.deep.equal({ youngGeneration: false, oldGeneration: false });
    expect(tunePeerHeap(['--no-optimize-for-size'], '')).to.deep.equal({ youngGeneration: true, oldGeneration: false });
  });
});
