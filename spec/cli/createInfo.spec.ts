import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMetainfo } from '../../src/index.js';
import { content, malformedTorrents } from '../protocol/metainfo/fixtures.js';
import { runCli } from './run.js';

describe('rxtorrent create / info (CLI)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rxt-cli-'));
    await mkdir(join(dir, 'album', 'disc 2'), { recursive: true });
    await writeFile(join(dir, 'album', 'one.bin'), content(50_000, 1));
    await writeFile(join(dir, 'album', 'disc 2', 'two.bin'), content(20_000, 2));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('create writes a torrent, prints its info-hash and magnet; info shows the same', async () => {
    const created = await runCli(['create', 'album', '-t', 'http://127.0.0.1:8000/announce', '-t', 'udp://127.0.0.1:8000',
      '--piece-length', '16KiB', '--private', '--comment', 'spec', '-o', 'album.torrent'], { cwd: dir });
    expect(created.code, created.stderr).to.equal(0);
    const torrent = parseMetainfo(await readFile(join(dir, 'album.torrent')));
    expect(created.stdout).to.contain(`info-hash ${torrent.infoHash}`);
    expect(created.stdout).to.match(/^magnet:\?xt=urn:btih:[0-9a-f]{40}/m);
    expect(created.stderr).to.match(/hashing 100\.0%/);
    expect(torrent.pieceLength).to.equal(16384);
    expect(torrent.private).to.equal(true);

    const info = await runCli(['info', 'album.torrent'], { cwd: dir });
    expect(info.code).to.equal(0);
    expect(info.stdout).to.contain(torrent.infoHash);
    expect(info.stdout).to.contain('album/disc 2/two.bin');
    expect(info.stdout).to.match(/private:\s+yes/);

    const json = await runCli(['info', 'album.torrent', '--json'], { cwd: dir });
    const parsed = JSON.parse(json.stdout) as { infoHash: string; files: { path: string }[]; trackers: string[][] };
    expect(parsed.infoHash).to.equal(torrent.infoHash);
    expect(parsed.files.map((f) => f.path)).to.deep.equal(['album/disc 2/two.bin', 'album/one.bin']);
    expect(parsed.trackers).to.deep.equal([['http://127.0.0.1:8000/announce'], ['udp://127.0.0.1:8000']]);
  });

  for (const [flag, version] of [['--v2', 2], ['--hybrid', 'hybrid']] as const) {
    it(`create ${flag}: both hashes printed by create and info, version and infoHashV2 in --json`, async () => {
      const out = `album${flag}.torrent`;
      const created = await runCli(['create', 'album', flag, '--piece-length', '16KiB', '-o', out], { cwd: dir });
      expect(created.code, created.stderr).to.equal(0);
      const torrent = parseMetainfo(await readFile(join(dir, out)));
      expect(torrent.version).to.equal(version);
      expect(created.stdout).to.contain(`info-hash v2 ${torrent.infoHashV2}`);
      expect(created.stdout.includes(`info-hash ${torrent.infoHash}`)).to.equal(version === 'hybrid');
      expect(created.stdout).to.contain(`xt=urn:btmh:1220${torrent.infoHashV2}`);
      const info = await runCli(['info', out], { cwd: dir });
      expect(info.stdout).to.match(new RegExp(`info-hash v2:\\s+${torrent.infoHashV2}`));
      expect(info.stdout).to.match(version === 2 ? /version:\s+v2 only/ : /version:\s+hybrid v1 \+ v2/);
      const json = JSON.parse((await runCli(['info', out, '--json'], { cwd: dir })).stdout) as Record<string, unknown>;
      expect(json).to.include({ infoHash: torrent.infoHash, infoHashV2: torrent.infoHashV2, version });
    });
  }

  it('create refuses an existing output before hashing anything (ERR_CREATE_OUTPUT_EXISTS), and --force overwrites it', async () => {
    await writeFile(join(dir, 'taken.torrent'), 'not mine');
    const refused = await runCli(['create', 'album', '-o', 'taken.torrent'], { cwd: dir });
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.not.match(/hashing/);
    expect(refused.stderr.trim()).to.match(/^rxtorrent: ERR_CREATE_OUTPUT_EXISTS: taken\.torrent exists \(use --force/);
    const forced = await runCli(['create', 'album', '-o', 'taken.torrent', '--force'], { cwd: dir });
    expect(forced.code, forced.stderr).to.equal(0);
    expect(parseMetainfo(await readFile(join(dir, 'taken.torrent'))).name).to.equal('album');
  });

  it('create --web-seed (repeatable) writes url-list; info lists the web seeds', async () => {
    const seeds = ['http://127.0.0.1:8080/pub/', 'https://127.0.0.1:8443/mirror/'];
    const created = await runCli(['create', 'album', '--web-seed', seeds[0]!, '--web-seed', seeds[1]!, '-o', 'seeded.torrent'], { cwd: dir });
    expect(created.code, created.stderr).to.equal(0);
    expect(parseMetainfo(await readFile(join(dir, 'seeded.torrent'))).urlList).to.deep.equal(seeds);
    const info = await runCli(['info', 'seeded.torrent'], { cwd: dir });
    expect(info.stdout).to.match(new RegExp(`web seeds:\\s+${seeds[0]}\\n\\s+${seeds[1]}\\n`));
    expect((JSON.parse((await runCli(['info', 'seeded.torrent', '--json'], { cwd: dir })).stdout) as { urlList: string[] }).urlList).to.deep.equal(seeds);
  });

  it('create refuses --v2 with --hybrid', async () => {
    expect((await runCli(['create', 'album', '--v2', '--hybrid', '-o', 'x.torrent'], { cwd: dir })).code).to.equal(2);
  });

  it('info reads a magnet link', async () => {
    const r = await runCli(['info', '--json', 'magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=x&tr=http%3A%2F%2Fa']);
    expect(r.code).to.equal(0);
    expect(JSON.parse(r.stdout)).to.include({ infoHash: 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a', name: 'x', version: 1 });
    const v2 = 'ab'.repeat(32);
    const hybrid = await runCli(['info', '--json', `magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&xt=urn:btmh:1220${v2}`]);
    expect(JSON.parse(hybrid.stdout)).to.include({ infoHashV2: v2, version: 'hybrid' });
  });

  describe('usage errors exit 2', () => {
    const table: [string, string[]][] = [
      ['unknown command', ['frobnicate']],
      ['unknown option', ['info', '--bogus', 'x']],
      ['missing argument', ['create']],
      ['bad size', ['create', 'album', '--piece-length', 'lots']],
      ['bad --hash-threads', ['download', 'missing.torrent', '--hash-threads', 'many']],
      ['too many --hash-threads', ['download', 'missing.torrent', '--hash-threads', '17']],
    ];
    for (const [name, args] of table) {
      it(name, async () => expect((await runCli(args, { cwd: dir })).code).to.equal(2));
    }
  });

  it('create refuses a piece length that is no power of two in range as a usage error too (one line, exit 2, as for "abc")', async () => {
    for (const size of ['3KiB', '3000', '512MiB']) {
      const r = await runCli(['create', 'album', '--piece-length', size, '-o', 'x.torrent'], { cwd: dir });
      expect(r.code, size).to.equal(2);
      expect(r.stderr.trim().split('\n').at(-1)).to.equal(`rxtorrent: ERR_USAGE: invalid piece length "${size}": a power of two from 16 KiB to 256 MiB (e.g. 256KiB, 1MiB)`);
    }
  });

  describe('info on malformed torrents: one line with the code, exit 1', () => {
    for (const [name, bytes, code] of malformedTorrents()) {
      it(name, async () => {
        const file = join(dir, `bad-${name.replace(/\W+/g, '_')}.torrent`);
        await writeFile(file, bytes);
        const r = await runCli(['info', file]);
        expect(r.code).to.equal(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines).to.have.length(1);
        // A file over the cap is refused from its size, before it is read; one that is not bencode
        // at all is "not a torrent file".
        const expected = code === 'ERR_BENCODE_TOO_LARGE' ? 'ERR_METAINFO_TOO_LARGE' : /^[dli0-9]/.test(String.fromCharCode(bytes[0] ?? 0)) ? code : 'ERR_METAINFO_NOT_A_DICT';
        expect(lines[0]).to.match(new RegExp(`^rxtorrent: ${expected}: `));
      });
    }
    it('a file that is not bencode at all (package.json) is "not a torrent file"', async () => {
      const file = join(dir, 'package.json');
      await writeFile(file, '{"name": "x"}');
      const r = await runCli(['info', file]);
      expect(r.code).to.equal(1);
      expect(r.stderr.trim()).to.match(/^rxtorrent: ERR_METAINFO_NOT_A_DICT: .*package\.json is not a torrent file/);
    });
    it('--verbose adds the stack', async () => {
      const file = join(dir, 'garbage.torrent');
      await writeFile(file, 'd7:garbage');
      const r = await runCli(['--verbose', 'info', file]);
      expect(r.stderr).to.match(/at .*parseMetainfo/);
    });
  });
});
