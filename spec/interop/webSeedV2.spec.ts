import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTorrent } from '../../src/streams/readTorrent.js';
import { ltCreate } from '../helpers/clients.js';
import { startNginx } from '../helpers/httpServers.js';
import { filesIdentical, makeTree } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { fetchAll } from './webSeedHelpers.js';

const TREE = { 'a.bin': 100_000, 'b/c.bin': 70_001, 'd.bin': 300_000, 'e.txt': 10 };

describe('interop: web seeds for libtorrent\'s v2-only and hybrid torrents (piece-aligned files, pad files)', function () {
  this.timeout(60_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  for (const kind of ['v2-only', 'hybrid'] as const) {
    it(`a ${kind} multi-file torrent from nginx alone: byte-identical, only real files asked for`, async function () {
      requireTool(this, 'nginx');
      requireTool(this, 'libtorrent');
      const root = join(tmp.path, 'www');
      await makeTree(join(root, 'tree'), TREE, kind);
      const file = join(tmp.path, 'tree.torrent');
      await ltCreate({ path: join(root, 'tree'), out: file, tracker: 'http://127.0.0.1:9/announce', pieceSize: 65536, v2Only: kind === 'v2-only' });
      const torrent = await readTorrent(file);
      expect(torrent.version).to.equal(kind === 'v2-only' ? 2 : 'hybrid');
      expect(torrent.files.some((f) => f.pad), 'the layout has pad files').to.equal(true);
      const nginxDir = join(tmp.path, 'nginx');
      const server = await startNginx(nginxDir, root);
      const final = await fetchAll(torrent, join(tmp.path, 'out'), { webSeeds: [server.url], trackers: [] });
      expect(final.status).to.equal('done');
      for (const path of Object.keys(TREE)) expect(await filesIdentical(join(root, 'tree', path), join(tmp.path, 'out', 'tree', path)), path).to.equal(true);
      const asked = new Set((await readFile(join(nginxDir, 'access.log'), 'utf8')).split('\n').flatMap((l) => /"GET ([^ ]+) /.exec(l)?.[1] ?? []));
      expect([...asked].sort()).to.deep.equal(['/tree/a.bin', '/tree/b/c.bin', '/tree/d.bin', '/tree/e.txt']);
    });
  }
});
