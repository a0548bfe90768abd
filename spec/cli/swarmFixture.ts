/**
 * A payload, its torrent (made by `rxtorrent create`) and an `rxtorrent seed` of it on loopback,
 * for CLI specs of `download` and `seed`. The seeder is rate-limited so a download takes a few
 * seconds and prints several state lines.
 */
import { join } from 'node:path';
import { freePort } from '../helpers/net.js';
import { writePayload } from '../helpers/payload.js';
import { startProcess, type ProcessHandle } from '../helpers/proc.js';
import { CLI, runCli } from './run.js';

/** Payload size, piece length and the seeder's upload limit. */
export const PAYLOAD_BYTES = 3 * 2 ** 20;
export const PIECE_LENGTH = '32KiB';
export const SEEDER_RATE = '1MiB';

/** What {@link makeSeededTorrent} made. */
export interface SeededTorrent {
  readonly payload: string;
  readonly torrent: string;
  /** Where the seeder listens, for `--peer`. */
  readonly peer: string;
  readonly seeder: ProcessHandle;
}

/**
 * Writes `dir/a.bin`, makes `dir/a.torrent` (its tracker refuses connections: the peers are
 * given with `--peer`) and starts seeding it.
 */
export async function makeSeededTorrent(dir: string, extraSeedArgs: readonly string[] = []): Promise<SeededTorrent> {
  const payload = join(dir, 'a.bin');
  const torrent = join(dir, 'a.torrent');
  await writePayload(payload, PAYLOAD_BYTES, 'cli-lines');
  const created = await runCli(['create', payload, '-t', 'http://127.0.0.1:1/announce', '-o', torrent, '--piece-length', PIECE_LENGTH]);
  if (created.code !== 0) throw new Error(`rxtorrent create failed: ${created.stderr}`);
  const port = await freePort();
  const seeder = startProcess(process.execPath, [CLI, 'seed', torrent, '-d', payload, '--ip', '127.0.0.1', '-p', String(port), '--upload-rate', SEEDER_RATE, ...extraSeedArgs], {
    timeoutSec: 120, name: 'rxtorrent-seed',
  });
  await seeder.waitForLine(/ seeding |"status":"seeding"/, 20_000);
  return { payload, torrent, peer: `127.0.0.1:${port}`, seeder };
}

/** `download` arguments for a leecher of {@link makeSeededTorrent}'s torrent that exits when done. */
export function leecherArgs(fixture: SeededTorrent, out: string): string[] {
  return ['download', fixture.torrent, '-o', out, '--ip', '127.0.0.1', '-p', '0', '--peer', fixture.peer, '--no-seed'];
}
