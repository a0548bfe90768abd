/**
 * Issue 17, item 1, end to end: a peer that sets the fast bit, stays choked (never says it is
 * interested), sends 256 MiB worth of valid requests and never reads a byte. `rxtorrent seed` used to queue a reply
 * (a piece, or a reject while choked) for every request with no backpressure: 6.7 GiB of memory,
 * kept after the peer left. Its memory is measured here in the child process, from /proc.
 * Measured: ~28 MiB before, ~80 MiB during and after (V8 keeps the heap it grew through the
 * garbage of decoding; in-process, heapUsed after a GC was +1 MiB); without the bound on
 * unsent writes, 1 GiB after 10 s and growing.
 */
import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { encodeHandshake, encodeMessage } from '../../src/protocol/wire/index.js';
import { CLI, runCli } from '../cli/run.js';
import { watchMemory } from '../helpers/memory.js';
import { freePort } from '../helpers/net.js';
import { writePayload } from '../helpers/payload.js';
import { commandPid, startProcess, stopAllAfterEach } from '../helpers/proc.js';
import { useTempDir } from '../helpers/tmp.js';

const MiB = 2 ** 20;
const BLOCK = 16 * 1024;
const PIECE = 256 * 1024;
const SIZE = 4 * MiB;
/** Request messages sent at most: 256 MiB of them (~15.8 million), as the hostile review did. */
const REQUEST_BYTES = 256 * MiB;
/** The attack lasts at most this long. */
const ATTACK_MS = 10_000;

describe('heavy: a peer that requests and never reads cannot grow rxtorrent seed', function () {
  this.timeout(120_000);
  stopAllAfterEach();
  const tmp = useTempDir();

  it('256 MiB of requests from a peer that never reads: the seeder\'s private memory stays bounded, during and after', async () => {
    const file = join(tmp.path, 'seed.bin');
    await writePayload(file, SIZE, 'no-read');
    const torrent = join(tmp.path, 'seed.torrent');
    const created = await runCli(['create', file, '-o', torrent, '--piece-length', '256KiB']);
    expect(created.code, created.stderr).to.equal(0);
    const infoHash = Buffer.from(JSON.parse((await runCli(['info', torrent, '--json'])).stdout).infoHash as string, 'hex');
    const port = await freePort();
    const seeder = startProcess(process.execPath, [CLI, 'seed', torrent, '-d', file, '--ip', '127.0.0.1', '-p', String(port), '--encryption', 'off'], {
      timeoutSec: 90, name: 'rxtorrent-seed-noread',
    });
    await seeder.waitForLine(/ seeding /, 20_000);
    const pid = await commandPid(seeder);
    const before = await watchMemory(pid, new Promise((r) => setTimeout(r, 200)));

    let attacker: Socket | undefined;
    let sent = 0;
    const attack = (async () => {
      attacker = connect({ host: '127.0.0.1', port });
      await new Promise<void>((resolve, reject) => attacker!.once('connect', resolve).once('error', reject));
      attacker.on('error', () => undefined);
      attacker.pause(); // never reads: the seeder's replies pile up in the kernel's buffers, then in the seeder
      attacker.write(encodeHandshake({ infoHash, peerId: Buffer.from('-XX0000-noreader0000'), extensions: { fast: true } }));
      // 1 MiB of valid requests (17 bytes each), sent again and again as fast as the seeder reads them.
      const chunk = Buffer.concat(Array.from({ length: Math.floor(MiB / 17) }, (_, i) => {
        const block = i % (SIZE / BLOCK);
        return encodeMessage({ type: 'request', index: Math.floor((block * BLOCK) / PIECE), begin: (block * BLOCK) % PIECE, length: BLOCK });
      }));
      const deadline = Date.now() + ATTACK_MS;
      while (sent < REQUEST_BYTES && Date.now() < deadline && !attacker.destroyed) {
        sent += chunk.length;
        if (!attacker.write(chunk)) {
          await new Promise((r) => {
            const timer = setTimeout(r, Math.max(0, deadline - Date.now()));
            attacker!.once('drain', () => (clearTimeout(timer), r(undefined)));
          });
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
    })();
    const during = await watchMemory(pid, attack);
    const taken = sent - (attacker?.writableLength ?? 0);
    attacker?.destroy();
    const after = await watchMemory(pid, new Promise((r) => setTimeout(r, 2000)));
    const mib = (kib: number): string => (kib / 1024).toFixed(1);
    console.log(
      `      RssAnon: ${mib(before.peakRssAnonKiB)} MiB before, peak ${mib(during.peakRssAnonKiB)} MiB during ${ATTACK_MS / 1000} s ` +
        `(${(taken / MiB).toFixed(1)} of ${(sent / MiB).toFixed(0)} MiB of requests taken in), ${mib(after.peakRssAnonKiB)} MiB after the peer left (was 6.7 GiB, kept)`,
    );
    expect(during.peakRssAnonKiB / 1024, 'peak private memory during the attack, MiB').to.be.below(before.peakRssAnonKiB / 1024 + 64);
    expect(after.peakRssAnonKiB / 1024, 'private memory after it, MiB').to.be.below(before.peakRssAnonKiB / 1024 + 64);
  });
});
