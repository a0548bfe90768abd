/**
 * Helpers for "rxtorrent seeds to real clients": a multi-file payload and its .torrent made by
 * `rxtorrent create`, `rxtorrent seed --json` from dist as a child process, and reading the
 * `SessionState` lines it prints. Used by `spec/interop/seed.spec.ts` and
 * `spec/heavy/seed-transmission.spec.ts`.
 */
import { expect } from 'chai';
import { join } from 'node:path';
import type { SessionState } from '../../src/streams/session/sessionState.js';
import { CLI, runCli } from '../cli/run.js';
import { filesIdentical, makeTree, type TreeSpec } from '../helpers/payload.js';
import { startProcess, type ProcessHandle } from '../helpers/proc.js';

/**
 * A multi-file tree with awkward sizes: empty files (one alone in a folder), a file smaller than a
 * block, files that start and end inside pieces, pieces spanning three files.
 */
export const SEED_TREE: TreeSpec = {
  'empty.txt': 0,
  'tiny.bin': 100,
  'a/b/big.bin': 3_000_003,
  'a/mid.bin': 700_001,
  'a/void/zero.dat': 0,
  'z.bin': 16_385,
};

/** Total bytes of {@link SEED_TREE}. */
export const SEED_TREE_BYTES = Object.values(SEED_TREE).reduce((a, b) => a + b, 0);

/** Piece length of the specs' torrents: 32 KiB, so pieces span file boundaries. */
const PIECE_LENGTH = '32KiB';

/** A payload on disk and the .torrent describing it. */
export interface SeedPayload {
  /** The torrent's name, also the content folder's name. */
  readonly name: string;
  /** The top folder of the content (`-d` of `rxtorrent seed`). */
  readonly content: string;
  /** Its parent (`--dir` of `rxtorrent seed`). */
  readonly parent: string;
  /** Path of the .torrent. */
  readonly torrent: string;
  /** Lowercase hex v1 info-hash, as `rxtorrent create` printed it. */
  readonly infoHash: string;
}

/**
 * Writes {@link SEED_TREE} to `<dir>/content/<name>` and makes `<dir>/<name>.torrent` with
 * `rxtorrent create` (from dist).
 *
 * @param o - `dir` to work in, the torrent `name`, and its announce URL (none: trackerless)
 * @returns where everything is
 */
export async function makeSeedPayload(o: { dir: string; name: string; tracker?: string }): Promise<SeedPayload> {
  const parent = join(o.dir, 'content');
  const content = join(parent, o.name);
  await makeTree(content, SEED_TREE, o.name);
  const torrent = join(o.dir, `${o.name}.torrent`);
  const trackerArgs = o.tracker === undefined ? [] : ['-t', o.tracker];
  const r = await runCli(['create', content, ...trackerArgs, '-o', torrent, '--piece-length', PIECE_LENGTH]);
  if (r.code !== 0) throw new Error(`rxtorrent create failed (${r.code}):\n${r.stdout}${r.stderr}`);
  const infoHash = /^info-hash ([0-9a-f]{40})$/m.exec(r.stdout)?.[1];
  if (infoHash === undefined) throw new Error(`rxtorrent create printed no info-hash:\n${r.stdout}`);
  return { name: o.name, content, parent, torrent, infoHash };
}

/** Options of {@link startSeeder}. */
export interface SeederOptions {
  /** One payload (`-d`), or several sharing a parent folder (`--dir`). */
  readonly payloads: readonly SeedPayload[];
  /** Port to listen on. */
  readonly port: number;
  /** `--max-peers`. @default the CLI's */
  readonly maxPeers?: number;
  /** `--upload-rate`, e.g. `'1MiB'` (libtorrent ignores its own limits on loopback). @default unlimited */
  readonly uploadRate?: string;
  /** More CLI arguments, e.g. `['--encryption', 'require']`. */
  readonly extraArgs?: readonly string[];
  /** @default 60 */
  readonly timeoutSec?: number;
}

/**
 * `node dist/cli/main.js seed … --ip 127.0.0.1 -p PORT --json`: one JSON `SessionState` a second
 * per torrent on stdout.
 *
 * @param o - see {@link SeederOptions}
 * @returns the running process
 */
export function startSeeder(o: SeederOptions): ProcessHandle {
  const [first] = o.payloads;
  if (first === undefined) throw new Error('startSeeder: no payloads');
  const content = o.payloads.length === 1 ? ['-d', first.content] : ['--dir', first.parent];
  const cap = o.maxPeers === undefined ? [] : ['--max-peers', String(o.maxPeers)];
  const rate = o.uploadRate === undefined ? [] : ['--upload-rate', o.uploadRate];
  const args = [CLI, 'seed', ...o.payloads.map((p) => p.torrent), ...content, '--ip', '127.0.0.1', '-p', String(o.port), ...cap, ...rate, ...(o.extraArgs ?? []), '--json'];
  return startProcess(process.execPath, args, { timeoutSec: o.timeoutSec ?? 60, name: 'rxtorrent-seed' });
}

/** Every `SessionState` the seeder printed so far (its `--json` lines), oldest first. */
export function seederStates(seeder: ProcessHandle): SessionState[] {
  return seeder.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as SessionState);
}

/**
 * Waits until the seeder printed a state that satisfies `ready` (its JSON lines come once a
 * second per torrent).
 *
 * @param seeder - the process from {@link startSeeder}
 * @param ready - the condition
 * @param timeoutMs - how long to wait
 * @returns the first matching state
 * @throws Error with the output tail when it exits first or the time runs out
 */
export async function waitForState(seeder: ProcessHandle, ready: (s: SessionState) => boolean, timeoutMs: number): Promise<SessionState> {
  let exited = false;
  void seeder.exited.then(() => (exited = true));
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, 100))) {
    const found = seederStates(seeder).find(ready);
    if (found !== undefined) return found;
    if (exited || Date.now() > deadline) {
      const why = exited ? 'exited' : `printed no such state within ${timeoutMs} ms`;
      throw new Error(`${seeder.name} ${why}; last output:\n${seeder.tail(5)}`);
    }
  }
}

/**
 * Expects the leecher's copy of {@link SEED_TREE} to be byte-identical to the seeder's.
 *
 * @param seeded - the seeder's content folder
 * @param leeched - the leecher's copy of it
 * @param o - `nonEmptyOnly`: skip empty files (Transmission does not create them)
 */
export async function expectSameTree(seeded: string, leeched: string, o: { nonEmptyOnly?: boolean } = {}): Promise<void> {
  for (const [path, size] of Object.entries(SEED_TREE)) {
    if (size === 0 && o.nonEmptyOnly === true) continue;
    expect(await filesIdentical(join(seeded, path), join(leeched, path)), path).to.equal(true);
  }
}
