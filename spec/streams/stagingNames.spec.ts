/**
 * Staging names no torrent file may take (issue 17, item 3), and names a platform cannot hold
 * (item 10). A torrent holding `x` and `x.part` used to stage `x` onto `x.part`'s final name: the
 * download exited 0, "done", with `x.part` missing and `x` holding the wrong bytes.
 */
import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '../../src/errors.js';
import { buildMetainfo, parseMetainfo, type Torrent } from '../../src/protocol/metainfo/index.js';
import { checkStorageNames, openFileStorage, stagingPathOf } from '../../src/streams/storage/index.js';
import { content, hashes } from '../protocol/metainfo/fixtures.js';

function torrentOf(paths: readonly string[][], length = 10): Torrent {
  const files = paths.map((path) => ({ path, length }));
  const data = content(files.length * length, 1);
  return parseMetainfo(buildMetainfo({ name: 'multi', multiFile: true, files, pieceLength: 16384, pieces: hashes(data, 16384) }));
}

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).to.be.instanceOf(StorageError);
    return (err as StorageError).code;
  }
};

describe('staging names (issue 17, items 3 and 10)', () => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(join(tmpdir(), 'rxt-names-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('refuses x beside x.part before creating anything (was: "done", x.part missing, x holding its bytes)', async () => {
    const torrent = torrentOf([['x'], ['x.part']]);
    // The attack: x's staging file is x.part's final name.
    expect(stagingPathOf(join(dir, 'multi', 'x'))).to.equal(join(dir, 'multi', 'x.part'));
    const err = await openFileStorage(torrent, { path: join(dir, 'multi') }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(StorageError).with.property('code', 'ERR_STORAGE_NAME_COLLISION');
    expect((err as Error).message).to.match(/multi\/x would be staged as multi\/x\.part/);
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('refuses a folder named like a staging file, in any order and depth', () => {
    expect(codeOf(() => checkStorageNames(torrentOf([['d', 'x.part', 'y'], ['d', 'x']]), { platform: 'linux' }))).to.equal('ERR_STORAGE_NAME_COLLISION');
    expect(codeOf(() => checkStorageNames(torrentOf([['a', 'x'], ['b', 'x.part']]), { platform: 'linux' }))).to.equal(undefined);
    expect(codeOf(() => checkStorageNames(torrentOf([['x.part']]), { platform: 'linux' }))).to.equal(undefined);
  });

  it('folds case where the file system does: X.PART beside x collides on darwin and win32, not on linux', () => {
    const torrent = torrentOf([['x'], ['X.PART']]);
    expect(codeOf(() => checkStorageNames(torrent, { platform: 'linux' }))).to.equal(undefined);
    for (const platform of ['darwin', 'win32']) {
      expect(codeOf(() => checkStorageNames(torrent, { platform }))).to.equal('ERR_STORAGE_NAME_COLLISION');
    }
  });

  it('lets such a torrent be seeded: nothing is staged then', async () => {
    const torrent = torrentOf([['x'], ['x.part']]);
    await mkdir(join(dir, 'multi'));
    await writeFile(join(dir, 'multi', 'x'), Buffer.alloc(10));
    await writeFile(join(dir, 'multi', 'x.part'), Buffer.alloc(10));
    const storage = await openFileStorage(torrent, { path: join(dir, 'multi'), mode: 'seed' });
    await storage.close();
  });

  it('refuses names a platform cannot hold only there: con, a:b, "dot." on win32; A beside a on win32 and darwin', () => {
    for (const name of ['con', 'NUL.txt', 'a:b', 'C:', 'dot.', 'space ']) {
      const torrent = torrentOf([['ok'], [name]]);
      expect(codeOf(() => checkStorageNames(torrent, { platform: 'linux' })), name).to.equal(undefined);
      expect(codeOf(() => checkStorageNames(torrent, { platform: 'darwin' })), name).to.equal(undefined);
      expect(codeOf(() => checkStorageNames(torrent, { platform: 'win32' })), name).to.equal('ERR_STORAGE_UNSAFE_NAME');
    }
    const cased = torrentOf([['A'], ['a']]);
    expect(codeOf(() => checkStorageNames(cased, { platform: 'linux' }))).to.equal(undefined);
    expect(codeOf(() => checkStorageNames(cased, { platform: 'darwin' }))).to.equal('ERR_STORAGE_UNSAFE_NAME');
  });

  it('checks 20,000 files at 64 segments (1.28 M names) in time linear in the paths', () => {
    const files = Array.from({ length: 20_000 }, (_, f) => {
      const path = [...Array.from({ length: 63 }, (_, i) => `d${i}-${f % 7}`), `f${f}`];
      return { path, relativePath: ['multi', ...path].join('/'), length: 1, offset: f, pad: false };
    });
    const torrent = { name: 'multi', files, multiFile: true };
    const started = performance.now();
    checkStorageNames(torrent, { platform: 'win32' });
    const ms = performance.now() - started;
    console.log(`      20,000 files × 64 segments checked in ${ms.toFixed(0)} ms`);
    expect(ms).to.be.below(10_000);
  });
});
