import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { download } from '../../src/streams/download.js';
import { runCli } from '../cli/run.js';
import { selfSignedCert, startNginx } from '../helpers/httpServers.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { fetchAll, webSeedTorrent } from './webSeedHelpers.js';

const SIZE = 1_500_000;

describe('interop: an HTTPS web seed (nginx with a self-signed certificate on loopback)', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** The payload at `www/f.bin`, nginx serving it over TLS, and a torrent naming the file's https URL. */
  async function setUp(ctx: Mocha.Context) {
    requireTool(ctx, 'nginx');
    requireTool(ctx, 'openssl');
    const content = join(tmp.path, 'www', 'f.bin');
    await writePayload(content, SIZE, 'tls');
    const tls = await selfSignedCert(join(tmp.path, 'tls'));
    const server = await startNginx(join(tmp.path, 'nginx'), join(tmp.path, 'www'), '', tls);
    expect(server.url).to.match(/^https:/);
    const file = join(tmp.path, 'f.torrent');
    const torrent = await webSeedTorrent(content, [`${server.url}f.bin`], file);
    return { content, torrent, file, ca: tls.cert };
  }

  it('trusted through config.webSeed.ca: byte-identical from the web seed alone', async function () {
    const { content, torrent, ca } = await setUp(this);
    const final = await fetchAll(torrent, join(tmp.path, 'out'), { webSeed: { ca: await readFile(ca) } });
    expect(final.status).to.equal('done');
    expect(await filesIdentical(content, join(tmp.path, 'out', 'f.bin'))).to.equal(true);
    expect(final.webSeeds?.[0]).to.include({ status: 'active', downloaded: SIZE });
  });

  it('not trusted: the server is dropped at once, the state naming the TLS failure', async function () {
    const { torrent } = await setUp(this);
    const state = await firstValueFrom(download(torrent, { dir: join(tmp.path, 'out'), host: '127.0.0.1', port: 0, seed: false }).pipe(
      filter((s) => s.webSeeds?.[0]?.status === 'dropped'),
      timeout(20_000),
    ));
    expect(state.webSeeds?.[0]?.reason).to.match(/TLS: .*self[- ]signed certificate.*\(DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
    expect(state.webSeeds?.[0]?.downloaded).to.equal(0);
  });

  it('the CLI trusts a CA named by NODE_EXTRA_CA_CERTS', async function () {
    const { content, file, ca } = await setUp(this);
    const out = join(tmp.path, 'cli');
    const args = ['download', file, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--no-seed'];
    const run = await runCli(args, { timeoutMs: 40_000, env: { NODE_EXTRA_CA_CERTS: ca } });
    expect(run.code, run.stderr).to.equal(0);
    expect(await filesIdentical(content, join(out, 'f.bin'))).to.equal(true);
  });
});
