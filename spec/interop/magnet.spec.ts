/**
 * Magnet links with real clients (issue 11): the metadata travels over BEP 9 both ways.
 * - rxtorrent (the built CLI, and the library) fetches a libtorrent seeder's metadata from a magnet
 *   link naming only the info-hash and our tracker (`rxtorrent tracker`), downloads byte-identical
 *   and saves a .torrent whose info-hash libtorrent reads as the magnet's;
 * - libtorrent and aria2, given only a magnet link, fetch the metadata from `rxtorrent seed` (the
 *   built CLI) found through the tracker, and download byte-identical.
 */
import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lastValueFrom, timeout } from 'rxjs';
import { download } from '../../src/streams/download.js';
import { readTorrent } from '../../src/streams/readTorrent.js';
import { CLI } from '../cli/run.js';
import { aria2Leecher, LT_DONE, LT_READY, ltCreate, ltInfoHash, ltPeer } from '../helpers/clients.js';
import { freePort, freeUdpAndTcpPort } from '../helpers/net.js';
import { filesIdentical, writePayload } from '../helpers/payload.js';
import { startProcess, stopAllAfterEach, type ProcessHandle } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { startCliTracker, waitForStats, type CliTracker } from '../tracker/client/cliTracker.js';
import { expectSameTree, makeSeedPayload, SEED_TREE_BYTES, startSeeder, waitForState } from './seedHelpers.js';

/** A single file of an odd size (the last piece short), well under 16 MiB. */
const FILE_BYTES = 6 * 1024 * 1024 + 12_345;
/** The interval the tracker hands out. */
const INTERVAL_SEC = 2;

const magnetFor = (infoHash: string, tracker?: string): string =>
  `magnet:?xt=urn:btih:${infoHash}${tracker === undefined ? '' : `&tr=${encodeURIComponent(tracker)}`}`;

describe('interop: magnet links with real clients', function () {
  this.timeout(30_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  /** `rxtorrent tracker`, a file, libtorrent's torrent of it announcing there, and a libtorrent seeder the tracker knows. */
  async function libtorrentSwarm(): Promise<{ tracker: CliTracker; file: string; infoHash: string; ltPort: number; seeder: ProcessHandle }> {
    const tracker = await startCliTracker({ interval: INTERVAL_SEC, timeoutSec: 60 });
    const file = join(tmp.path, 'seed', 'm.bin');
    await writePayload(file, FILE_BYTES, 'magnet');
    // libtorrent's own torrent: a hybrid v1+v2 info dict (the metadata carries a `file tree` too).
    const torrent = join(tmp.path, 'm.torrent');
    const infoHash = await ltCreate({ path: file, out: torrent, tracker: tracker.url, pieceSize: 65536 });
    const ltPort = await freeUdpAndTcpPort();
    const seeder = ltPeer({ mode: 'seed', torrent, savePath: join(tmp.path, 'seed'), port: ltPort, timeoutSec: 60 });
    await seeder.waitForLine(LT_READY, 15_000);
    // A hybrid torrent is announced under both info-hashes (v1 and truncated v2): two swarms.
    await waitForStats(tracker.url, (s) => s.seeders >= 1, 10_000);
    return { tracker, file, infoHash, ltPort, seeder };
  }

  it('rxtorrent download magnet:?xt…&tr=<our tracker> fetches a libtorrent seeder\'s metadata, downloads byte-identical, --save-torrent keeps the info-hash', async function () {
    requireTool(this, 'libtorrent');
    const { tracker, file, infoHash } = await libtorrentSwarm();
    const out = join(tmp.path, 'out');
    const saved = join(tmp.path, 'saved.torrent');
    const args = [CLI, 'download', magnetFor(infoHash, tracker.url), '-o', out, '--save-torrent', saved, '--no-seed', '--ip', '127.0.0.1', '-p', '0', '--json'];
    const leecher = startProcess(process.execPath, args, { timeoutSec: 30, name: 'rxtorrent-magnet' });
    const status = await leecher.exited;
    expect(status.code, leecher.tail()).to.equal(0);
    const states = leecher.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { status: string });
    expect(states[0]?.status, 'first the metadata phase').to.equal('metadata');
    expect(await filesIdentical(file, join(out, 'm.bin')), 'byte-identical').to.equal(true);
    expect((await readdir(out)).filter((n) => n.endsWith('.part')), 'no staging file left').to.deep.equal([]);
    // The saved .torrent: libtorrent (an independent reader) and we both find the magnet's info-hash.
    expect(await ltInfoHash(saved)).to.equal(infoHash);
    const reread = await readTorrent(saved);
    expect(reread.infoHash).to.equal(infoHash);
    expect(reread.announce).to.deep.equal([[tracker.url]]);
  });

  it('the library: download(\'magnet:?xt…&x.pe=<libtorrent>\') with no tracker at all', async function () {
    requireTool(this, 'libtorrent');
    const { file, infoHash, ltPort, tracker } = await libtorrentSwarm();
    await tracker.process.stop();
    const out = join(tmp.path, 'lib');
    const uri = `${magnetFor(infoHash)}&x.pe=127.0.0.1:${ltPort}`;
    const final = await lastValueFrom(download(uri, { dir: out, host: '127.0.0.1', port: 0, seed: false, stateIntervalMs: 100 }).pipe(timeout(20_000)));
    expect(final.status).to.equal('done');
    expect(final.infoHash).to.equal(infoHash);
    expect(await filesIdentical(file, join(out, 'm.bin')), 'byte-identical').to.equal(true);
  });

  it('rxtorrent download magnet:?xt…&x.pe… --peer <libtorrent>: the seeder sees one incoming connection for the metadata and the download', async function () {
    requireTool(this, 'libtorrent');
    const { file, infoHash, ltPort, tracker, seeder } = await libtorrentSwarm();
    await tracker.process.stop();
    const seederLines = (): string[] => seeder.lines.filter((l) => l.startsWith('PEER incoming'));
    const out = join(tmp.path, 'peer');
    // Plaintext, as the seeder is: under the default prefer, the MSE try it hangs up on would be
    // a connection of its own before the plaintext one (spec/interop/encryption.spec.ts covers that).
    const args = [CLI, 'download', magnetFor(infoHash), '--peer', `127.0.0.1:${ltPort}`, '-o', out, '--no-seed', '--ip', '127.0.0.1', '-p', '0', '--json', '--encryption', 'off'];
    const leecher = startProcess(process.execPath, args, { timeoutSec: 30, name: 'rxtorrent-magnet-peer' });
    const status = await leecher.exited;
    expect(status.code, leecher.tail()).to.equal(0);
    expect(await filesIdentical(file, join(out, 'm.bin')), 'byte-identical').to.equal(true);
    expect(seederLines(), 'incoming connections the libtorrent seeder logged').to.have.length(1);
  });

  /** `rxtorrent tracker`, a multi-file payload made by `rxtorrent create` announcing there, and `rxtorrent seed` on it. */
  async function rxtorrentSwarm(): Promise<{ tracker: CliTracker; payload: Awaited<ReturnType<typeof makeSeedPayload>>; seeder: ReturnType<typeof startSeeder> }> {
    const tracker = await startCliTracker({ interval: INTERVAL_SEC, timeoutSec: 60 });
    const payload = await makeSeedPayload({ dir: tmp.path, name: 'tree', tracker: tracker.url });
    const seeder = startSeeder({ payloads: [payload], port: await freePort(), timeoutSec: 40 });
    await waitForStats(tracker.url, (s) => s.seeders === 1, 15_000);
    return { tracker, payload, seeder };
  }

  it('a libtorrent leecher given only magnet:?xt…&tr=<our tracker> fetches the metadata from rxtorrent seed and downloads byte-identical', async function () {
    requireTool(this, 'libtorrent');
    const { tracker, payload, seeder } = await rxtorrentSwarm();
    const out = join(tmp.path, 'lt');
    const leecher = ltPeer({ mode: 'leech', magnet: magnetFor(payload.infoHash, tracker.url), savePath: out, port: await freeUdpAndTcpPort(), exitWhenDone: true, timeoutSec: 30 });
    const [, metadataHash] = (await leecher.waitForLine(/^METADATA ([0-9a-f]{40})$/, 10_000)) as RegExpMatchArray;
    expect(metadataHash).to.equal(payload.infoHash);
    await leecher.waitForLine(LT_DONE, 15_000);
    await expectSameTree(payload.content, join(out, payload.name));
    await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
  });

  it('an aria2 leecher given only magnet:?xt…&tr=<our HTTP tracker> (DHT off) fetches the metadata from rxtorrent seed and downloads byte-identical', async function () {
    requireTool(this, 'aria2');
    const { tracker, payload, seeder } = await rxtorrentSwarm();
    const out = join(tmp.path, 'aria2');
    const leecher = aria2Leecher({ torrent: magnetFor(payload.infoHash, tracker.url), dir: out, port: await freePort(), timeoutSec: 30 });
    // aria2 reports the metadata download complete first ([MEMORY][METADATA]…), then the content.
    await leecher.waitForLine(/Download complete: \[MEMORY\]\[METADATA\]/, 10_000);
    await leecher.waitForLine(/Download complete: (?!\[MEMORY\])/, 15_000);
    await expectSameTree(payload.content, join(out, payload.name));
    await waitForState(seeder, (s) => s.uploaded >= SEED_TREE_BYTES, 5_000);
  });
});
