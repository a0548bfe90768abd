import { expect } from 'chai';
import { freePort } from '../helpers/net.js';
import { useTempDir } from '../helpers/tmp.js';
import { runCli } from './run.js';

describe('rxtorrent download --metadata-timeout', function () {
  this.timeout(30_000);
  const tmp = useTempDir();

  it('a magnet link no peer answers for: one typed line and exit 1 after the limit, not a wait for ever', async () => {
    // A port nobody listens on: the only peer never connects.
    const nobody = await freePort();
    const started = Date.now();
    const run = await runCli(['download', `magnet:?xt=urn:btih:${'ab'.repeat(20)}`, '-o', tmp.path, '--ip', '127.0.0.1', '-p', '0', '--peer', `127.0.0.1:${nobody}`, '--metadata-timeout', '2']);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stderr).to.match(/ERR_EXT_METADATA_TIMEOUT: no metadata after 2 s/);
    expect(Date.now() - started).to.be.within(1500, 20_000);
  });

  it('is for magnet links only (usage error, exit 2)', async () => {
    const run = await runCli(['download', 'x.torrent', '--metadata-timeout', '5']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/--metadata-timeout is for magnet links/);
  });
});
