/** `--encryption prefer|require|off` on download, seed and demo. */
import { expect } from 'chai';
import { parseEncryption } from '../../src/cli/clientOptions.js';
import { UsageError } from '../../src/cli/usageError.js';
import { runCli } from './run.js';

describe('rxtorrent --encryption', () => {
  it('parses prefer, require and off; prefer when absent', () => {
    expect(parseEncryption(undefined)).to.equal('prefer');
    for (const p of ['prefer', 'require', 'off'] as const) expect(parseEncryption(p)).to.equal(p);
  });

  it('refuses anything else as a usage error', () => {
    expect(() => parseEncryption('rc4')).to.throw(UsageError, /--encryption/);
  });

  for (const command of [['download', 'x.torrent'], ['seed', 'x.torrent', '-d', 'x'], ['demo']]) {
    it(`${command[0]}: a bad policy exits 2 with one clear line`, async () => {
      const r = await runCli([...command, '--encryption', 'maybe']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/--encryption/);
    });
  }

  it('is listed in --help of download, seed and demo', async () => {
    for (const command of ['download', 'seed', 'demo']) expect((await runCli([command, '--help'])).stdout).to.include('--encryption <policy>');
  });
});
