import { expect } from 'chai';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useTempDir } from '../helpers/tmp.js';
import { runCli } from './run.js';

describe('rxtorrent download -o: a folder that cannot be made', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  async function torrent(): Promise<string> {
    const payload = join(tmp.path, 'p.bin');
    await writeFile(payload, new Uint8Array(50_000).fill(7));
    const file = join(tmp.path, 'p.torrent');
    const made = await runCli(['create', payload, '-o', file]);
    expect(made.code, made.stderr).to.equal(0);
    return file;
  }

  it('under /proc (where Node\'s recursive mkdir never settles): one typed line and exit 1, promptly', async function () {
    if (!(await access('/proc/self').then(() => true, () => false))) this.skip();
    const started = Date.now();
    const run = await runCli(['download', await torrent(), '-o', '/proc/nope/x', '--ip', '127.0.0.1', '-p', '0', '--no-seed'], { timeoutMs: 20_000 });
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr.trim().split('\n').at(-1)).to.match(/^rxtorrent: ERR_STORAGE_\w+: cannot prepare \/proc\/nope\/x\/p\.bin\.part/);
    expect(Date.now() - started).to.be.below(15_000);
  });

  it('below a file: ENOTDIR as a storage error', async () => {
    const file = join(tmp.path, 'plain');
    await writeFile(file, 'x');
    const run = await runCli(['download', await torrent(), '-o', join(file, 'sub'), '--ip', '127.0.0.1', '-p', '0', '--no-seed'], { timeoutMs: 20_000 });
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr.trim().split('\n').at(-1)).to.match(/^rxtorrent: ERR_STORAGE_\w+: .*not a directory/i);
  });
});
