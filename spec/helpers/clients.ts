/**
 * Builders for real BitTorrent peers on loopback (flags and settings from
 * `/work/shared/INTEROP.md`). Each returns a started {@link ProcessHandle}; wait for the exported
 * regexes with `waitForLine`, and stop it with `stop()` or {@link stopAllAfterEach}.
 * The one-shot torrent tools (mktorrent, transmission-create/-show, lt_driver create/infohash/
 * recheck) are re-exported from `makers.ts`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startProcess } from './proc.js';
import { makeTempDir, removeTempDir } from './tmp.js';
import type { ProcessHandle } from './proc.js';
import { LT_DRIVER } from './makers.js';
import { PYTHON } from './tools.js';

export * from './makers.js';

/** aria2 leecher finished (printed ~2.4 s before it exits; the data is complete by then). */
export const ARIA2_DONE = /\[NOTICE\] Download complete: /;
/** aria2 is seeding (its 1 s summary line shows `[#gid SEED(ratio) …]` once the check passed). */
export const ARIA2_SEEDING = /\[#[0-9a-f]+ SEED\(/;
/** aria2's listen socket is open; group 1 is the port. */
export const ARIA2_LISTENING = /listening on TCP port (\d+)/;
/** Transmission leecher has every piece (it then pauses on ratio 0 and exits). */
export const TRANSMISSION_DONE = /State changed from "Incomplete" to "Complete"/;
/** Transmission verified its data and is seeding (status line, repeated ~4 times a second). */
export const TRANSMISSION_SEEDING = /Seeding, uploading to \d+ of \d+ peer/;
/** lt_driver seeder: the torrent is checked and seeding. */
export const LT_READY = /^READY$/;
/** lt_driver leecher: all pieces downloaded and verified. */
export const LT_DONE = /^DONE$/;
/** lt_driver listen socket open; group 1 is the port. */
export const LT_LISTENING = /^LISTENING (\d+)$/;
/** lt_driver's once-a-second status line; groups: fraction, state, peers, down B/s, up B/s, uploaded. */
export const LT_PROGRESS = /^PROGRESS ([\d.]+) (\w+) peers=(\d+) down=(\d+) up=(\d+) uploaded=(\d+)$/;

const DEFAULT_TIMEOUT_SEC = 120;

/** Options of {@link aria2Leecher} and {@link aria2Seeder}. */
export interface Aria2Options {
  /** The .torrent (aria2 with DHT off needs an HTTP tracker in it). */
  torrent: string;
  /** `--dir`: where the data is (seeder) or goes (leecher). */
  dir: string;
  /** `--listen-port`. */
  port: number;
  /** @default 120 */
  timeoutSec?: number;
  /**
   * Seeder only: hash-check the data before seeding. `false` seeds whatever is on disk unverified,
   * which makes a corrupting seeder (libtorrent's seed_mode cannot: it hashes each piece on first
   * request and drops the bad ones).
   * @default true
   */
  verify?: boolean;
  /** Appended before the torrent, e.g. `['--max-upload-limit=1M']`. */
  extraArgs?: readonly string[];
  name?: string;
}

function aria2(o: Aria2Options, roleArgs: readonly string[], role: string): ProcessHandle {
  const args = [
    '--no-conf=true', '--enable-color=false', `--dir=${o.dir}`, `--listen-port=${o.port}`,
    '--interface=127.0.0.1', '--disable-ipv6=true', '--enable-dht=false', '--enable-dht6=false',
    '--bt-enable-lpd=false', '--enable-peer-exchange=false', '--bt-save-metadata=false',
    '--auto-save-interval=0', '--file-allocation=none', '--summary-interval=1',
    '--console-log-level=notice', ...roleArgs, ...(o.extraArgs ?? []), o.torrent,
  ];
  return startProcess('aria2c', args, {
    timeoutSec: o.timeoutSec ?? DEFAULT_TIMEOUT_SEC,
    name: o.name ?? `aria2-${role}`,
  });
}

/** aria2 downloading `torrent` into `dir`; it exits by itself when done (wait for {@link ARIA2_DONE}). */
export function aria2Leecher(o: Aria2Options): ProcessHandle {
  return aria2(o, ['--seed-time=0'], 'leech');
}

/**
 * aria2 seeding the data already in `dir` (wait for {@link ARIA2_SEEDING}). `--seed-ratio=0.0` is
 * needed too: aria2's default ratio 1.0 stops seeding after one copy was uploaded.
 */
export function aria2Seeder(o: Aria2Options): ProcessHandle {
  const check = `--check-integrity=${o.verify ?? true}`;
  return aria2(o, ['--seed-time=100000', '--seed-ratio=0.0', check, '--bt-seed-unverified=true'], 'seed');
}

/** Options of {@link transmissionPeer}. */
export interface TransmissionOptions {
  torrent: string;
  /** `-w`: the data (seed) or where it goes (leech). */
  dir: string;
  port: number;
  /** A leecher gets ratio limit 0, so it stops and exits when complete. */
  role: 'seed' | 'leech';
  /** Its own config dir (settings.json, resume files). @default a temp dir removed on exit */
  configDir?: string;
  /** Extra settings.json keys, overriding the defaults. */
  settings?: Readonly<Record<string, unknown>>;
  /** @default 120 */
  timeoutSec?: number;
  name?: string;
}

/**
 * transmission-cli 3.00 with its own config dir. It only accepts incoming connections on loopback
 * (it never dials 127.x peers from a tracker), and a seeder sends nothing for ~10 s after a
 * leecher connects. Wait for {@link TRANSMISSION_SEEDING} / {@link TRANSMISSION_DONE}.
 */
export async function transmissionPeer(o: TransmissionOptions): Promise<ProcessHandle> {
  const ownDir = o.configDir === undefined ? await makeTempDir('rxtorrent-transmission-') : undefined;
  const configDir = o.configDir ?? ownDir!;
  await mkdir(configDir, { recursive: true });
  const settings = {
    'bind-address-ipv4': '127.0.0.1',
    'bind-address-ipv6': '::1',
    'dht-enabled': false,
    'lpd-enabled': false,
    'pex-enabled': false,
    'utp-enabled': false,
    'port-forwarding-enabled': false,
    'peer-port': o.port,
    'peer-port-random-on-start': false,
    encryption: 0,
    'rpc-enabled': false,
    'blocklist-enabled': false,
    'download-dir': o.dir,
    'incomplete-dir-enabled': false,
    'idle-seeding-limit-enabled': false,
    'ratio-limit-enabled': o.role === 'leech',
    'ratio-limit': 0,
    'message-level': 2, // info: needed for the "State changed" line
    ...o.settings,
  };
  await writeFile(join(configDir, 'settings.json'), JSON.stringify(settings, null, 2));
  const args = ['-o0', 'transmission-cli', '-g', configDir, '-w', o.dir, '-p', String(o.port), o.torrent];
  const handle = startProcess('stdbuf', args, {
    timeoutSec: o.timeoutSec ?? DEFAULT_TIMEOUT_SEC,
    name: o.name ?? `transmission-${o.role}`,
  });
  if (ownDir !== undefined) void handle.exited.then(() => removeTempDir(ownDir));
  return handle;
}

/** Options of {@link ltPeer}. */
export interface LtPeerOptions {
  mode: 'seed' | 'leech';
  /** The .torrent; or give `magnet` (leech only). */
  torrent?: string;
  magnet?: string;
  /** Where the data is (seed) or goes (leech). */
  savePath: string;
  /** Listen port, TCP and UDP: get it from `freeUdpAndTcpPort()`. */
  port: number;
  /** Seed without checking the data first (libtorrent then serves whatever is on disk). */
  seedMode?: boolean;
  /** `IP:PORT`s to dial right away, then every 3 s those not connected (a leecher stops once done). */
  peers?: readonly string[];
  /** Leech only: exit (status 0) right after printing DONE. */
  exitWhenDone?: boolean;
  /** `IP:PORT`s of DHT nodes: the DHT is on (loopback settings), bootstrapped from these only; a seeder announces every 2 s. */
  dhtNodes?: readonly string[];
  /** Bytes/s, 0 = unlimited. */
  uploadLimit?: number;
  downloadLimit?: number;
  /** Message stream encryption: in/out_enc_policy. @default 'disabled' */
  enc?: 'forced' | 'enabled' | 'disabled';
  /** allowed_enc_level. @default 'both' */
  encLevel?: 'plaintext' | 'rc4' | 'both';
  /** prefer_rc4: pick RC4 when both are offered. */
  preferRc4?: boolean;
  /** @default 120 */
  timeoutSec?: number;
  name?: string;
}

/**
 * A libtorrent 2.0 peer through `spec/interop/drivers/lt_driver.py`. Prints {@link LT_LISTENING},
 * {@link LT_PROGRESS} once a second, then {@link LT_READY} (seed) or {@link LT_DONE} (leech).
 */
export function ltPeer(o: LtPeerOptions): ProcessHandle {
  if ((o.torrent === undefined) === (o.magnet === undefined)) {
    throw new Error('ltPeer: give exactly one of torrent and magnet');
  }
  if (o.magnet !== undefined && o.mode === 'seed') throw new Error('ltPeer: a seeder needs a torrent');
  const args = [LT_DRIVER, o.mode];
  if (o.torrent !== undefined) args.push(o.torrent);
  else args.push('--magnet', o.magnet!);
  args.push(o.savePath, '--port', String(o.port));
  for (const peer of o.peers ?? []) args.push('--peer', peer);
  for (const node of o.dhtNodes ?? []) args.push('--dht-node', node);
  if (o.seedMode) args.push('--seed-mode');
  if (o.exitWhenDone) args.push('--exit-when-done');
  if (o.uploadLimit) args.push('--upload-limit', String(o.uploadLimit));
  if (o.downloadLimit) args.push('--download-limit', String(o.downloadLimit));
  if (o.enc) args.push('--enc', o.enc);
  if (o.encLevel) args.push('--enc-level', o.encLevel);
  if (o.preferRc4) args.push('--prefer-rc4');
  return startProcess(PYTHON, args, {
    timeoutSec: o.timeoutSec ?? DEFAULT_TIMEOUT_SEC,
    name: o.name ?? `lt-${o.mode}`,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
}

/** lt_driver dht: its once-a-second count of DHT nodes; group 1 is the count. */
export const LT_DHT_NODES = /^DHT_NODES (\d+)$/;
/** lt_driver dht: a get_peers reply with peers; group 1 is the space-separated `ip:port` list. */
export const LT_DHT_PEERS = /^DHT_PEERS (.+)$/;

/** Options of {@link ltDhtNode}. */
export interface LtDhtNodeOptions {
  /** UDP (and TCP) port: get it from `freeUdpAndTcpPort()`. */
  port: number;
  /** `IP:PORT`s to bootstrap from (none: a node others bootstrap from). */
  dhtNodes?: readonly string[];
  /** Hex info-hash to look up every 2 s (prints {@link LT_DHT_PEERS}). */
  getPeers?: string;
  /** @default 120 */
  timeoutSec?: number;
  name?: string;
}

/** A DHT-only libtorrent node (`lt_driver.py dht`), on loopback settings, never the public routers. */
export function ltDhtNode(o: LtDhtNodeOptions): ProcessHandle {
  const args = [LT_DRIVER, 'dht', '--port', String(o.port)];
  for (const node of o.dhtNodes ?? []) args.push('--dht-node', node);
  if (o.getPeers !== undefined) args.push('--get-peers', o.getPeers);
  return startProcess(PYTHON, args, {
    timeoutSec: o.timeoutSec ?? DEFAULT_TIMEOUT_SEC,
    name: o.name ?? 'lt-dht',
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
}
