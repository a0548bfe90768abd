/**
 * A corrupting real-world seeder (issue 8): aria2 seeding, unverified, a copy of the payload with
 * bytes flipped in several pieces, next to two good seeders (libtorrent and an rxtorrent seed).
 * rxtorrent must end byte-identical and ban aria2: its connection closed and never dialled again.
 */
import { expect } from 'chai';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, type Subscription } from 'rxjs';
import type { Torrent } from '../../src/protocol/metainfo/index.js';
import { createClient } from '../../src/streams/client/createClient.js';
import { createTorrent } from '../../src/streams/create/createTorrent.js';
import { aria2Seeder, ARIA2_SEEDING, ltPeer } from '../helpers/clients.js';
import { freeUdpAndTcpPort } from '../helpers/net.js';
import { corruptBytes, filesIdentical, writePayload } from '../helpers/payload.js';
import { stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { countingProxy, pause, recordStates, until } from '../streams/session/faultHelpers.js';

const LENGTH = 8 * 1024 * 1024;
const PIECE_LENGTH = 64 * 1024;
/** The rxtorrent seeder is capped, so the download is still under way when aria2 starts serving. */
const RX_RATE = 512 * 1024;

describe('interop: a corrupting aria2 seeder next to good ones', function () {
  this.timeout(90_000);
  stopAllAfterEach();
  const tmp = useTempDir({ prefix: 'rxt-corrupt-' });
  let cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });

  it('rxtorrent finishes byte-identical and bans aria2, which is never dialled again', async function () {
    requireTool(this, 'libtorrent');
    requireTool(this, 'aria2');
    const good = join(tmp.path, 'good', 'data.bin');
    await writePayload(good, LENGTH, 'corrupt-seeder');
    const made = await lastValueFrom(createTorrent(good, { pieceLength: PIECE_LENGTH }));
    if (made.type !== 'done') throw new Error('no torrent');
    const torrent: Torrent = made.torrent;
    const torrentFile = join(tmp.path, 'data.torrent');
    await writeFile(torrentFile, made.bytes);
    // aria2's copy: one byte flipped in every third piece.
    const bad = join(tmp.path, 'bad', 'data.bin');
    await mkdir(join(tmp.path, 'bad'));
    await copyFile(good, bad);
    const badPieces = Array.from({ length: torrent.pieceCount }, (_, i) => i).filter((i) => i % 3 === 1);
    await corruptBytes(bad, badPieces.map((i) => i * PIECE_LENGTH + 1000));

    const ariaPort = await freeUdpAndTcpPort();
    const aria = aria2Seeder({ torrent: torrentFile, dir: join(tmp.path, 'bad'), port: ariaPort, verify: false, timeoutSec: 80 });
    const rx = createClient({ host: '127.0.0.1', port: 0, uploadRate: RX_RATE });
    const rxSeeding: Subscription = rx.run(torrent, { path: good, mode: 'seed' }).subscribe();
    cleanups.push(() => rxSeeding.unsubscribe());
    const rxPort = await firstValueFrom(rx.listening$);
    await aria.waitForLine(ARIA2_SEEDING, 30_000);
    // A relay in front of aria2 counts our dials, and the bytes aria2 sends, exactly (its
    // connection may live less than a state snapshot interval).
    const relay = await countingProxy(ariaPort);
    cleanups.push(() => relay.close());
    const ariaAddress = `127.0.0.1:${relay.port}`;

    const out = join(tmp.path, 'out');
    const started = Date.now();
    const client = createClient({ host: '127.0.0.1', port: 0 });
    const run = recordStates(
      client.run(torrent, {
        path: join(out, torrent.name), seed: true, stateIntervalMs: 100,
        peers: [relay.port, rxPort].map((port) => ({ host: '127.0.0.1', port })),
        scheduling: { requestTimeoutMs: 3000, snubTimeoutMs: 3000 },
      }),
    );
    cleanups.push(() => run.subscription.unsubscribe());
    // aria2 takes about a second to serve; libtorrent (whose rate limit does not apply on
    // loopback) would have finished by then, so it joins once aria2 has sent data, dialling us.
    const port = await firstValueFrom(client.listening$);
    await until(() => relay.bytesFromTarget > 2 * PIECE_LENGTH, 20_000, 'aria2 never sent data');
    const ltPort = await freeUdpAndTcpPort();
    const lt = ltPeer({ mode: 'seed', torrent: torrentFile, savePath: join(tmp.path, 'good'), port: ltPort, peers: [`127.0.0.1:${port}`], timeoutSec: 80 });
    await run.until((s) => s.status === 'seeding', 40_000);
    const elapsed = Date.now() - started;
    expect(await filesIdentical(good, join(out, torrent.name)), 'byte-identical').to.equal(true);
    expect(lt.lines.some((l) => /^PEER connect/.test(l)), `libtorrent took part:\n${lt.tail()}`).to.equal(true);

    // aria2 was dialled once, sent data, and its connection is closed.
    await until(() => relay.open === 0, 10_000, 'the aria2 connection is still open');
    expect(relay.accepted).to.equal(1);
    // A peer that merely closed would be redialled after a 5 s back-off: watch past it.
    await pause(6000);
    expect(relay.accepted, 'aria2 was dialled again').to.equal(1);
    const present = run.states.map((s) => s.peers.some((p) => p.address === ariaAddress));
    const first = present.indexOf(true);
    if (first >= 0) expect(present.slice(present.indexOf(false, first)), 'aria2 came back').to.not.include(true);
    const last = run.latest()!;
    expect(last.peers.map((p) => p.address)).to.not.include(ariaAddress);
    // The good rxtorrent seeder was not blamed; bad pieces were not refetched endlessly.
    expect(last.peers.map((p) => p.address)).to.include(`127.0.0.1:${rxPort}`);
    expect(last.downloaded).to.be.at.most(2 * torrent.length);
    console.log(`      done in ${elapsed} ms; aria2 sent ${relay.bytesFromTarget} B before its ban; ${last.downloaded} B downloaded in all`);
  });
});
