/**
 * `rxtorrent demo`: a whole swarm on loopback — a tracker, one seeder and N leechers, each its own
 * process — sharing a generated file. Shows every peer's progress, verifies every copy, and
 * sums up who uploaded what.
 *
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createTorrent } from '../../streams/create/createTorrent.js';
import { formatBytes } from '../units.js';
import { startChild, type Child } from './childCli.js';
import { sha1OfFile, writeDemoPayload } from './demoPayload.js';

/** Options of {@link runDemo}. */
export interface DemoConfig {
  readonly leechers: number;
  readonly size: number;
  /** Upload cap of the seeder (bytes/s), so the leechers have a reason to trade. */
  readonly seederRate: number;
  /** Give up after this long. */
  readonly timeoutMs: number;
  readonly out: NodeJS.WriteStream;
}

/**
 * Runs the demo swarm to completion.
 *
 * @returns true when every copy verified
 * @example
 * ```ts
 * const ok = await runDemo({ leechers: 4, size: 64 * 2 ** 20, seederRate: 20 * 2 ** 20, timeoutMs: 120_000, out: process.stderr });
 * ```
 */
export async function runDemo(config: DemoConfig): Promise<boolean> {
  const say = (text: string): boolean => config.out.write(`${text}\n`);
  const dir = await mkdtemp(join(tmpdir(), 'rxtorrent-demo-'));
  const children: Child[] = [];
  try {
    say(`demo: ${config.leechers} leechers share ${formatBytes(config.size)} in ${dir}`);
    const payload = join(dir, 'seed', 'demo.bin');
    await mkdir(join(dir, 'seed'));
    const expected = await writeDemoPayload(payload, config.size);
    const tracker = startChild('tracker', ['tracker', '--host', '127.0.0.1', '--port', '0', '--interval', '10']);
    children.push(tracker);
    const [, url] = await tracker.waitFor(/listening on (http:\/\/\S+\/announce)/, 15_000);
    say(`tracker:  ${url}`);
    const done = await lastValueFrom(createTorrent(payload, { trackers: [url as string] }));
    if (done.type !== 'done') return false;
    const torrentFile = join(dir, 'demo.torrent');
    await writeFile(torrentFile, done.bytes);
    const network = ['--ip', '127.0.0.1', '-p', '0', '--json'];
    const seeder = startChild('seeder', ['seed', torrentFile, '-d', payload, ...network, '--upload-rate', String(config.seederRate)]);
    children.push(seeder);
    const leechers = Array.from({ length: config.leechers }, (_, i) => {
      const child = startChild(`leecher ${i + 1}`, ['download', torrentFile, '-o', join(dir, `leecher${i + 1}`), ...network]);
      children.push(child);
      return child;
    });
    const started = Date.now();
    await watch([seeder, ...leechers], leechers, config, say);
    const seconds = (Date.now() - started) / 1000;
    const copies = await Promise.all(leechers.map((_, i) => sha1OfFile(join(dir, `leecher${i + 1}`, 'demo.bin')).catch(() => 'missing')));
    const verified = copies.every((sha1) => sha1 === expected);
    const seeded = seeder.latest?.uploaded ?? 0;
    const traded = leechers.reduce((sum, l) => sum + (l.latest?.uploaded ?? 0), 0);
    say('');
    copies.forEach((sha1, i) => say(`leecher ${i + 1}: ${sha1 === expected ? 'verified' : `MISMATCH (${sha1})`}`));
    say(`all ${config.leechers} copies complete in ${seconds.toFixed(1)} s; ${verified ? 'every copy verified (SHA-1)' : 'SOME COPIES DIFFER'}`);
    say(`the seeder uploaded ${formatBytes(seeded)} (${(seeded / config.size).toFixed(2)} × the file); the leechers traded ${formatBytes(traded)} among themselves`);
    return verified;
  } finally {
    for (const child of children) child.stop();
    await Promise.race([Promise.all(children.map((c) => c.exited)), new Promise((r) => setTimeout(r, 5000))]);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Prints a progress line each second until every leecher is seeding (or a child dies). */
async function watch(all: Child[], leechers: Child[], config: DemoConfig, say: (text: string) => void): Promise<void> {
  const deadline = Date.now() + config.timeoutMs;
  const failed = Promise.race(all.map((c) => c.exited.then((code) => ({ child: c, code }))));
  for (;;) {
    const line = all.map((c) => `${c.name} ${((c.latest?.progress ?? 0) * 100).toFixed(0)}% ↑${formatBytes(c.latest?.uploadRate ?? 0)}/s`).join(' · ');
    say(line);
    if (leechers.every((l) => l.latest?.status === 'seeding')) return;
    const outcome = await Promise.race([failed, new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]);
    if (outcome !== undefined) throw new Error(`${outcome.child.name} exited (${outcome.code}): ${outcome.child.errors.join(' | ')}`);
    if (Date.now() > deadline) throw new Error(`the swarm did not finish within ${config.timeoutMs / 1000} s`);
  }
}
