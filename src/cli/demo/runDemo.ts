/**
 * `rxtorrent demo`: a whole swarm on loopback — a tracker (or with `dht`, a DHT node), one seeder
 * and N leechers, each its own process — sharing a generated file. Shows every peer's progress, verifies every copy, and
 * sums up who uploaded what. With a dashboard, the page follows the swarm, and the swarm keeps
 * seeding after the summary until Ctrl-C.
 *
 * @module
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { createTorrent } from '../../streams/create/createTorrent.js';
import type { EncryptionPolicy } from '../../streams/peer/index.js';
import type { RunningDashboard } from '../dashboard.js';
import { formatBytes } from '../units.js';
import { startChild, type Child } from './childCli.js';
import { startDemoDashboard } from './demoDashboard.js';
import { startPeerSource } from './demoPeerSource.js';
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
  /** Serve the dashboard on this loopback port (0: any free one). @default none */
  readonly dashboard?: number;
  /** Every peer's `--encryption`. @default 'prefer' */
  readonly encryption?: EncryptionPolicy;
  /** No tracker: the peers find each other through a DHT node of the demo's own. @default false */
  readonly dht?: boolean;
}

/** The user stopped the demo (SIGINT or SIGTERM). */
class Interrupted extends Error {}

/**
 * Catches SIGINT and SIGTERM while the demo runs, so the children are stopped and the temp dir
 * removed: `signalled` resolves on the first one; `orStop(p)` rejects with {@link Interrupted} then.
 * Later signals are absorbed until `dispose()`: one often comes twice (`timeout` signals the
 * command and its process group), and the second must not kill the demo while it cleans up.
 */
function interruption(): { readonly signalled: Promise<void>; orStop<T>(p: Promise<T>): Promise<T>; dispose(): void } {
  let fire = (): void => undefined;
  const signalled = new Promise<void>((resolve) => (fire = resolve));
  const rejected = signalled.then((): never => {
    throw new Interrupted('interrupted');
  });
  rejected.catch(() => undefined);
  const handler = (): void => fire();
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signalled,
    orStop: (p) => Promise.race([p, rejected]),
    dispose: () => (process.off('SIGINT', handler), process.off('SIGTERM', handler)),
  };
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
  const stop = interruption();
  let dashboard: RunningDashboard | undefined;
  let closeSource = (): void => undefined;
  try {
    say(`demo: ${config.leechers} leechers share ${formatBytes(config.size)} in ${dir}`);
    const payload = join(dir, 'seed', 'demo.bin');
    await mkdir(join(dir, 'seed'));
    const expected = await stop.orStop(writeDemoPayload(payload, config.size));
    const source = await stop.orStop(startPeerSource(config.dht === true, dir, children));
    closeSource = () => source.close();
    say(source.description);
    const done = await stop.orStop(lastValueFrom(createTorrent(payload, { trackers: source.trackers })));
    if (done.type !== 'done') return false;
    const torrentFile = join(dir, 'demo.torrent');
    await writeFile(torrentFile, done.bytes);
    const network = ['--ip', '127.0.0.1', '-p', '0', '--json', '--encryption', config.encryption ?? 'prefer'];
    const seeder = startChild('seeder', ['seed', torrentFile, '-d', payload, ...network, ...source.args('seeder'), '--upload-rate', String(config.seederRate)]);
    children.push(seeder);
    const leechers = Array.from({ length: config.leechers }, (_, i) => {
      const child = startChild(`leecher ${i + 1}`, ['download', torrentFile, '-o', join(dir, `leecher${i + 1}`), ...network, ...source.args(`leecher${i + 1}`)]);
      children.push(child);
      return child;
    });
    if (config.dashboard !== undefined) dashboard = await startDemoDashboard([seeder, ...leechers], source.announceUrl, config.dashboard, config.out);
    const started = Date.now();
    await stop.orStop(watch([seeder, ...leechers], leechers, config, say, stop.signalled));
    const seconds = (Date.now() - started) / 1000;
    const copies = await Promise.all(leechers.map((_, i) => sha1OfFile(join(dir, `leecher${i + 1}`, 'demo.bin')).catch(() => 'missing')));
    const verified = copies.every((sha1) => sha1 === expected);
    const seeded = seeder.latest?.uploaded ?? 0;
    const traded = leechers.reduce((sum, l) => sum + (l.latest?.uploaded ?? 0), 0);
    say('');
    copies.forEach((sha1, i) => say(`leecher ${i + 1}: ${sha1 === expected ? 'verified' : `MISMATCH (${sha1})`}`));
    say(`all ${config.leechers} copies complete in ${seconds.toFixed(1)} s; ${verified ? 'every copy verified (SHA-1)' : 'SOME COPIES DIFFER'}`);
    say(`the seeder uploaded ${formatBytes(seeded)} (${(seeded / config.size).toFixed(2)} × the file); the leechers traded ${formatBytes(traded)} among themselves`);
    if (dashboard !== undefined) {
      say(`the swarm keeps seeding; dashboard at ${dashboard.url} — Ctrl-C to stop`);
      await stop.signalled;
    }
    return verified;
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    say('demo: interrupted');
    return false;
  } finally {
    try {
      await dashboard?.close();
      for (const child of children) child.stop();
      closeSource();
      await Promise.race([Promise.all(children.map((c) => c.exited)), new Promise((r) => setTimeout(r, 5000).unref())]);
      await rm(dir, { recursive: true, force: true });
    } finally {
      stop.dispose();
    }
  }
}

/** Prints a progress line each second until every leecher is seeding (or a child dies, or the user stops the demo). */
async function watch(all: Child[], leechers: Child[], config: DemoConfig, say: (text: string) => void, stopped: Promise<void>): Promise<void> {
  let stopping = false;
  void stopped.then(() => (stopping = true));
  const deadline = Date.now() + config.timeoutMs;
  const failed = Promise.race(all.map((c) => c.exited.then((code) => ({ child: c, code }))));
  for (;;) {
    const line = all.map((c) => `${c.name} ${((c.latest?.progress ?? 0) * 100).toFixed(0)}% ↑${formatBytes(c.latest?.uploadRate ?? 0)}/s`).join(' · ');
    say(line);
    if (leechers.every((l) => l.latest?.status === 'seeding')) return;
    const outcome = await Promise.race([failed, stopped.then(() => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), 1000))]);
    if (stopping) return;
    if (outcome !== undefined) throw new Error(`${outcome.child.name} exited (${outcome.code}): ${outcome.child.errors.join(' | ')}`);
    if (Date.now() > deadline) throw new Error(`the swarm did not finish within ${config.timeoutMs / 1000} s`);
  }
}
