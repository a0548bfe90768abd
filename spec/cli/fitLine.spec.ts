import { expect } from 'chai';
import { fitFields } from '../../src/cli/fitLine.js';

describe('fitFields: a status line that fits the terminal', () => {
  const fields = ['downloading 1.5 MiB/3.0 MiB', 'ETA 4s', '3 peers', '1.2 MiB/s↓ 0 B/s↑', '48/96 pieces'];

  it('drops fields from the right, whole', () => {
    expect(fitFields(fields, 200)).to.equal(fields.join(' · '));
    expect(fitFields(fields, 46)).to.equal('downloading 1.5 MiB/3.0 MiB · ETA 4s · 3 peers');
    expect(fitFields(fields, 45)).to.equal('downloading 1.5 MiB/3.0 MiB · ETA 4s');
  });

  it('cuts the first field between words only, and gives up gracefully', () => {
    expect(fitFields(fields, 20)).to.equal('downloading 1.5');
    expect(fitFields(fields, 5)).to.equal('');
    expect(fitFields([], 80)).to.equal('');
  });
});

describe('the progress bar on an 80-column terminal', () => {
  it('fits: a long name ends in …, the ETA and peers stay, the rest is dropped whole', async () => {
    const { PassThrough } = await import('node:stream');
    const { progressView } = await import('../../src/cli/progressView.js');
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => (written += c.toString()));
    Object.assign(out, { columns: 80, isTTY: true, cursorTo: () => out.write('\r'), clearLine: () => true, moveCursor: () => true });
    const view = progressView({ stream: out as unknown as NodeJS.WriteStream, label: 'ubuntu-24.04.1-desktop-amd64.iso', tty: true });
    view.update({ fraction: 0.5, detail: 'unused', fields: ['2.9 GiB/5.8 GiB', 'ETA 4m 12s', '12 peers', '11.5 MiB/s↓ 1.0 MiB/s↑', '1480/2960 pieces'] });
    view.finish();
    // eslint-disable-next-line no-control-regex
    const lines = written.split(/\r|\n|\x1b[78]|\x1b\[\d*G/).map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')).filter((l) => l.trim() !== '');
    expect(lines.length).to.be.above(0);
    for (const line of lines) expect(line.length, line).to.be.at.most(79);
    const last = lines.at(-1)!;
    expect(last).to.match(/^ubuntu-24\.04\.1-desk… /);
    expect(last).to.include('ETA 4m 12s · 12 peers');
    expect(last).to.not.include('pieces');
  });
});
