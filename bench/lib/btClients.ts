/**
 * Command lines of the BitTorrent programs the transfer benchmarks run on loopback (settings from
 * `/work/shared/INTEROP.md`): the built rxtorrent CLI, libtorrent through the specs' Python driver,
 * and aria2. Plus free ports and the rxtorrent tracker as a background process.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startBackground, type Background } from './background.js';

/** The built CLI (`npm run build`). */
export const RXTORRENT = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
/**
 * Another build of the CLI to measure beside this one in the same run (`BENCH_RXTORRENT_BASELINE=
 * /path/to/dist/cli/main.js`, e.g. a worktree of an earlier commit): the `rxtorrent-base` rows.
 */
export const RXTORRENT_BASELINE = process.env.BENCH_RXTORRENT_BASELINE;
/** Debian's python3 (the one that can import libtorrent) and the specs' libtorrent driver. */
export const PYTHON = '/usr/bin/python3';
export const LT_DRIVER = fileURLToPath(new URL('../../spec/interop/drivers/lt_driver.py', import.meta.url));

/** lt_driver: the torrent is checked and seeding / downloaded and verified. */
export const LT_READY = /^READY$/;
export const LT_DONE = /^DONE$/;
/** lt_driver's status line; group 1 is the payload bytes it uploaded so far. */
export const LT_UPLOADED = /^PROGRESS .* uploaded=(\d+)$/;
/** rxtorrent `--json` state lines, matched on the raw text. */
export const RX_SEEDING = /"status":"seeding"/;
export const RX_DONE = /"status":"done"/;
/** aria2 reports completion ~2.4 s before it exits. */
export const ARIA2_DONE = /\[NOTICE\] Download complete: /;

/** A port free for TCP and UDP on 127.0.0.1 a moment ago (libtorrent opens both). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer().once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => (socket.close(), resolve(false)));
      socket.bind({ address: '127.0.0.1', port, exclusive: true }, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no port free for both TCP and UDP');
}

/** `rxtorrent tracker` on a free port; resolves with its announce URL once it listens. */
export async function startTracker(intervalSec: number, timeoutSec: number): Promise<{ url: string; process: Background }> {
  const p = startBackground(process.execPath, [RXTORRENT, 'tracker', '--host', '127.0.0.1', '--port', '0', '--interval', String(intervalSec)], {
    name: 'rxtorrent-tracker',
    timeoutSec,
  });
  const [, url] = await p.waitForLine(/^listening on (http:\/\/\S+\/announce)$/, 20_000);
  return { url: url as string, process: p };
}

/** `rxtorrent <command> … --ip 127.0.0.1 -p 0 --json` arguments (after `node`). */
export function rxArgs(command: 'seed' | 'download', torrent: string, rest: readonly string[], cli = RXTORRENT): string[] {
  return [cli, command, torrent, ...rest, '--ip', '127.0.0.1', '-p', '0', '--json'];
}

/** Options of {@link ltArgs}. */
export interface LtArgs {
  readonly torrent: string;
  /** The data's folder (seed) or where it goes (leech). */
  readonly savePath: string;
  readonly port: number;
  readonly peers?: readonly string[];
  /** Seed without checking the data first. */
  readonly seedMode?: boolean;
  readonly exitWhenDone?: boolean;
  /** Message stream encryption policy (lt_driver `--enc`). @default 'disabled' */
  readonly enc?: 'forced' | 'enabled' | 'disabled';
}

/** `lt_driver.py seed|leech …` arguments (after {@link PYTHON}). */
export function ltArgs(mode: 'seed' | 'leech', o: LtArgs): string[] {
  const args = [LT_DRIVER, mode, o.torrent, o.savePath, '--port', String(o.port)];
  for (const peer of o.peers ?? []) args.push('--peer', peer);
  if (o.seedMode === true) args.push('--seed-mode');
  if (o.exitWhenDone === true) args.push('--exit-when-done');
  if (o.enc !== undefined) args.push('--enc', o.enc);
  return args;
}

/** Environment for the Python driver: unbuffered, so its lines arrive as printed. */
export const LT_ENV: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1' };

/** `aria2c` arguments of a leecher that exits when done (the torrent needs an HTTP tracker). */
export function aria2LeechArgs(torrent: string, dir: string, port: number): string[] {
  return [
    '--no-conf=true', '--enable-color=false', `--dir=${dir}`, `--listen-port=${port}`, '--interface=127.0.0.1',
    '--disable-ipv6=true', '--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false',
    '--enable-peer-exchange=false', '--bt-save-metadata=false', '--auto-save-interval=0',
    '--file-allocation=none', '--summary-interval=1', '--console-log-level=notice', '--seed-time=0', torrent,
  ];
}

/** `rxtorrent create payload -t trackerUrl -o torrent --piece-length pieceLength`; rejects if it fails. */
export async function createTorrentFile(payload: string, trackerUrl: string, torrent: string, pieceLength: string): Promise<void> {
  const create = startBackground(process.execPath, [RXTORRENT, 'create', payload, '-t', trackerUrl, '-o', torrent, '--piece-length', pieceLength], {
    name: 'rxtorrent-create', timeoutSec: 120,
  });
  if ((await create.exited) !== 0) throw new Error(`rxtorrent create failed:\n${create.lines.join('\n')}`);
}
