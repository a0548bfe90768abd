/**
 * Where the CLI listens, and the words it owes the user about it: the next free port when the
 * asked one is taken (a `seed` and a `download` on one machine both default to
 * 127.0.0.8:42420), and a warning when it listens on loopback while the torrent's trackers or
 * peers are elsewhere (nobody there can reach us).
 *
 * @module
 */
import { createServer } from 'node:net';
import { isLoopback, type PeerAddress } from '../../protocol/peerAddress.js';
import { UsageError } from '../usageError.js';

/** Ports tried after the asked one when it is taken. */
export const PORT_FALLBACKS = 10;

/**
 * Whether `port` can be listened on at `host` now (a bind, closed at once).
 *
 * @example
 * ```ts
 * if (!(await portFree('127.0.0.8', 42420))) console.log('42420 is taken');
 * ```
 */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * The port to listen on: `port` when free, else the first free of the next {@link PORT_FALLBACKS}
 * (saying so in one line). Port 0 is any free port already.
 *
 * @throws {@link UsageError} when none of them is free
 * @example
 * ```ts
 * const port = await choosePort('127.0.0.8', 42420, (line) => process.stderr.write(`${line}\n`));
 * ```
 */
export async function choosePort(host: string, port: number, say: (line: string) => void): Promise<number> {
  if (port === 0) return 0;
  for (let candidate = port; candidate <= Math.min(65535, port + PORT_FALLBACKS); candidate++) {
    if (!(await portFree(host, candidate))) continue;
    if (candidate !== port) say(`rxtorrent: port ${port} on ${host} is taken; listening on ${candidate} instead`);
    return candidate;
  }
  throw new UsageError(`ports ${port}–${Math.min(65535, port + PORT_FALLBACKS)} on ${host} are all taken (choose one with -p, or -p 0 for any free port)`);
}

/**
 * One line when we listen on loopback but a tracker or a peer is elsewhere, else undefined.
 *
 * @example
 * ```ts
 * loopbackWarning('127.0.0.8', ['http://tracker.example/announce'], []); // 'rxtorrent: listening on 127.0.0.8 …'
 * ```
 */
export function loopbackWarning(host: string, trackers: readonly string[], peers: readonly PeerAddress[]): string | undefined {
  if (!isLoopback(host)) return undefined;
  const remoteTracker = trackers.find((url) => {
    try {
      const name = new URL(url).hostname.replace(/^\[|\]$/g, '');
      return name !== 'localhost' && !isLoopback(name);
    } catch {
      return false;
    }
  });
  const remotePeer = peers.find((p) => !isLoopback(p.host));
  const away = remoteTracker ?? (remotePeer === undefined ? undefined : `${remotePeer.host}:${remotePeer.port}`);
  if (away === undefined) return undefined;
  return `rxtorrent: listening on ${host} (loopback) while ${away} is off this machine: peers out there cannot reach us (use --ip 0.0.0.0)`;
}

/**
 * The CLI's listen port for `config` ({@link choosePort}), with the {@link loopbackWarning} said.
 *
 * @param trackers - the announce URLs of what will run
 * @param quiet - `--quiet`: say nothing
 * @example
 * ```ts
 * declare const config: DownloadConfig & { host: string; port: number; peers: readonly PeerAddress[] }, options: { quiet?: boolean };
 * const planned = await planListen(config, torrent.announce.flat(), options.quiet === true);
 * ```
 */
export async function planListen<C extends { readonly host: string; readonly port: number; readonly peers: readonly PeerAddress[] }>(
  config: C, trackers: readonly string[], quiet: boolean,
): Promise<C> {
  const say = (line: string): void => void (quiet || process.stderr.write(`${line}\n`));
  const warning = loopbackWarning(config.host, trackers, config.peers);
  if (warning !== undefined) say(warning);
  return { ...config, port: await choosePort(config.host, config.port, say) };
}
