/**
 * `rxtorrent info` warns of names unsafe on other platforms, everywhere (issue 17, item 10), and
 * `download` refuses a torrent whose files would be staged onto each other (item 3).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import bencode from 'bencode';
import { buildMetainfo } from '../../src/protocol/metainfo/index.js';
import { content, hashes } from '../protocol/metainfo/fixtures.js';
import { useTempDir } from '../helpers/tmp.js';
import { runCli } from './run.js';

describe('rxtorrent info / download on unsafe names (CLI)', function () {
  this.timeout(60_000);
  const tmp = useTempDir();

  async function torrentFile(paths: string[][]): Promise<string> {
    const files = paths.map((path) => ({ path, length: 10 }));
    const data = content(10 * files.length, 1);
    const file = join(tmp.path, 'unsafe.torrent');
    await writeFile(file, buildMetainfo({ name: 'multi', multiFile: true, files, pieceLength: 16384, pieces: hashes(data, 16384) }));
    return file;
  }

  it('info prints the torrent and one warning a bad name on stderr, exit 0; --json lists them', async () => {
    const file = await torrentFile([['con'], ['a:b'], ['A'], ['a'], ['dot.'], ['fine']]);
    const r = await runCli(['info', file]);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^name: +multi$/m);
    expect(r.stderr.trim().split('\n')).to.deep.equal([
      'warning: multi/con: "con" is a reserved device name on Windows [reserved]',
      'warning: multi/a:b: "a:b" holds a character Windows refuses (< > : " | ? * or a control character) [forbidden-character]',
      'warning: multi/a: "a" and "A" are one name where case is folded (Windows, macOS) [case-collision]',
      'warning: multi/dot.: "dot." ends in a dot or space, which Windows drops [trailing-dot-or-space]',
    ]);
    const json = JSON.parse((await runCli(['info', '--json', file])).stdout) as { warnings: Array<{ kind: string }> };
    expect(json.warnings.map((w) => w.kind)).to.deep.equal(['reserved', 'forbidden-character', 'case-collision', 'trailing-dot-or-space']);
  });

  it('info on a 192 KB torrent with one 64,000-segment path: one ERR_METAINFO_BAD_PATH line, exit 1, in well under 5 s (was 2 min 18 s and 3.7 GB)', async () => {
    const file = join(tmp.path, 'deep.torrent');
    const files = [{ length: 1, path: Array.from({ length: 64_000 }, () => 'a') }];
    await writeFile(file, bencode.encode({ info: { name: 'deep', 'piece length': 16384, pieces: new Uint8Array(20), files } }));
    const started = performance.now();
    const r = await runCli(['info', file]);
    const ms = performance.now() - started;
    console.log(`      rxtorrent info: exit ${r.code} in ${ms.toFixed(0)} ms (process start included)`);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim()).to.match(/^rxtorrent: ERR_METAINFO_BAD_PATH: files\[0\]\.path has 64000 segments; at most 128$/);
    expect(ms).to.be.below(5000);
  });

  it('download refuses x beside x.part with ERR_STORAGE_NAME_COLLISION, exit 1', async () => {
    const file = await torrentFile([['x'], ['x.part']]);
    const r = await runCli(['download', file, '-o', join(tmp.path, 'out'), '--no-seed', '--ip', '127.0.0.1', '-p', '0'], { timeoutMs: 30_000 });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n').at(-1)).to.match(/^rxtorrent: ERR_STORAGE_NAME_COLLISION: .*multi\/x would be staged as multi\/x\.part/);
  });
});
