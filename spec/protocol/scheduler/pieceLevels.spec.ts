import { expect } from 'chai';
import { pieceLevels, visibleFiles, wantedFiles } from '../../../src/protocol/scheduler/pieceLevels.js';
import { readaheadWindows } from '../../../src/protocol/scheduler/readahead.js';

/** Files of `lengths` bytes laid out back to back (pad files where `pad` names them). */
function layout(lengths: number[], pieceLength: number, pads: number[] = []) {
  let offset = 0;
  const files = lengths.map((length, i) => {
    const file = { path: [`f${i}`], relativePath: `t/f${i}`, length, offset, pad: pads.includes(i) };
    offset += length;
    return file;
  });
  return { files, pieceLength, pieceCount: Math.ceil(offset / pieceLength) };
}

describe('pieceLevels: file and range priorities as piece levels', () => {
  it('a piece shared by a skipped and a wanted file is wanted; pieces of skipped files only are skipped', () => {
    const t = layout([100, 150, 100], 100); // pieces: [0,100) [100,200) [200,300) [300,350)
    expect([...pieceLevels(t, ['normal', 'skip', 'skip'])]).to.deep.equal([1, 0, 0, 0]);
    expect([...pieceLevels(t, ['skip', 'normal', 'skip'])]).to.deep.equal([0, 1, 1, 0]);
    expect([...pieceLevels(t, ['skip', 'skip', 'high'])]).to.deep.equal([0, 0, 2, 2]);
    expect([...pieceLevels(t, [])], 'missing: normal').to.deep.equal([1, 1, 1, 1]);
  });

  it('ranges override their file\'s priority, later ranges win; pad files count for nothing and are not numbered', () => {
    const t = layout([300, 50, 100], 100, [1]);
    expect(visibleFiles(t).map((f) => f.relativePath)).to.deep.equal(['t/f0', 't/f2']);
    expect([...pieceLevels(t, ['skip', 'skip'], [{ file: 0, start: 150, end: 160, priority: 'high' }])]).to.deep.equal([0, 2, 0, 0, 0]);
    expect([...pieceLevels(t, ['normal', 'normal'], [{ file: 0, start: 0, end: 300, priority: 'skip' }, { file: 0, start: 250, end: 300, priority: 'high' }])])
      .to.deep.equal([0, 0, 2, 1, 1]);
    expect([...pieceLevels(t, ['normal', 'skip'], [{ file: 0, start: 0, end: 999, priority: 'skip' }])], 'a range past the end is clamped').to.deep.equal([0, 0, 0, 0, 0]);
  });

  it('wantedFiles: what must exist on disk, by storage index (pad files never); a range or a reader brings a skipped file in', () => {
    const t = layout([300, 50, 100, 0], 100, [1]);
    expect(wantedFiles(t, ['skip', 'normal', 'skip'])).to.deep.equal([false, false, true, false]);
    expect(wantedFiles(t, [])).to.deep.equal([true, false, true, true]);
    expect(wantedFiles(t, ['skip', 'skip'], [{ file: 0, start: 10, end: 20, priority: 'high' }])).to.deep.equal([true, false, false, true]);
    expect(wantedFiles(t, ['skip', 'skip'], [{ file: 0, start: 10, end: 20, priority: 'skip' }])).to.deep.equal([false, false, false, true]);
    expect(wantedFiles(t, ['skip', 'skip', 'skip'], [], [{ start: 349, end: 360 }]), 'a reader inside f2').to.deep.equal([false, false, true, false]);
  });
});

describe('readaheadWindows: deadlines ahead of each reader', () => {
  const geometry = (had: number[] = []) => ({ pieceLength: 1 << 20, pieceCount: 100, has: (i: number) => had.includes(i) });

  it('a reader that has not read yet gets the least window (2 MiB), pieces we lack nearest first', () => {
    const plan = readaheadWindows([{ position: 5.5 * 2 ** 20, end: 100 * 2 ** 20, rate: 0 }], geometry([6]));
    expect(plan.deadlines).to.deep.equal([5, 7]);
    expect(plan.windows).to.deep.equal([{ start: 5.5 * 2 ** 20, end: 7.5 * 2 ** 20 }]);
  });

  it('the window follows the reader\'s rate (10 s of it), within the bounds and the reader\'s end', () => {
    const fast = readaheadWindows([{ position: 0, end: 100 * 2 ** 20, rate: 2 * 2 ** 20 }], geometry());
    expect(fast.deadlines).to.have.length(20);
    const capped = readaheadWindows([{ position: 0, end: 100 * 2 ** 20, rate: 1e12 }], geometry(), { maxBytes: 8 * 2 ** 20 });
    expect(capped.deadlines).to.have.length(8);
    const short = readaheadWindows([{ position: 0, end: 2 ** 19, rate: 1e9 }], geometry());
    expect(short.deadlines).to.deep.equal([0]);
  });

  it('two readers: their pieces interleave by distance, each piece once; a finished reader wants nothing', () => {
    const plan = readaheadWindows([
      { position: 10 * 2 ** 20, end: 100 * 2 ** 20, rate: 0 },
      { position: 50.5 * 2 ** 20, end: 100 * 2 ** 20, rate: 0 },
      { position: 30 * 2 ** 20, end: 30 * 2 ** 20, rate: 0 },
    ], geometry());
    expect(plan.deadlines).to.deep.equal([10, 50, 51, 11, 52]);
  });
});
